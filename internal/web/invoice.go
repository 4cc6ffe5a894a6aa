package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/itoir/miz/internal/billing"
	"github.com/itoir/miz/internal/httpauth"
	"github.com/itoir/miz/internal/i18n"
	"github.com/itoir/miz/internal/persian"
	"github.com/itoir/miz/internal/problem"
)

// InvoicePDFs prints a private page of this server to PDF (internal/pdf's
// Printer.PagePDF): the invoice's print page, opened with a print token.
type InvoicePDFs interface {
	PagePDF(ctx context.Context, path, client string) ([]byte, error)
}

// billingRoutes serves invoices and payments (§6): the payer's list and invoice
// pages, paying through the gateway and its callback, staff recording a bank
// payment, cancel and refund, the printable invoice and its PDF, and the reports.
func (s *Server) billingRoutes(mux *http.ServeMux) {
	if s.Billing == nil {
		return
	}
	mux.HandleFunc("GET /invoices", s.signedIn(s.invoiceList))
	mux.HandleFunc("GET /invoices/{number}", s.signedIn(s.invoicePage))
	mux.HandleFunc("GET /invoices/{number}/print", s.invoicePrint)
	mux.HandleFunc("GET /invoices/{number}/pdf", s.signedIn(s.invoicePDF))
	mux.HandleFunc("POST /invoices/{number}/pay", s.form(s.signedIn(s.invoicePay)))
	mux.HandleFunc("POST /invoices/{number}/payments", s.form(s.signedIn(s.invoiceRecordPayment)))
	mux.HandleFunc("POST /invoices/{number}/cancel", s.form(s.signedIn(s.invoiceClose)))
	mux.HandleFunc("POST /invoices/{number}/refund", s.form(s.signedIn(s.invoiceClose)))
	mux.HandleFunc("GET /payments/callback", s.paymentCallback)
	s.billingReportRoutes(mux)
}

// invoiceList lists the caller's own invoices (or their organisation's).
func (s *Server) invoiceList(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.invoices.title")
	invs, err := s.Billing.Mine(r.Context(), caller(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = map[string]any{"Invoices": invs}
	s.render(w, r, http.StatusOK, "invoices", p)
}

// invoicePage shows one invoice with what the caller may do with it.
func (s *Server) invoicePage(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.invoice.title")
	clearFlash(w, r)
	s.renderInvoice(w, r, http.StatusOK, p)
}

func (s *Server) renderInvoice(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	ctx, number, pr := r.Context(), r.PathValue("number"), caller(r)
	inv, err := s.Billing.Invoice(ctx, pr, number)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	pms, err := s.Billing.Payments(ctx, pr, number)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	pay, record, closeIt := billing.Can(pr, inv)
	p.Data = map[string]any{"Invoice": inv, "Payments": pms, "Pay": pay && s.Billing.Gateway.Ready(),
		"BankOnly": pay && !s.Billing.Gateway.Ready(), "Record": record, "Close": closeIt, "Case": caseOfInvoice(inv)}
	s.render(w, r, status, "invoice", p)
}

// caseOfInvoice is the tracking code of the case an invoice is for, if any.
func caseOfInvoice(inv *billing.Invoice) string {
	if inv.RefKind() == billing.RefKindCase {
		return inv.RefID()
	}
	return ""
}

// invoicePay starts a payment and hands the payer a link to the payment gateway.
// A link, not a redirect: the desk's Content-Security-Policy (form-action 'self')
// rightly stops a form from redirecting to another site, and the page also tells
// the payer that they are leaving the desk for the bank's page.
func (s *Server) invoicePay(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.pay.title")
	to, err := s.Billing.StartPayment(r.Context(), caller(r), r.PathValue("number"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = map[string]any{"Gateway": to, "Number": r.PathValue("number")}
	s.render(w, r, http.StatusOK, "invoice_pay", p)
}

// paymentCallback is where the gateway sends the payer back: the payment is
// recorded once (a replay changes nothing) and the payer lands on the invoice.
// Whatever is wrong with the callback, nothing is recorded and the page says so.
func (s *Server) paymentCallback(w http.ResponseWriter, r *http.Request) {
	inv, _, err := s.Billing.GatewayCallback(r.Context(), billing.CallbackFromValues(r.URL.Query()))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	flash(w, "billing.paid.flash")
	http.Redirect(w, r, "/invoices/"+inv.Number, http.StatusSeeOther)
}

// invoiceRecordPayment records a bank payment by its reference (staff).
func (s *Server) invoiceRecordPayment(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.invoice.title")
	in := billing.BankPayment{Reference: r.PostFormValue("reference")}
	p.Form["reference"], p.Form["amount"] = in.Reference, r.PostFormValue("amount")
	amount, err := strconv.ParseInt(strings.NewReplacer(",", "", "٬", "", "،", "", " ", "").
		Replace(persian.ASCIIDigits(strings.TrimSpace(r.PostFormValue("amount")))), 10, 64)
	if err != nil {
		p.Errors["amount"] = p.T("billing.amount.mismatch")
		s.renderInvoice(w, r, http.StatusBadRequest, p)
		return
	}
	in.Amount = amount
	if _, err := s.Billing.RecordBankPayment(r.Context(), caller(r), r.PathValue("number"), in); err != nil {
		s.invoiceFormError(w, r, p, err)
		return
	}
	flash(w, "billing.paid.flash")
	http.Redirect(w, r, "/invoices/"+r.PathValue("number"), http.StatusSeeOther)
}

// invoiceClose cancels an unpaid invoice or records a refund (supervisor).
func (s *Server) invoiceClose(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.invoice.title")
	reason := r.PostFormValue("reason")
	p.Form["reason"] = reason
	act, key := s.Billing.Cancel, "billing.cancelled.flash"
	if strings.HasSuffix(r.URL.Path, "/refund") {
		act, key = s.Billing.Refund, "billing.refunded.flash"
	}
	if _, err := act(r.Context(), caller(r), r.PathValue("number"), reason); err != nil {
		s.invoiceFormError(w, r, p, err)
		return
	}
	flash(w, key)
	http.Redirect(w, r, "/invoices/"+r.PathValue("number"), http.StatusSeeOther)
}

// invoiceFormError shows a refused form's error next to its field on the invoice
// page; a refusal without a field is an error page.
func (s *Server) invoiceFormError(w http.ResponseWriter, r *http.Request, p *Page, err error) {
	pe := problem.Classify(err)
	if pe.Field == "" {
		s.Fail(w, r, err)
		return
	}
	p.Errors[pe.Field] = p.T(pe.Key, pe.Args...)
	s.renderInvoice(w, r, problem.Status(pe.Code), p)
}

// invoicePrint is the printable invoice: to whoever may see it, or to the PDF
// printer carrying a print token.
func (s *Server) invoicePrint(w http.ResponseWriter, r *http.Request) {
	p := s.page(r, "billing.invoice.title")
	number := r.PathValue("number")
	var inv *billing.Invoice
	var err error
	if tok := r.URL.Query().Get("pt"); tok != "" {
		inv, err = s.Billing.InvoiceForPrint(r.Context(), number, tok)
	} else {
		inv, err = s.Billing.Invoice(r.Context(), caller(r), number)
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	p.Data = map[string]any{"Invoice": inv}
	s.render(w, r, http.StatusOK, "invoice_print", p)
}

// invoicePDF prints the invoice through chromium.
func (s *Server) invoicePDF(w http.ResponseWriter, r *http.Request) {
	if s.InvoicePDFs == nil {
		s.Fail(w, r, problem.New(problem.Unavailable, "billing.pdf.unavailable"))
		return
	}
	number := r.PathValue("number")
	tok, err := s.Billing.PrintToken(r.Context(), caller(r), number)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	b, err := s.InvoicePDFs.PagePDF(r.Context(), "/invoices/"+number+"/print?lang="+string(lang)+"&pt="+tok, httpauth.ClientIP(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="invoice-`+number+`.pdf"`)
	_, _ = w.Write(b)
}
