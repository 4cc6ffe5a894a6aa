package kpi

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/cases"
	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/outages"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/sla"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// ev is one step of a fixture case's history.
type ev struct {
	at     time.Time
	holder string
	pause  string
	resub  bool
}

// insertCase writes a case and its history as the engine would have; the form,
// a document and a message carry text that must never reach a report (D-1).
func insertCase(t *testing.T, db *store.DB, service, kind string, submitted, closed time.Time, evs []ev) {
	t.Helper()
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		var acc int64
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM accounts").Scan(&acc); err != nil {
			return err
		}
		if acc == 0 {
			var err error
			if acc, err = tx.InsertID(ctx, `INSERT INTO accounts (username, kind, created_at) VALUES ('a', 'person', 0)`); err != nil {
				return err
			}
		}
		code, err := cases.NewTrackingCode(nil)
		if err != nil {
			return err
		}
		holder := "organization"
		if len(evs) > 0 {
			holder = evs[len(evs)-1].holder
		}
		id, err := tx.InsertID(ctx, `INSERT INTO cases (tracking_code, service, service_version, kind, state, holder,
			applicant_account_id, applicant_type, form, created_at, submitted_at, closed_at)
			VALUES (?, ?, 1, ?, 'x', ?, ?, 'person', '{"product":"SECRET-FORM-TEXT"}', ?, ?, ?)`,
			code, service, kind, holder, acc, store.Millis(submitted), store.Millis(submitted), store.Millis(closed))
		if err != nil {
			return err
		}
		for i, e := range evs {
			if _, err := tx.Exec(ctx, `INSERT INTO case_events (case_id, seq, at, to_state, holder, pause, resubmission, actor_account_id)
				VALUES (?, ?, ?, 'x', ?, ?, ?, ?)`, id, i+1, store.Millis(e.at), e.holder, e.pause, e.resub, acc); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO case_documents (case_id, doc_type, sha256, size, mime, filename, uploaded_at, uploaded_by)
			VALUES (?, 'user_manual', 'ab', 1, 'application/pdf', 'SECRET-DOCUMENT-NAME.pdf', 0, ?)`, id, acc); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO case_messages (case_id, author_account_id, body, created_at)
			VALUES (?, ?, 'SECRET-MESSAGE-BODY', 0)`, id, acc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

type firstResponses struct{}

func (firstResponses) FirstResponse(context.Context, string, time.Time, time.Time) (Stats, error) {
	return Stats{Count: 2, Median: 1.5, P90: 3}, nil
}

// TestFiguresFromTheClock_C41 builds cases whose clocks are known: 10 business days
// on time; 20 used with 3 paused for missing documents, on time; 35 used, late (the
// budget is 30 business days).
func TestFiguresFromTheClock_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		cal := sla.NationalDefault()
		day := int64(cal.DayLength() / time.Second)
		add := func(t0 time.Time, days int64) time.Time { return cal.AddWorking(t0, days*day) }
		sub := time.Date(2026, 4, 4, 9, 0, 0, 0, jalali.Tehran()) // Saturday 15 Farvardin 1405
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, jalali.Tehran())
		draft := ev{sub.Add(-time.Hour), "applicant", "draft", false}
		insertCase(t, db, "certify", "application", sub, add(sub, 10), []ev{draft, {sub, "organization", "", false}, {add(sub, 10), "none", "", false}})
		p1 := add(sub, 5)
		p2 := add(p1, 3)
		insertCase(t, db, "certify", "application", sub, add(p2, 15), []ev{draft, {sub, "organization", "", false},
			{p1, "applicant", "incomplete", false}, {p2, "organization", "", true}, {add(p2, 15), "none", "", false}})
		insertCase(t, db, "certify", "application", sub, add(sub, 35), []ev{draft, {sub, "organization", "", false}, {add(sub, 35), "none", "", false}})
		insertCase(t, db, "certify", "application", sub, time.Time{}, []ev{draft, {sub, "organization", "", false}}) // still open
		insertCase(t, db, "certify", "application", time.Time{}, sub, []ev{draft, {sub, "none", "", false}})         // discarded draft
		insertCase(t, db, "cert", "incident", sub, add(sub, 1), []ev{{sub, "organization", "", false}, {add(sub, 1), "none", "", false}})

		c := &Computer{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: func() *sla.Calendar { return cal },
			Now: func() time.Time { return now }, FirstResponse: firstResponses{},
			Availability: &outages.Service{DB: db, Now: func() time.Time { return now }}}
		year, _ := ParsePeriod("1405")
		r, err := c.Compute(ctx, "certify", year)
		if err != nil {
			t.Fatal(err)
		}
		if r.Received != 4 || r.Completed != 3 || r.OnTime != 2 || r.OnTimePercent == nil || *r.OnTimePercent != 66.67 {
			t.Fatalf("counts = %+v", r)
		}
		if r.Delivery != (Stats{Count: 3, Median: 20, P90: 35}) {
			t.Errorf("delivery = %+v, want median 20, p90 35", r.Delivery)
		}
		if r.Paused != (Stats{Count: 3, Median: 0, P90: 3}) {
			t.Errorf("paused = %+v, want median 0, p90 3", r.Paused)
		}
		if r.FirstResponse == nil || r.FirstResponse.Median != 1.5 || r.Complaints != nil || r.Satisfaction != nil {
			t.Errorf("optional figures = %+v %+v %+v", r.FirstResponse, r.Complaints, r.Satisfaction)
		}
		if r.Availability == nil || r.Availability.Percent != 100 {
			t.Errorf("availability = %+v", r.Availability)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"SECRET", "product"} {
			if strings.Contains(string(b), secret) {
				t.Fatalf("report carries case content %q (D-1): %s", secret, b)
			}
		}
		farvardin, _ := ParsePeriod("1405-01")
		// Only the 10-day case closes within Farvardin.
		if r, err = c.Compute(ctx, "certify", farvardin); err != nil || r.Received != 4 || r.Completed != 1 || *r.OnTimePercent != 100 {
			t.Fatalf("1405-01 = %+v, %v", r, err)
		}
		if r, err = c.Compute(ctx, "certify", MonthOf(now)); err != nil || r.Received != 0 || r.OnTimePercent != nil {
			t.Fatalf("1405-09 = %+v, %v", r, err)
		}
		_, err = c.Compute(ctx, "nope", year)
		if pe := problem.As(err); pe.Code != problem.NotFound {
			t.Fatalf("unknown service: %v", err)
		}
	})
}

func TestStatsNearestRank(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want Stats
	}{
		{nil, Stats{}},
		{[]float64{4}, Stats{1, 4, 4}},
		{[]float64{1, 2, 3, 4}, Stats{4, 2.5, 4}},
		{[]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, Stats{10, 5.5, 9}},
	} {
		if got := statsOf(c.in); got != c.want {
			t.Errorf("statsOf(%v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// TestKindsCountInTheirOwnUnits_14: CERT's incidents run on the 24×7 clock and its
// courses on business days; the report gives each kind its figures in its own unit
// and no service-wide delivery figure that would add hours to business days.
func TestKindsCountInTheirOwnUnits_14(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		svcs, err := catalog.Defaults()
		if err != nil {
			t.Fatal(err)
		}
		cal := sla.NationalDefault()
		sub := time.Date(2026, 4, 4, 9, 0, 0, 0, jalali.Tehran())
		day := int64(cal.DayLength() / time.Second)
		// Two incidents: 3 h and 30 h of clock time (the second with 2 h waiting for the applicant).
		insertCase(t, db, "cert", "incident", sub, sub.Add(3*time.Hour), []ev{{sub, "organization", "", false}, {sub.Add(3 * time.Hour), "none", "", false}})
		insertCase(t, db, "cert", "incident", sub, sub.Add(32*time.Hour), []ev{{sub, "organization", "", false},
			{sub.Add(10 * time.Hour), "applicant", "information", false}, {sub.Add(12 * time.Hour), "organization", "", false},
			{sub.Add(32 * time.Hour), "none", "", false}})
		// One course enrolment, 4 business days.
		insertCase(t, db, "cert", "course", sub, cal.AddWorking(sub, 4*day), []ev{{sub, "organization", "", false}, {cal.AddWorking(sub, 4*day), "none", "", false}})
		c := &Computer{DB: db, Catalog: cases.StaticCatalog(svcs), Calendar: func() *sla.Calendar { return cal },
			Now: func() time.Time { return sub.AddDate(0, 1, 0) }}
		year, _ := ParsePeriod("1405")
		r, err := c.Compute(ctx, "cert", year)
		if err != nil {
			t.Fatal(err)
		}
		if r.Unit != UnitMixed || r.Delivery != (Stats{}) || r.Completed != 3 {
			t.Fatalf("service-wide: unit %q delivery %+v completed %d; want mixed and no added figure", r.Unit, r.Delivery, r.Completed)
		}
		byKind := map[string]KindReport{}
		for _, k := range r.Kinds {
			byKind[k.Kind] = k
		}
		inc, course := byKind["incident"], byKind["course"]
		if inc.Unit != UnitHours || inc.Completed != 2 || inc.Delivery != (Stats{Count: 2, Median: 16.5, P90: 30}) || inc.Paused.P90 != 2 {
			t.Errorf("incidents = %+v, want hours: median 16.5, p90 30, paused 2", inc)
		}
		if course.Unit != UnitBusinessDays || course.Delivery != (Stats{Count: 1, Median: 4, P90: 4}) {
			t.Errorf("courses = %+v, want 4 business days", course)
		}
		rows := r.Rows()
		var names []string
		for _, row := range rows {
			names = append(names, row[0])
		}
		joined := strings.Join(names, " ")
		if strings.Contains(joined, " delivery_business_days_median") || !strings.Contains(joined, "kind_incident_delivery_hours_median") ||
			!strings.Contains(joined, "kind_course_delivery_business_days_median") {
			t.Errorf("export rows = %s", joined)
		}
	})
}
