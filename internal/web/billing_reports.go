package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/xlsx"
)

// billingReportRoutes serves the revenue and unpaid-invoice reports (§6) and their
// CSV and XLSX exports, to the services' supervisors and analysts and to admins.
func (s *Server) billingReportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /billing/reports", s.signedIn(s.billingReports))
	mux.HandleFunc("GET /billing/reports/{report}/{format}", s.signedIn(s.billingExport))
}

// reportYear reads ?year= (Jalali, Persian or ASCII digits), defaulting to this year.
func reportYear(r *http.Request) int {
	if y, err := strconv.Atoi(persian.ASCIIDigits(r.URL.Query().Get("year"))); err == nil && y > 1300 && y < 1600 {
		return y
	}
	return jalali.FromTime(time.Now()).Year
}

func (s *Server) billingReports(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.reports.title")
	year := reportYear(r)
	rev, err := s.Billing.Revenue(r.Context(), caller(r), year)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	unpaid, err := s.Billing.UnpaidInvoices(r.Context(), caller(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	var total int64
	for _, row := range rev {
		total += row.Total
	}
	p.Data = map[string]any{"Revenue": rev, "Unpaid": unpaid, "Year": year, "Total": total}
	s.render(w, r, http.StatusOK, "billing_reports", p)
}

// billingExport writes a report as CSV or XLSX.
func (s *Server) billingExport(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "")
	fa := p.Lang == i18n.Fa
	name := func(id string) string { return serviceName(p, id) }
	var t billing.Table
	switch r.PathValue("report") {
	case "revenue":
		rows, err := s.Billing.Revenue(r.Context(), caller(r), reportYear(r))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		t = billing.RevenueTable(rows, name, fa)
	case "unpaid":
		invs, err := s.Billing.UnpaidInvoices(r.Context(), caller(r))
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		t = billing.UnpaidTable(invs, name, fa)
	default:
		s.NotFound(w, r)
		return
	}
	file := "miz-" + r.PathValue("report")
	var err error
	switch r.PathValue("format") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`.csv"`)
		err = t.WriteCSV(w)
	case "xlsx":
		w.Header().Set("Content-Type", xlsx.ContentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`.xlsx"`)
		err = t.WriteXLSX(w, fa)
	default:
		s.NotFound(w, r)
		return
	}
	if err != nil {
		logFailure(s.Log, r, err)
	}
}
