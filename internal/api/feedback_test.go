package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// The applicant rates a case once after it closes; supervisors see the summary
// (C-4.9).
func TestFeedbackAPIOnceAfterClose_C49(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		da := newDeskAPI(t, db)
		code, id := da.openCase()
		path := "/api/v1/cases/" + code + "/feedback"
		if st, body := da.json(da.org, "POST", path, `{"service_rating":5,"courtesy_rating":5}`); st != http.StatusConflict {
			t.Fatalf("feedback before close: %d %v", st, body)
		}
		err := db.Update(context.Background(), func(tx *store.Tx) error {
			_, err := tx.Exec(context.Background(), "UPDATE cases SET closed_at = 1, holder = 'none' WHERE id = ?", id)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{`{"service_rating":0,"courtesy_rating":3}`, `{"service_rating":6,"courtesy_rating":3}`,
			`{"service_rating":3,"courtesy_rating":6}`, `{"service_rating":"5","courtesy_rating":3}`} {
			if st, body := da.json(da.org, "POST", path, bad); st != http.StatusBadRequest || errMessage(body) == "" {
				t.Fatalf("%s: %d %v", bad, st, body)
			}
		}
		if st, body := da.json(da.expert, "POST", path, `{"service_rating":5,"courtesy_rating":5}`); st != http.StatusForbidden {
			t.Fatalf("staff rates: %d %v", st, body)
		}
		st, body := da.json(da.org, "POST", path, `{"service_rating":4,"courtesy_rating":5,"comment":"سپاس"}`)
		if st != http.StatusCreated || body["service_rating"].(float64) != 4 {
			t.Fatalf("feedback: %d %v", st, body)
		}
		if st, body = da.json(da.org, "POST", path, `{"service_rating":1,"courtesy_rating":1}`); st != http.StatusConflict {
			t.Fatalf("second feedback: %d %v", st, body)
		}
		if st, body = da.json(da.expert, "GET", path, ""); st != http.StatusOK || body["comment"] != nil {
			t.Fatalf("expert sees the comment: %d %v", st, body)
		}
		st, body = da.json(da.supervisor, "GET", "/api/v1/services/certify/feedback/summary?from=2026-01-01", "")
		if st != http.StatusOK || body["overall"].(map[string]any)["count"].(float64) != 1 || len(body["comments"].([]any)) != 1 {
			t.Fatalf("summary: %d %v", st, body)
		}
		if st, body = da.json(da.expert, "GET", "/api/v1/services/certify/feedback/summary", ""); st != http.StatusForbidden {
			t.Fatalf("expert reads the summary: %d %v", st, body)
		}
	})
}
