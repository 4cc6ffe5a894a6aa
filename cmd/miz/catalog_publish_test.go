package main

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/catalog/catalogdb"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/store"
)

// demoPrincipal loads a demo account's principal, as a signed-in request would.
func demoPrincipal(t *testing.T, m *Main, username string) *identity.Principal {
	t.Helper()
	ctx := context.Background()
	var p *identity.Principal
	err := m.DB.View(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, username).Scan(&id); err != nil {
			return err
		}
		var err error
		p, err = identity.LoadPrincipal(ctx, tx, id, 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func get(t *testing.T, u string) (int, string, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// TestServeCatalogPublication_C46 boots the server: the catalog is seeded into the
// database, the case engine and the API read it, and a version published by the demo
// supervisor after the demo editor wrote it appears on /changes.atom and by number.
func TestServeCatalogPublication_C46(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, m *Main) {
		ctx := context.Background()
		if code, _, body := get(t, m.URL()+"/services/certify/sla"); code != 200 || strings.Count(body, `class="sla-section"`) != 9 {
			t.Fatalf("SLA page: %d", code)
		}
		if resp, _ := doJSON(t, "GET", m.URL()+"/api/v1/services/certify/versions/2", "", "", ""); resp.StatusCode != 404 {
			t.Fatalf("unknown version: %d", resp.StatusCode)
		}
		srcs, _ := catalog.DefaultSources()
		text := strings.Replace(string(srcs[0].Data), "version: 1", "version: 2", 1)
		text = strings.Replace(text, "to: 2022-03-20", "to: 2099-03-20", 1)
		editor, supervisor := demoPrincipal(t, m, "demo-editor"), demoPrincipal(t, m, "demo-supervisor")
		if _, err := m.Catalog.CreateDraft(ctx, editor, "certify", text); err != nil {
			t.Fatal(err)
		}
		if err := m.Catalog.Submit(ctx, editor, "certify", 2); err != nil {
			t.Fatal(err)
		}
		day := time.Now().Add(48 * time.Hour)
		in := catalogdb.PublishInput{EffectiveFrom: catalog.Date{Year: day.Year(), Month: day.Month(), Day: day.Day()},
			Summary: catalog.Text{FA: "دوره تازه توافق‌نامه", EN: "A new SLA period"}}
		if _, err := m.Catalog.Publish(ctx, supervisor, "certify", 2, in); err != nil {
			t.Fatal(err)
		}
		resp, v2 := doJSON(t, "GET", m.URL()+"/api/v1/services/certify/versions/2", "", "", "")
		if resp.StatusCode != 200 || v2["version"] != float64(2) {
			t.Fatalf("v2: %d %v", resp.StatusCode, v2)
		}
		if _, cur := doJSON(t, "GET", m.URL()+"/api/v1/services/certify", "", "", ""); cur["version"] != float64(1) {
			t.Fatalf("v2 is in force before its day: %v", cur["version"])
		}
		code, ctype, body := get(t, m.URL()+"/changes.atom?lang=en")
		var feed struct {
			Entries []struct {
				Summary string `xml:"summary"`
			} `xml:"http://www.w3.org/2005/Atom entry"`
		}
		if err := xml.Unmarshal([]byte(body), &feed); err != nil || code != 200 || !strings.HasPrefix(ctype, "application/atom+xml") {
			t.Fatalf("feed: %d %s %v", code, ctype, err)
		}
		if len(feed.Entries) != 1 || !strings.Contains(feed.Entries[0].Summary, "A new SLA period") {
			t.Fatalf("feed entries: %+v", feed.Entries)
		}
		if svc, err := m.Cases.Catalog(ctx, "certify", 1); err != nil || svc.Version != 1 {
			t.Fatalf("the engine resolves v1 for cases begun under it: %v", err)
		}
	})
}
