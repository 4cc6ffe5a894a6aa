package reactive

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"encoding/csv"

	"github.com/itoir/miz/internal/catalog"
	"github.com/itoir/miz/internal/identity"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/store"
)

// Durations summarises how long something took over a set of incidents.
type Durations struct {
	N      int           `json:"n"`
	Median time.Duration `json:"-"`
	P90    time.Duration `json:"-"`
}

// MonthStats counts the incidents reported in one Jalali month, without content
// (D-2): by RSIT class, severity and sector, and how long the first response and
// the resolution took.
type MonthStats struct {
	// Year and Month are the Jalali month the incidents were reported in.
	Year, Month   int
	Total         int
	ByClass       map[string]int
	BySeverity    map[string]int
	BySector      map[string]int
	FirstResponse Durations
	Resolution    Durations
}

// Stats are the incident statistics of one service, newest month first.
type Stats struct {
	Service string
	Months  []MonthStats
	// MinCell is the smallest count shown by class, severity or sector to a reader
	// who is not the service's staff; smaller counts are added up under Pooled
	// (0: every count is exact, as staff see them).
	MinCell int
}

// Pooled is the bucket that, in public statistics, holds the classes, severities and
// sectors counted fewer than MinCell times in a month: a sector with one incident
// would otherwise name its victim (D-2).
const Pooled = "pooled" // not "other": that is an RSIT class of its own

// DefaultMinCell is the smallest count published per class, severity and sector
// when the catalog does not set statistics_min_cell.
const DefaultMinCell = 3

// MinCell is the service's smallest published count (module setting
// statistics_min_cell, at least 1).
func MinCell(svc *catalog.Service) int {
	if svc != nil {
		if n, err := strconv.Atoi(svc.ModuleConfig.Settings["statistics_min_cell"]); err == nil && n >= 1 {
			return n
		}
	}
	return DefaultMinCell
}

// StatsPublic reports whether the catalog publishes the service's incident
// statistics to everyone (module setting statistics_public).
func StatsPublic(svc *catalog.Service) bool {
	return svc != nil && svc.ModuleConfig.Settings["statistics_public"] == "true"
}

// Statistics returns counts and times of a service's submitted incidents per
// Jalali month — never a tracking code, a reporter or a word of content (D-1).
// They are everyone's when the catalog says so (StatsPublic); otherwise the
// service's staff only. Times: first response is report to triage; resolution is
// report to closing as resolved. Median and 90th percentile, nearest rank.
func (s *Service) Statistics(ctx context.Context, p *identity.Principal, svc *catalog.Service) (*Stats, error) {
	if svc == nil || svc.Module != "cert" {
		return nil, problem.New(problem.NotFound, "error.not_found")
	}
	insider := p.IsStaff() && len(p.Grants[svc.ID]) > 0 || p != nil && p.Admin
	if !StatsPublic(svc) && !insider {
		if p == nil {
			return nil, problem.New(problem.Unauthorized, "error.unauthorized")
		}
		return nil, problem.New(problem.Forbidden, "cert.forbidden")
	}
	type key struct{ y, m int }
	months := map[key]*MonthStats{}
	first := map[key][]time.Duration{}
	resolved := map[key][]time.Duration{}
	err := s.DB.ViewAt(ctx, s.now, func(tx *store.Tx) error {
		rows, err := tx.Query(ctx, `SELECT ci.class, ci.severity, ci.sector, ci.reported_at, ci.triaged_at, ci.closed_at, ci.closure
			FROM cert_incidents ci`) // only the CERT module records incidents
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var class, sev, sector, closure string
			var reported, triaged, closed int64
			if err := rows.Scan(&class, &sev, &sector, &reported, &triaged, &closed, &closure); err != nil {
				return err
			}
			at := store.FromMillis(reported)
			d := jalali.FromTime(at)
			k := key{d.Year, d.Month}
			ms := months[k]
			if ms == nil {
				ms = &MonthStats{Year: d.Year, Month: d.Month, ByClass: map[string]int{}, BySeverity: map[string]int{}, BySector: map[string]int{}}
				months[k] = ms
			}
			ms.Total++
			ms.ByClass[orNone(class)]++
			ms.BySeverity[orNone(sev)]++
			ms.BySector[orNone(sector)]++
			if triaged != 0 {
				first[k] = append(first[k], store.FromMillis(triaged).Sub(at))
			}
			if closed != 0 && closure == ClosureResolved {
				resolved[k] = append(resolved[k], store.FromMillis(closed).Sub(at))
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("cert: statistics of %s: %w", svc.ID, err)
	}
	out := &Stats{Service: svc.ID}
	if !insider {
		out.MinCell = MinCell(svc)
	}
	for k, ms := range months {
		ms.FirstResponse, ms.Resolution = summarise(first[k]), summarise(resolved[k])
		if out.MinCell > 1 {
			for _, m := range []map[string]int{ms.ByClass, ms.BySeverity, ms.BySector} {
				pool(m, out.MinCell)
			}
		}
		out.Months = append(out.Months, *ms)
	}
	sort.Slice(out.Months, func(i, j int) bool {
		a, b := out.Months[i], out.Months[j]
		return a.Year > b.Year || a.Year == b.Year && a.Month > b.Month
	})
	return out, nil
}

// pool moves every count below min into the Pooled bucket, which keeps its sum
// even when that is below min: it says how many incidents are not shown, never
// which class or sector they were.
func pool(m map[string]int, min int) {
	pooled := 0
	for k, n := range m {
		if n < min {
			pooled += n
			delete(m, k)
		}
	}
	if pooled > 0 {
		m[Pooled] = pooled
	}
}

// None is the bucket of incidents not yet triaged (no class or severity).
const None = "none"

func orNone(s string) string {
	if s == "" {
		return None
	}
	return s
}

// summarise returns the count, median and 90th percentile (nearest rank).
func summarise(ds []time.Duration) Durations {
	if len(ds) == 0 {
		return Durations{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	rank := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.999999) - 1
		return ds[max(0, min(i, len(ds)-1))]
	}
	return Durations{N: len(ds), Median: rank(0.5), P90: rank(0.9)}
}

// WriteCSV writes the statistics as CSV, one figure a row: jalali_month (1405-01),
// measure (total, class, severity, sector, first_response_median_minutes,
// first_response_p90_minutes, resolution_median_minutes, resolution_p90_minutes),
// key (the class, severity or sector; empty otherwise) and value.
func (st *Stats) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"jalali_month", "measure", "key", "value"})
	for _, m := range st.Months {
		month := fmt.Sprintf("%04d-%02d", m.Year, m.Month)
		row := func(measure, key string, v int64) {
			_ = cw.Write([]string{month, measure, key, strconv.FormatInt(v, 10)})
		}
		row("total", "", int64(m.Total))
		for _, dim := range []struct {
			name string
			m    map[string]int
		}{{"class", m.ByClass}, {"severity", m.BySeverity}, {"sector", m.BySector}} {
			keys := make([]string, 0, len(dim.m))
			for k := range dim.m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				row(dim.name, k, int64(dim.m[k]))
			}
		}
		for _, d := range []struct {
			name string
			d    Durations
		}{{"first_response", m.FirstResponse}, {"resolution", m.Resolution}} {
			if d.d.N > 0 {
				row(d.name+"_median_minutes", "", int64(d.d.Median/time.Minute))
				row(d.name+"_p90_minutes", "", int64(d.d.P90/time.Minute))
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
