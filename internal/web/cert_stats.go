package web

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/cert/reactive"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

// statsRoutes serves the incident statistics without content (D-2): a page and
// its CSV, public where the catalog says so.
func (s *Server) statsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /cert/stats", s.incidentStats)
	mux.HandleFunc("GET /cert/stats.csv", s.incidentStatsCSV)
}

// statCount is one labelled count.
type statCount struct {
	Label string
	N     int
}

// statMonth is one Jalali month of statistics, in words.
type statMonth struct {
	Month                            string
	Total                            int
	Classes, Severities, Sectors     []statCount
	FirstMedian, FirstP90, ResMedian string
	ResP90                           string
}

func (s *Server) loadStats(w http.ResponseWriter, r *http.Request) (*reactive.Stats, bool) {
	svc, err := s.certService(r)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	st, err := s.Incidents.Statistics(r.Context(), caller(r), svc)
	if err != nil {
		s.Fail(w, r, err)
		return nil, false
	}
	return st, true
}

func (s *Server) incidentStats(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "cert.stats.title")
	st, ok := s.loadStats(w, r)
	if !ok {
		return
	}
	counts := func(m map[string]int, label func(string) string) []statCount {
		var out []statCount
		for k, n := range m {
			out = append(out, statCount{label(k), n})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].N > out[j].N || out[i].N == out[j].N && out[i].Label < out[j].Label })
		return out
	}
	none := func(prefix string) func(string) string {
		return func(k string) string {
			if k == reactive.None {
				return p.T("cert.stats.none")
			}
			if k == reactive.Pooled {
				return inDigits(p, p.T("cert.stats.pooled", st.MinCell))
			}
			return p.T(prefix + k)
		}
	}
	var months []statMonth
	for _, m := range st.Months {
		name := jalali.MonthNameFa(m.Month) + " " + inDigits(p, strconv.Itoa(m.Year))
		if p.Lang == i18n.En {
			name = jalali.MonthNameEn(m.Month) + " " + strconv.Itoa(m.Year)
		}
		months = append(months, statMonth{Month: name, Total: m.Total,
			Classes: counts(m.ByClass, none("cert.rsit.class.")), Severities: counts(m.BySeverity, none("cert.severity.")),
			Sectors: counts(m.BySector, none("cert.sector.")), FirstMedian: durationText(p, m.FirstResponse.N, m.FirstResponse.Median),
			FirstP90: durationText(p, m.FirstResponse.N, m.FirstResponse.P90), ResMedian: durationText(p, m.Resolution.N, m.Resolution.Median),
			ResP90: durationText(p, m.Resolution.N, m.Resolution.P90)})
	}
	p.Data = map[string]any{"Months": months, "MinCell": st.MinCell}
	s.render(w, r, http.StatusOK, "cert_stats", p)
}

func (s *Server) incidentStatsCSV(w http.ResponseWriter, r *http.Request) {
	st, ok := s.loadStats(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="incident-statistics.csv"`)
	_ = st.WriteCSV(w)
}

// inDigits writes s in the page's digits.
func inDigits(p *Page, s string) string {
	if p.Lang == i18n.Fa {
		return persian.PersianDigits(s)
	}
	return s
}

// durationText writes a time for people: "—" without data, else hours and minutes.
func durationText(p *Page, n int, d time.Duration) string {
	if n == 0 {
		return "—"
	}
	return inDigits(p, p.T("cert.stats.duration", int(d.Hours()), int(d.Minutes())%60))
}
