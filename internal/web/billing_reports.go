package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/itoir/miz/internal/jalali"
	"github.com/itoir/miz/internal/persian"
)

// billingReportRoutes serves the revenue and unpaid-invoice reports (§6) to the
// services' supervisors and analysts and to admins; the page links to the API's
// CSV and XLSX exports of the same use cases.
func (s *Server) billingReportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /billing/reports", s.signedIn(s.billingReports))
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
