package api

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// raw sends a GET as p (nil: anonymous) and returns the recorded answer.
func (ca *caseAPI) raw(p *identity.Principal, path string, hdr ...string) *httptest.ResponseRecorder {
	ca.t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	if p != nil {
		r = r.WithContext(httpauth.WithCaller(r.Context(), &httpauth.Caller{Principal: p, Bearer: true}))
	}
	w := httptest.NewRecorder()
	ca.h.ServeHTTP(w, r)
	return w
}

// seedQueue writes n open submitted certify cases directly, with a form that must
// never appear in an export (D-1).
func seedQueue(t *testing.T, db *store.DB, owner int64, n int, at time.Time) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			code, err := cases.NewTrackingCode(nil)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
				applicant_account_id, applicant_type, form, created_at, submitted_at, due_at)
				VALUES (?, 'certify', 1, 'application', 'completeness_check', 'organization', ?, 'org', '{"p":"SECRET-FORM"}', ?, ?, ?)`,
				code, owner, store.Millis(at), store.Millis(at), store.Millis(at.Add(time.Duration(n-i)*time.Hour))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatusOutagesAndKPIsAPI_C44(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ca := newCaseAPI(t, db)
		admin := &identity.Principal{Account: identity.Account{ID: ca.expert.ID, Kind: identity.KindStaff, Admin: true}}
		seedQueue(t, db, ca.org.ID, 3, ca.now.Add(-time.Hour))
		start := ca.now.Add(-30 * time.Minute).Format(time.RFC3339)
		body := `{"kind":"unplanned","services":["certify"],"start":"` + start + `","notice_fa":"اختلال در صدور گواهی","notice_en":"Certification is down"}`
		if code, _ := ca.json(ca.expert, "POST", "/api/v1/outages", body); code != 403 {
			t.Fatalf("expert creates an outage: %d", code)
		}
		code, out := ca.json(admin, "POST", "/api/v1/outages", body)
		if code != 201 || out["kind"] != "unplanned" {
			t.Fatalf("create = %d %v", code, out)
		}
		code, st := ca.do(nil, "GET", "/api/v1/status", "", nil)
		if code != 200 || st["state"] != "outage" || len(st["current"].([]any)) != 1 {
			t.Fatalf("status = %d %v", code, st)
		}
		code, out = ca.json(admin, "POST", fmt.Sprintf("/api/v1/outages/%v/end", out["id"]), "")
		if code != 200 || out["end"] == nil {
			t.Fatalf("end = %d %v", code, out)
		}

		code, out = ca.do(nil, "GET", "/api/v1/services/certify/kpis?period=1405-Q3", "", nil)
		if code != 200 || out["received"] != 3.0 || out["availability"] == nil {
			t.Fatalf("kpis = %d %v", code, out)
		}
		w := ca.raw(nil, "/api/v1/services/certify/kpis?period=1405-13", "Accept-Language", "fa")
		if w.Code != 400 || !strings.Contains(w.Body.String(), "معتبر نیست") || !strings.Contains(w.Body.String(), `"field":"period"`) {
			t.Fatalf("bad period = %d %s", w.Code, w.Body)
		}
		if w := ca.raw(nil, "/api/v1/services/nope/kpis"); w.Code != 404 {
			t.Fatalf("unknown service = %d", w.Code)
		}
		w = ca.raw(nil, "/api/v1/services/certify/kpis.csv?period=1405-08")
		rows := parseCSV(t, w.Body.Bytes())
		if w.Code != 200 || rows[0][0] != "figure" || rows[3][0] != "received" || rows[3][1] != "3" {
			t.Fatalf("kpis.csv = %d %v", w.Code, rows)
		}
		w = ca.raw(nil, "/api/v1/services/certify/kpis.xlsx?period=1405-08")
		if sheet := xlsxSheet(t, w.Body.Bytes()); !strings.Contains(sheet, "on_time_percent") {
			t.Fatalf("kpis.xlsx sheet = %s", sheet)
		}
	})
}

func TestQueueExportsParseBack(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ca := newCaseAPI(t, db)
		seedQueue(t, db, ca.org.ID, 25, ca.now.Add(-time.Hour))
		if w := ca.raw(ca.expert, "/api/v1/queue/export.csv?service=certify"); w.Code != 403 {
			t.Fatalf("an expert exports: %d %s", w.Code, w.Body)
		}
		if w := ca.raw(nil, "/api/v1/queue/export.csv?service=certify"); w.Code != 401 {
			t.Fatalf("anonymous export: %d", w.Code)
		}
		sup := &identity.Principal{Account: identity.Account{ID: ca.expert.ID, Kind: identity.KindStaff},
			Grants: map[string][]identity.Role{"certify": {identity.Supervisor}}}
		w := ca.raw(sup, "/api/v1/queue/export.csv?service=certify")
		if w.Code != 200 || !bytes.HasPrefix(w.Body.Bytes(), []byte("\uFEFF")) || strings.Contains(w.Body.String(), "SECRET") {
			t.Fatalf("queue.csv = %d %.200s", w.Code, w.Body)
		}
		if rows := parseCSV(t, w.Body.Bytes()); len(rows) != 26 || rows[0][0] != "tracking_code" {
			t.Fatalf("queue.csv rows = %d", len(rows))
		}
		w = ca.raw(sup, "/api/v1/queue/export.xlsx?service=certify")
		sheet := xlsxSheet(t, w.Body.Bytes())
		if w.Code != 200 || strings.Count(sheet, "<row ") != 26 || strings.Contains(sheet, "SECRET") {
			t.Fatalf("queue.xlsx = %d, %d rows", w.Code, strings.Count(sheet, "<row "))
		}
	})
}

func parseCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v in %q", err, b)
	}
	return rows
}

func xlsxSheet(t *testing.T, b []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("xlsx is not a zip: %v", err)
	}
	f, err := z.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := io.ReadAll(f)
	return string(s)
}
