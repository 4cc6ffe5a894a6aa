package api

import (
	"net/http"

	"github.com/itoir/miz/internal/kpi"
	"github.com/itoir/miz/internal/problem"
	"github.com/itoir/miz/internal/xlsx"
)

// exportRoutesQueue declares the staff queue exports (supervisors and analysts).
func (a *API) exportRoutesQueue() {
	params := []Param{{Name: "service", In: "query", Required: true}}
	a.route("GET", "/api/v1/queue/export.csv", a.queueExport(false), Op{ID: "exportQueueCSV", Tag: "cases", Auth: true,
		Params: params, Summary: "A service's open cases with their clocks as CSV (UTF-8 with BOM), streamed; no content (D-1)",
		Produces: "text/csv", Errors: []int{400, 401, 403}})
	a.route("GET", "/api/v1/queue/export.xlsx", a.queueExport(true), Op{ID: "exportQueueXLSX", Tag: "cases", Auth: true,
		Params: params, Summary: "A service's open cases with their clocks as an Excel workbook, streamed",
		Produces: xlsx.ContentType, Errors: []int{400, 401, 403}})
}

// queueExport streams the export: rows go to the client as they are read, and a
// progress line is logged every kpi.ProgressEvery rows. An error after the first
// row can only cut the download short, which the client sees as a broken file.
func (a *API) queueExport(asXLSX bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		service := r.URL.Query().Get("service")
		if service == "" {
			a.fail(w, r, problem.Field("service", "error.required"))
			return
		}
		sw := &startWriter{w: w, start: func() {
			name := "miz-queue-" + service
			if asXLSX {
				w.Header().Set("Content-Type", xlsx.ContentType)
				w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
			} else {
				w.Header().Set("Content-Type", "text/csv; charset=utf-8")
				w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
			}
			w.Header().Set("Cache-Control", "no-store")
		}}
		var rw kpi.RowWriter
		var finish func() error
		if asXLSX {
			x, err := xlsx.New(sw, "Queue", true)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			rw, finish = x, x.Close
		} else {
			c := kpi.NewCSV(sw)
			rw, finish = c, c.Flush
		}
		_, err := a.kpiComputer().QueueExport(r.Context(), principal(r), service, rw, a.Log, nil)
		if err != nil {
			if !sw.started {
				a.fail(w, r, err)
			} else {
				a.Log.ErrorContext(r.Context(), "queue export cut short", "service", service, "err", err)
			}
			return
		}
		if err := finish(); err != nil {
			a.Log.ErrorContext(r.Context(), "queue export", "service", service, "err", err)
		}
	}
}

// startWriter sets the download headers just before the first byte, so that an
// error found before any row can still be answered as a JSON error.
type startWriter struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (s *startWriter) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		s.start()
	}
	return s.w.Write(p)
}
