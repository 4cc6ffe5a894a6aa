// Package billing issues invoices for the priced items of the catalog (§6) and
// records their payments: by a bank reference staff enter, or by the payment
// gateway's HMAC-verified callback. Invoice numbers run without gaps per Jalali
// year; amounts are whole rials with a VAT line at the desk's configured rate.
//
// Other modules use a small API: Issue (or IssueTx inside their own transaction)
// with an Item naming the service, the tariff item, the payer and a Ref saying what
// the invoice is for; Invoice to read one back; and OnPaid to learn, inside the
// paying transaction, that an invoice with their kind of Ref was paid. A case step
// that waits for payment (catalog `payment:` on a state) is served by CaseInvoicer
// and CasePaid, so the case moves on — and its SLA clock resumes (C-4.1) — in the
// transaction that records the payment.
package billing
