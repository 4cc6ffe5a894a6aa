package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// CERTIFY publishes no in-person visits: staff cannot record one, a supervisor can
// with a recorded reason, and the case shows 1 of 0 (C-4.8).
func TestVisitsAPIOverPublishedMaximum_C48(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		da := newDeskAPI(t, db)
		code, _ := da.openCase()
		path := "/api/v1/cases/" + code + "/visits"
		st, body := da.json(da.expert, "POST", path, `{"date":"2026-11-24","reason":"تحویل حضوری"}`)
		if st != http.StatusConflict || !strings.Contains(errMessage(body), "سرپرست") {
			t.Fatalf("expert beyond the maximum: %d %v", st, body)
		}
		st, body = da.json(da.supervisor, "POST", path, `{"date":"2026-11-24","reason":"تحویل حضوری"}`)
		if st != http.StatusConflict {
			t.Fatalf("supervisor without a reason: %d %v", st, body)
		}
		if st, body = da.json(da.expert, "POST", path, `{"date":"24/11/2026","reason":"x"}`); st != http.StatusBadRequest {
			t.Fatalf("bad date: %d %v", st, body)
		}
		if st, body = da.json(da.org, "POST", path, `{"date":"2026-11-24","reason":"x"}`); st != http.StatusForbidden {
			t.Fatalf("applicant records a visit: %d %v", st, body)
		}
		st, body = da.json(da.supervisor, "POST", path, `{"date":"2026-11-24","reason":"تحویل حضوری","override_reason":"آزمون فقط در محل ممکن بود"}`)
		if st != http.StatusCreated || body["used"].(float64) != 1 || body["max"].(float64) != 0 {
			t.Fatalf("supervisor with a reason: %d %v", st, body)
		}
		st, body = da.json(da.org, "GET", path, "")
		if st != http.StatusOK || body["used"].(float64) != 1 || body["over"] != true {
			t.Fatalf("visits of the case: %d %v", st, body)
		}
		if st, _ = da.json(da.outside, "GET", path, ""); st != http.StatusNotFound {
			t.Fatalf("outsider reads visits: %d", st)
		}
	})
}
