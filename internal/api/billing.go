package api

import (
	"net/http"
	"strconv"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/persian"
)

// billingRoutes declares invoices, payments and the payment gateway's callback
// (§6); the web's /invoices pages call the same use cases.
func (a *API) billingRoutes() {
	if a.Billing == nil {
		return
	}
	num := []Param{{Name: "number", In: "path", Required: true, Description: "invoice number, e.g. 1405-000042"}}
	invoice := map[string]any{"type": "object", "properties": map[string]any{
		"number": map[string]any{"type": "string"}, "service": map[string]any{"type": "string"},
		"tariff_item": map[string]any{"type": "string"}, "net": map[string]any{"type": "integer"},
		"vat": map[string]any{"type": "integer"}, "total": map[string]any{"type": "integer"},
		"state":     map[string]any{"enum": []string{"unpaid", "paid", "cancelled", "refunded"}},
		"issued_at": map[string]any{"type": "string", "format": "date-time"}}}
	list := map[string]any{"type": "object", "properties": map[string]any{"invoices": map[string]any{"type": "array", "items": invoice}}}
	a.route("GET", "/api/v1/invoices", a.myInvoices, Op{ID: "listMyInvoices", Tag: "billing", Auth: true,
		Summary: "The caller's invoices (or their organisation's), newest first (§6)", Response: list, Errors: []int{401}})
	a.route("GET", "/api/v1/invoices/{number}", a.getInvoice, Op{ID: "getInvoice", Tag: "billing", Auth: true,
		Summary: "One invoice with its payments, to its payer and the service's staff", Params: num,
		Response: map[string]any{"type": "object"}, Errors: []int{401, 404}})
	a.route("POST", "/api/v1/invoices/{number}/payments", a.recordBankPayment, Op{ID: "recordBankPayment", Tag: "billing",
		Auth: true, Status: 201, Params: num,
		Summary: "Record a bank transfer by its reference (the service's expert or supervisor; audited)",
		Body: map[string]any{"type": "object", "required": []string{"reference", "amount"}, "properties": map[string]any{
			"reference": map[string]any{"type": "string"}, "amount": map[string]any{"type": "integer"}}},
		Response: invoice, Errors: []int{400, 401, 403, 404, 409}})
	a.route("POST", "/api/v1/invoices/{number}/pay", a.startPayment, Op{ID: "startPayment", Tag: "billing", Auth: true,
		Summary: "Start paying an unpaid invoice at the payment gateway; answers the gateway address to send the payer to",
		Params:  num, Response: map[string]any{"type": "object", "properties": map[string]any{"redirect": map[string]any{"type": "string"}}},
		Errors: []int{401, 403, 404, 409, 503}})
	a.route("POST", "/api/v1/payments/callback", a.paymentCallback, Op{ID: "paymentCallback", Tag: "billing",
		Summary:  "The payment gateway reports a payment: HMAC-SHA256 signed, recorded once; a replay changes nothing",
		BodyType: "application/x-www-form-urlencoded", Body: map[string]any{"type": "object",
			"required": []string{"invoice", "amount", "token", "ref", "status", "sig"}, "properties": map[string]any{
				"invoice": map[string]any{"type": "string"}, "amount": map[string]any{"type": "string"},
				"token": map[string]any{"type": "string"}, "ref": map[string]any{"type": "string"},
				"status": map[string]any{"type": "string"}, "sig": map[string]any{"type": "string"}}},
		Response: map[string]any{"type": "object", "properties": map[string]any{"invoice": invoice, "replayed": map[string]any{"type": "boolean"}}},
		Errors:   []int{400, 404, 409}})
	a.route("GET", "/api/v1/billing/revenue", a.revenue, Op{ID: "billingRevenue", Tag: "billing", Auth: true,
		Summary:  "Revenue per service per Jalali month of payment (supervisors, analysts, admins)",
		Params:   []Param{{Name: "year", In: "query", Description: "Jalali year; every year when left out"}},
		Response: map[string]any{"type": "object"}, Errors: []int{401, 403}})
	a.billingExportRoutes()
	a.route("GET", "/api/v1/billing/unpaid", a.unpaidInvoices, Op{ID: "billingUnpaid", Tag: "billing", Auth: true,
		Summary: "Unpaid invoices, oldest first (supervisors, analysts, admins)", Response: list, Errors: []int{401, 403}})
}

func (a *API) myInvoices(w http.ResponseWriter, r *http.Request) {
	invs, err := a.Billing.Mine(r.Context(), principal(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoices": nonNil(invs)})
}

func (a *API) getInvoice(w http.ResponseWriter, r *http.Request) {
	inv, err := a.Billing.Invoice(r.Context(), principal(r), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	pms, err := a.Billing.Payments(r.Context(), principal(r), inv.Number)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoice": inv, "payments": nonNil(pms)})
}

func (a *API) recordBankPayment(w http.ResponseWriter, r *http.Request) {
	var in billing.BankPayment
	if err := decode(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	inv, err := a.Billing.RecordBankPayment(r.Context(), principal(r), r.PathValue("number"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, inv)
}

func (a *API) startPayment(w http.ResponseWriter, r *http.Request) {
	to, err := a.Billing.StartPayment(r.Context(), principal(r), r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"redirect": to})
}

// paymentCallback is the gateway's server-to-server report; the payer's browser
// comes back through the web's GET /payments/callback with the same fields.
func (a *API) paymentCallback(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		a.fail(w, r, err)
		return
	}
	inv, replayed, err := a.Billing.GatewayCallback(r.Context(), billing.CallbackFromValues(r.PostForm))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoice": inv, "replayed": replayed})
}

func (a *API) revenue(w http.ResponseWriter, r *http.Request) {
	year, _ := strconv.Atoi(persian.ASCIIDigits(r.URL.Query().Get("year")))
	rows, err := a.Billing.Revenue(r.Context(), principal(r), year)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"revenue": nonNil(rows)})
}

func (a *API) unpaidInvoices(w http.ResponseWriter, r *http.Request) {
	invs, err := a.Billing.UnpaidInvoices(r.Context(), principal(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoices": nonNil(invs)})
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
