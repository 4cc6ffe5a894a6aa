package reactive

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
	"github.com/itoir/miz/internal/store/storetest"
)

// TestStatisticsSummariseMedianAndP90ByNearestRank: D-2 figures are the median
// and the 90th percentile by nearest rank, and nothing for an empty month.
func TestStatisticsSummariseMedianAndP90ByNearestRank(t *testing.T) {
	m := time.Minute
	for _, c := range []struct {
		in       []time.Duration
		med, p90 time.Duration
		n        int
	}{
		{nil, 0, 0, 0},
		{[]time.Duration{5 * m}, 5 * m, 5 * m, 1},
		{[]time.Duration{10 * m, 1 * m, 3 * m, 2 * m}, 2 * m, 10 * m, 4},
		{[]time.Duration{1 * m, 2 * m, 3 * m, 4 * m, 5 * m, 6 * m, 7 * m, 8 * m, 9 * m, 10 * m}, 5 * m, 9 * m, 10},
	} {
		got := summarise(c.in)
		if got.N != c.n || got.Median != c.med || got.P90 != c.p90 {
			t.Errorf("%v: %+v", c.in, got)
		}
	}
}

// TestStatisticsCountByClassSeveritySectorPerJalaliMonth_D2: counts and times per
// Jalali month on both databases, with no content; public only where the catalog
// says so.
func TestStatisticsCountByClassSeveritySectorPerJalaliMonth_D2(t *testing.T) {
	storetest.ForEachBackend(t, func(t *testing.T, db *store.DB) {
		d := newDesk(t, db)
		ctx := context.Background()
		a := d.report(t, `{"summary":"DDoS"}`)
		d.report(t, `{"summary":"phishing"}`)
		d.clock.Add(20 * time.Minute)
		if err := d.s.Triage(ctx, d.responder, a, "availability", "ddos", "high"); err != nil {
			t.Fatal(err)
		}
		for _, ph := range Phases() {
			if err := d.s.RecordPhase(ctx, d.responder, a, ph, "done", ""); err != nil {
				t.Fatal(err)
			}
		}
		d.clock.Add(3 * time.Hour)
		if err := d.s.Close(ctx, d.responder, a, ClosureResolved, "", "fixed"); err != nil {
			t.Fatal(err)
		}
		svc, err := d.e.Catalog(ctx, "cert", 0)
		if err != nil {
			t.Fatal(err)
		}
		// Staff of the service see every count as it is.
		st, err := d.s.Statistics(ctx, d.analyst, svc)
		if err != nil || len(st.Months) != 1 || st.MinCell != 0 {
			t.Fatalf("staff statistics: %v %+v", err, st)
		}
		m := st.Months[0]
		if m.Year != 1405 || m.Month != 1 || m.Total != 2 || m.ByClass["availability"] != 1 || m.ByClass[None] != 1 ||
			m.BySeverity["high"] != 1 || m.BySector["government"] != 2 {
			t.Fatalf("counts: %+v", m)
		}
		// The public sees no class, severity or sector counted fewer than three
		// times: one DDoS on a government agency would name it (D-2). The total and
		// the times stay.
		st, err = d.s.Statistics(ctx, d.outsider, svc)
		if err != nil || len(st.Months) != 1 || st.MinCell != DefaultMinCell {
			t.Fatalf("public statistics: %v %+v", err, st)
		}
		m = st.Months[0]
		if m.Total != 2 || len(m.ByClass) != 1 || m.ByClass[Pooled] != 2 || len(m.BySeverity) != 1 || m.BySeverity[Pooled] != 2 ||
			len(m.BySector) != 1 || m.BySector[Pooled] != 2 {
			t.Fatalf("public counts are not pooled: %+v", m)
		}
		exact := *svc
		exact.ModuleConfig.Settings = map[string]string{"statistics_public": "true", "statistics_min_cell": "2"}
		st, err = d.s.Statistics(ctx, d.outsider, &exact)
		if err != nil || st.MinCell != 2 || st.Months[0].BySector["government"] != 2 || st.Months[0].ByClass[Pooled] != 2 {
			t.Fatalf("statistics_min_cell 2: %v %+v", err, st)
		}
		if m.FirstResponse.N != 1 || m.FirstResponse.Median != 20*time.Minute || m.Resolution.Median != 200*time.Minute {
			t.Fatalf("times: %+v %+v", m.FirstResponse, m.Resolution)
		}
		var csv strings.Builder
		if err := st.WriteCSV(&csv); err != nil || !strings.Contains(csv.String(), "1405-01,first_response_median_minutes,,20") ||
			strings.Contains(csv.String(), a) {
			t.Fatalf("csv: %v\n%s", err, csv.String())
		}
		private := *svc
		private.ModuleConfig.Settings = map[string]string{"statistics_public": "false"}
		if _, err := d.s.Statistics(ctx, d.outsider, &private); problem.As(err).Code != problem.Forbidden {
			t.Fatalf("private statistics to an outsider: %v", err)
		}
		if _, err := d.s.Statistics(ctx, d.analyst, &private); err != nil {
			t.Fatalf("private statistics to staff: %v", err)
		}
	})
}
