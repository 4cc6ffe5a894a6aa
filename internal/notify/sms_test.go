package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/itoir/miz/internal/jobs"
	"github.com/itoir/miz/internal/notify"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// gateway is a fake SMS provider that fails the first failures requests with 500.
type gateway struct {
	mu       sync.Mutex
	failures int
	got      []map[string]string
	auth     []string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.got = append(g.got, body)
	g.auth = append(g.auth, r.Header.Get("Authorization"))
	if g.failures > 0 {
		g.failures--
		http.Error(w, "upstream operator unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"accepted"}`))
}

func TestSMSGatewayFailureIsRetriedThenSent(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		clk := newClock(db)
		gw := &gateway{failures: 1}
		srv := httptest.NewServer(gw)
		defer srv.Close()
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		sms := &notify.HTTPSMSGateway{URL: srv.URL, Token: "tok-123", Sender: "ITO", Client: srv.Client()}
		(&notify.Sender{DB: db, SMS: sms}).Register(r)

		text := "میز خدمت: درخواست شما ثبت شد. کد رهگیری ۱۴۰۵-۰۰۰۱۲۳"
		m := notify.SMS("09121234567", text)
		m.RefKind, m.RefID = "case", "1405-000123"
		queue(t, db, m)
		runDue(t, r, 1)
		row := lastOutbox(t, db)
		if row.State != notify.StateRetrying || row.Attempts != 1 || !strings.Contains(row.LastError, "500") {
			t.Fatalf("after the failing attempt: %+v", row)
		}
		runDue(t, r, 0) // the retry waits for its backoff
		clk.Add(time.Hour)
		runDue(t, r, 1)
		if row := lastOutbox(t, db); row.State != notify.StateSent || row.Attempts != 2 || !row.SentAt.Equal(clk.Now()) {
			t.Fatalf("after the retry: %+v", row)
		}
		gw.mu.Lock()
		defer gw.mu.Unlock()
		if len(gw.got) != 2 {
			t.Fatalf("gateway saw %d requests", len(gw.got))
		}
		for i, body := range gw.got {
			if body["to"] != "09121234567" || body["text"] != text || body["sender"] != "ITO" || gw.auth[i] != "Bearer tok-123" {
				t.Fatalf("request %d: %v, auth %q", i, body, gw.auth[i])
			}
		}
	})
}

func TestMessageQueuedInRolledBackTxIsNeverSent(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock(db)
		gw := &gateway{}
		srv := httptest.NewServer(gw)
		defer srv.Close()
		r := jobs.NewRunner(db, nil, jobs.Options{Now: clk.Now})
		(&notify.Sender{DB: db, SMS: &notify.HTTPSMSGateway{URL: srv.URL}}).Register(r)
		failed := errors.New("case submission failed")
		err := db.Update(ctx, func(tx *store.Tx) error {
			if err := notify.Queue(ctx, tx, notify.SMS("09121234567", "ثبت شد")); err != nil {
				return err
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatal(err)
		}
		runDue(t, r, 0)
		if len(gw.got) != 0 {
			t.Fatal("SMS of a rolled-back change was sent")
		}
	})
}

func TestQueueRejectsMalformedMessages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		m    notify.Message
	}{
		{"unknown channel", notify.Message{Channel: "fax", To: "1", Text: "x"}},
		{"bad address", notify.Bilingual{SubjectFa: "س", BodyFa: "م"}.Email("not-an-address")},
		{"empty e-mail", notify.Message{Channel: notify.ChannelEmail, To: "a@b.ir"}},
		{"header injection", notify.Message{Channel: notify.ChannelEmail, To: "a@b.ir", Subject: "x\r\nBcc: c@d", Text: "t"}},
		{"persian digits", notify.SMS("۰۹۱۲۱۲۳۴۵۶۷", "متن")},
		{"short number", notify.SMS("0912", "متن")},
		{"empty sms", notify.SMS("09121234567", " ")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(ctx, func(tx *store.Tx) error { return notify.Queue(ctx, tx, tc.m) })
			if err == nil {
				t.Fatalf("queued %+v", tc.m)
			}
		})
	}
}
