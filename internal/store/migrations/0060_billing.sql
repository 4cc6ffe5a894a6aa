-- Invoices and payments (§6, internal/billing). Amounts are whole Iranian rials;
-- instants are Unix milliseconds (UTC), 0 meaning "not yet".

-- The last invoice number used in each Jalali year. Issuing an invoice updates its
-- year's row in the issuing transaction: the row lock serialises concurrent issuers,
-- and a rolled-back issue rolls its number back too, so numbers have no gaps (a
-- sequence would skip the numbers of rolled-back transactions).
CREATE TABLE invoice_counters (
    year INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE invoices (
    id {{ID}},
    number TEXT NOT NULL UNIQUE,          -- "1405-000042": Jalali year and sequence
    year INTEGER NOT NULL,
    seq BIGINT NOT NULL,
    service TEXT NOT NULL,
    service_version INTEGER NOT NULL,
    tariff_item TEXT NOT NULL,
    item_fa TEXT NOT NULL,
    item_en TEXT NOT NULL,
    payer_account_id BIGINT NOT NULL,
    payer_person_id BIGINT NOT NULL DEFAULT 0,
    payer_org_id BIGINT NOT NULL DEFAULT 0,
    payer_name TEXT NOT NULL,
    ref TEXT NOT NULL DEFAULT '',         -- what the invoice is for, e.g. "case:XXXX-XXXX"
    net BIGINT NOT NULL CHECK (net > 0),
    vat_rate_bp INTEGER NOT NULL,         -- VAT rate in basis points (1000 = 10 %)
    vat BIGINT NOT NULL,
    total BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('unpaid', 'paid', 'cancelled', 'refunded')),
    issued_at BIGINT NOT NULL,
    paid_at BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT NOT NULL DEFAULT 0,  -- cancelled or refunded
    close_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (year, seq)
);
CREATE INDEX invoices_payer ON invoices (payer_account_id, issued_at);
CREATE INDEX invoices_ref ON invoices (ref);
CREATE INDEX invoices_state ON invoices (state, issued_at);

-- A payment received for an invoice: a bank transfer staff recorded by its bank
-- reference, or the payment gateway's verified callback. One reference pays once.
CREATE TABLE payments (
    id {{ID}},
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    method TEXT NOT NULL CHECK (method IN ('bank', 'gateway')),
    reference TEXT NOT NULL,
    amount BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    recorded_by BIGINT NOT NULL DEFAULT 0,
    UNIQUE (method, reference)
);

-- A payment the applicant started at the gateway: the token ties the gateway's
-- callback to the invoice and the amount that were sent.
CREATE TABLE payment_attempts (
    id {{ID}},
    token TEXT NOT NULL UNIQUE,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    amount BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
