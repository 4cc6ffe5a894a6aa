package api

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/desk"
	"github.com/itoir/miz/internal/fixtures"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// deskAPI is the API with a desk, a company applicant, an expert, a supervisor and an
// outsider; certify publishes no in-person visits (max_visits: 0).
type deskAPI struct {
	*caseAPI
	db         *store.DB
	supervisor *identity.Principal
}

func newDeskAPI(t *testing.T, db *store.DB) *deskAPI {
	t.Helper()
	svcs, err := catalog.Defaults()
	if err != nil {
		t.Fatal(err)
	}
	ca := &caseAPI{t: t, now: time.Date(2026, 11, 24, 10, 30, 0, 0, jalali.Tehran())}
	b := fixtures.New(t, db, nil)
	ca.org = b.OrgApplicant("company", "legal")
	ca.expert = b.Staff("expert", map[string][]identity.Role{"certify": {identity.Expert}})
	ca.outside = b.Applicant("outsider")
	sup := b.Staff("supervisor", map[string][]identity.Role{"certify": {identity.Supervisor}})
	now := func() time.Time { return ca.now }
	cat := cases.StaticCatalog(svcs)
	a := &API{Log: slog.New(slog.DiscardHandler), Cases: &cases.Engine{DB: db, Catalog: cat, Now: now},
		Desk: &desk.Service{DB: db, Catalog: cat, Now: now}}
	mux := http.NewServeMux()
	withDomain(a, db)
	a.Routes(mux)
	ca.h = mux
	return &deskAPI{caseAPI: ca, db: db, supervisor: sup}
}

// openCase opens a draft certify case for the company and returns its code.
func (da *deskAPI) openCase() (string, int64) {
	da.t.Helper()
	st, body := da.json(da.org, "POST", "/api/v1/cases", `{"service":"certify","kind":"application"}`)
	if st != http.StatusCreated {
		da.t.Fatalf("open: %d %v", st, body)
	}
	code := body["tracking_code"].(string)
	var id int64
	err := da.db.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow(context.Background(), "SELECT id FROM cases WHERE tracking_code = ?", code).Scan(&id)
	})
	if err != nil {
		da.t.Fatal(err)
	}
	return code, id
}

func errMessage(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func TestQuestionsAPIAskAnswerAndStaffList_C47(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		da := newDeskAPI(t, db)
		code, _ := da.openCase()
		st, body := da.json(da.org, "POST", "/api/v1/questions", `{"case":"`+code+`","body":"کی بررسی می‌شود؟"}`)
		if st != http.StatusCreated || body["service"] != "certify" || body["status"] != "waiting" || body["first_due_at"] == nil {
			t.Fatalf("ask about own case: %d %v", st, body)
		}
		id := body["id"].(float64)
		path := "/api/v1/questions/" + strconv.FormatInt(int64(id), 10)
		st, body = da.json(da.outside, "POST", "/api/v1/questions", `{"case":"`+code+`","body":"پرونده دیگری"}`)
		if st != http.StatusNotFound || errMessage(body) == "" {
			t.Fatalf("ask about a foreign case: %d %v", st, body)
		}
		st, body = da.json(da.org, "POST", "/api/v1/questions", `{"service":"certify","body":"   "}`)
		if st != http.StatusBadRequest || !strings.Contains(errMessage(body), "خالی") {
			t.Fatalf("empty question: %d %v", st, body)
		}
		st, body = da.json(da.outside, "POST", "/api/v1/questions", `{"service":"certify","body":"هزینه چقدر است؟"}`)
		if st != http.StatusCreated {
			t.Fatalf("ask about a service: %d %v", st, body)
		}
		st, body = da.json(da.expert, "GET", "/api/v1/questions?service=certify", "")
		list, _ := body["questions"].([]any)
		if st != http.StatusOK || len(list) != 2 || list[0].(map[string]any)["case"] != code {
			t.Fatalf("staff list: %d %v", st, body)
		}
		if st, body = da.json(da.org, "GET", "/api/v1/questions?service=certify", ""); st != http.StatusForbidden {
			t.Fatalf("applicant reads the staff list: %d %v", st, body)
		}
		da.now = da.now.Add(time.Hour)
		if st, body = da.json(da.expert, "POST", path+"/answers", `{"body":"این هفته."}`); st != http.StatusCreated || body["by_staff"] != true {
			t.Fatalf("answer: %d %v", st, body)
		}
		st, body = da.json(da.org, "GET", path, "")
		if st != http.StatusOK || body["status"] != "answered" || body["first_response_seconds"].(float64) != 3600 {
			t.Fatalf("answered question: %d %v", st, body)
		}
		if st, body = da.json(da.outside, "GET", path, ""); st != http.StatusNotFound {
			t.Fatalf("outsider reads the question: %d %v", st, body)
		}
		st, body = da.json(da.org, "GET", "/api/v1/questions", "")
		if mine, _ := body["questions"].([]any); st != http.StatusOK || len(mine) != 1 {
			t.Fatalf("my questions: %d %v", st, body)
		}
	})
}
