package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/xlsx"
)

// billingExportRoutes declares the revenue and unpaid-invoice reports as CSV and
// XLSX (§6), for the web's report page to link to; Persian headers unless the
// request asks for English.
func (a *API) billingExportRoutes() {
	year := []Param{{Name: "year", In: "query", Description: "Jalali year; every year when left out"},
		{Name: "lang", In: "query", Description: "fa (default) or en: the language of headers and names"}}
	lang := []Param{{Name: "lang", In: "query", Description: "fa (default) or en: the language of headers and names"}}
	for _, f := range []struct{ ext, ctype, name string }{{"csv", "text/csv", "CSV (UTF-8 with BOM)"}, {"xlsx", xlsx.ContentType, "an Excel workbook"}} {
		a.route("GET", "/api/v1/billing/revenue."+f.ext, a.billingExport("revenue", f.ext), Op{ID: "billingRevenue" + f.ext,
			Tag: "billing", Auth: true, Params: year, Produces: f.ctype, Errors: []int{401, 403},
			Summary: "Revenue per service per Jalali month as " + f.name + " (supervisors, analysts, admins)"})
		a.route("GET", "/api/v1/billing/unpaid."+f.ext, a.billingExport("unpaid", f.ext), Op{ID: "billingUnpaid" + f.ext,
			Tag: "billing", Auth: true, Params: lang, Produces: f.ctype, Errors: []int{401, 403},
			Summary: "Unpaid invoices as " + f.name + " (supervisors, analysts, admins)"})
	}
}

func (a *API) billingExport(report, format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, p := r.Context(), principal(r)
		fa := i18n.FromAPIRequest(r) == i18n.Fa
		name := a.serviceNamer(ctx, fa)
		var t billing.Table
		if report == "revenue" {
			year, _ := strconv.Atoi(persian.ASCIIDigits(r.URL.Query().Get("year")))
			rows, err := a.Billing.Revenue(ctx, p, year)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			t = billing.RevenueTable(rows, name, fa)
		} else {
			invs, err := a.Billing.UnpaidInvoices(ctx, p)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			t = billing.UnpaidTable(invs, name, fa)
		}
		h := w.Header()
		h.Set("Content-Disposition", `attachment; filename="miz-`+report+`.`+format+`"`)
		var err error
		if format == "csv" {
			h.Set("Content-Type", "text/csv; charset=utf-8")
			err = t.WriteCSV(w)
		} else {
			h.Set("Content-Type", xlsx.ContentType)
			err = t.WriteXLSX(w, fa)
		}
		if err != nil {
			logFailure(a.Log, r, err)
		}
	}
}

// serviceNamer names services in the report's language, falling back to the ID.
func (a *API) serviceNamer(ctx context.Context, fa bool) func(string) string {
	names := map[string]string{}
	if svcs, err := a.Services(ctx); err == nil {
		for _, s := range svcs {
			names[s.ID] = s.Name.EN
			if fa {
				names[s.ID] = s.Name.FA
			}
		}
	}
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
}
