package cases

import (
	"context"
	"testing"
	"time"

	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestQueueRowsNameSubjectApplicantAndTimeLeft_C41: a queue row says what the case
// is about, who applies and how long is left, coloured by urgency, and the search
// finds a case by its product name, the applicant or the tracking code (issue 13, staff's home).
func TestQueueRowsNameSubjectApplicantAndTimeLeft_C41(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		first := f.submitted(t)
		second, err := f.e.Open(ctx, f.org, OpenInput{Service: "certify", Kind: "application",
			Form: []byte(`{"product_name_fa":"سامانه انبار","product_name_en":"Warehouse"}`)})
		if err != nil {
			t.Fatal(err)
		}
		f.attach(t, f.org, second.TrackingCode, orgDocs...)
		if _, err := f.e.Submit(ctx, f.org, second.TrackingCode); err != nil {
			t.Fatal(err)
		}
		q, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify"})
		if err != nil || len(q) != 2 {
			t.Fatalf("queue = %d, %v", len(q), err)
		}
		if q[0].Subject.FA != "حسابداری" || q[1].Subject.EN != "Warehouse" || q[0].Applicant.FA == "" {
			t.Fatalf("rows: %+v / %+v", q[0], q[1])
		}
		if q[0].Urgency != "ok" || q[0].DueIn <= 0 {
			t.Fatalf("fresh case: urgency %q, due in %v", q[0].Urgency, q[0].DueIn)
		}
		for _, search := range []string{"انبار", "سامانه انبار", "warehouse", second.TrackingCode} {
			got, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify", Search: search})
			if err != nil || len(got) != 1 || got[0].TrackingCode != second.TrackingCode {
				t.Fatalf("search %q = %+v, %v", search, got, err)
			}
		}
		byApplicant, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify", Search: q[0].Applicant.FA})
		if err != nil || len(byApplicant) != 2 {
			t.Fatalf("by applicant = %d, %v", len(byApplicant), err)
		}
		none, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify", Search: "هیچ"})
		if err != nil || len(none) != 0 {
			t.Fatalf("no match = %d, %v", len(none), err)
		}
		f.clock.Add(90 * 24 * time.Hour)
		late, err := f.e.Queue(ctx, f.expert, QueueFilter{Service: "certify", Search: first.TrackingCode})
		if err != nil || len(late) != 1 || late[0].Urgency != "breached" || late[0].DueIn > 0 {
			t.Fatalf("late: %+v, %v", late, err)
		}
		mine, err := f.e.SearchMyCases(ctx, f.org, "انبار", 0, 0)
		if err != nil || len(mine) != 1 || mine[0].TrackingCode != second.TrackingCode {
			t.Fatalf("my cases search = %+v, %v", mine, err)
		}
	})
}

// TestWorkCountsPerService: staff land on a queue with work in it (issue 13): the
// counts say how many cases wait in each service they may work, and none for a
// service they have no grant in.
func TestWorkCountsPerService(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.submitted(t)
		n, err := f.e.WorkCounts(ctx, f.supervisor, []string{"cert", "certify"})
		if err != nil || n["certify"] != 1 || n["cert"] != 0 {
			t.Fatalf("counts = %v, %v", n, err)
		}
		n, err = f.e.WorkCounts(ctx, f.responder, []string{"certify"})
		if _, ok := n["certify"]; err != nil || ok {
			t.Fatalf("responder counts = %v, %v", n, err)
		}
	})
}
