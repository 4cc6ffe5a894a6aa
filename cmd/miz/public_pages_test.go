package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
)

// brokenOutput is what a template prints when it is fed the wrong thing: a pointer's
// address, a fmt error verb, a missing value, a Go map or nil, or a figure left empty.
var brokenOutput = regexp.MustCompile(`0x[0-9a-f]{4,}|%!|<no value>|&lt;no value&gt;|map\[|<nil>|&lt;nil&gt;|<dd[^>]*>\s*</dd>|<td>\s*</td>`) // a blank cell to sign on paper is class="blank"

// TestPublicPagesPrintNoBrokenValues_14 renders every public page of every service in
// both languages, with a completed case on record so that every figure has a value,
// and fails on a memory address, a fmt error, "<no value>" or an empty figure (issue
// 14: the on-time percentage of /services/{id}/performance printed 0x…).
func TestPublicPagesPrintNoBrokenValues_14(t *testing.T) {
	t.Parallel()
	m := startDemo(t, "")
	ctx := context.Background()
	// Close one submitted demo case, as a withdrawal would, so on-time figures exist.
	err := m.DB.Update(ctx, func(tx *store.Tx) error {
		var id, seq int64
		var state string
		if err := tx.QueryRow(ctx, `SELECT c.id, c.state, (SELECT MAX(seq) FROM case_events e WHERE e.case_id = c.id)
			FROM cases c WHERE c.service = 'certify' AND c.submitted_at > 0 AND c.closed_at = 0 ORDER BY c.id LIMIT 1`).Scan(&id, &state, &seq); err != nil {
			return err
		}
		now := store.Millis(time.Now())
		if _, err := tx.Exec(ctx, `UPDATE cases SET state = 'withdrawn', holder = 'none', closed_at = ? WHERE id = ?`, now, id); err != nil {
			return err
		}
		var actor int64
		if err := tx.QueryRow(ctx, `SELECT applicant_account_id FROM cases WHERE id = ?`, id).Scan(&actor); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, from_state, to_state, holder, transition, actor_account_id)
			VALUES (?, ?, ?, ?, 'withdrawn', 'none', 'withdraw', ?)`, id, seq+1, now, state, actor)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/", "/services", "/registry", "/status", "/changes", "/track", "/reports"}
	for _, svc := range m.Services {
		base := "/services/" + svc.ID
		pages = append(pages, base, base+"/sla", base+"/versions", base+"/performance", base+"/performance?period=1405")
	}
	for _, lang := range []string{"fa", "en"} {
		for _, path := range pages {
			req, _ := http.NewRequest("GET", m.URL()+path, nil)
			req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s (%s): %d", path, lang, resp.StatusCode)
				continue
			}
			body := string(b)
			if i := strings.Index(body, "<main"); i >= 0 {
				body = body[i:]
			}
			for _, loc := range brokenOutput.FindAllStringIndex(body, 5) {
				t.Errorf("%s (%s): %q in …%s…", path, lang, body[loc[0]:loc[1]], body[max(0, loc[0]-120):min(len(body), loc[1]+40)])
			}
		}
	}
}
