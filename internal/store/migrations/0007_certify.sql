-- The CERTIFY module (internal/certify): issued certificates, their status history
-- and the per-year number sequence. D-2: every row here is public. Instants are Unix
-- milliseconds (UTC). Each certificate_events row is one record of the transparency
-- log (tlog_index), written in the same transaction (SLA Z-4.1).
CREATE TABLE certificate_sequences (
    year INTEGER PRIMARY KEY,          -- Jalali year of issue
    last BIGINT NOT NULL
);

CREATE TABLE certificates (
    id {{ID}},
    number TEXT NOT NULL UNIQUE,       -- CRT-1405-000123
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked', 'expired', 'superseded')),
    status_reason TEXT NOT NULL DEFAULT '',
    status_at BIGINT NOT NULL,
    holder_type TEXT NOT NULL CHECK (holder_type IN ('org', 'person')),
    holder_id TEXT NOT NULL,           -- national ID (11 digits) or national code (10)
    holder_name_fa TEXT NOT NULL,
    holder_name_en TEXT NOT NULL DEFAULT '',
    product_name_fa TEXT NOT NULL,
    product_name_en TEXT NOT NULL DEFAULT '',
    product_key TEXT NOT NULL,         -- identity of the product for supersession
    versions TEXT NOT NULL,            -- JSON array of the versions covered
    category TEXT NOT NULL,
    platform TEXT NOT NULL DEFAULT '',
    deployment TEXT NOT NULL DEFAULT '',
    conditions TEXT NOT NULL DEFAULT '[]', -- JSON array of {fa, en}
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    case_code TEXT NOT NULL DEFAULT '',
    previous_number TEXT NOT NULL DEFAULT '',
    superseded_by TEXT NOT NULL DEFAULT '',
    jws TEXT NOT NULL,
    jws_sha256 TEXT NOT NULL,
    product_search TEXT NOT NULL,      -- persian.SearchKey of both product names
    vendor_search TEXT NOT NULL        -- persian.SearchKey of both holder names
);
CREATE INDEX certificates_holder ON certificates (holder_id, product_key);
CREATE INDEX certificates_issued ON certificates (issued_at, id);
CREATE INDEX certificates_category ON certificates (category, issued_at);
CREATE INDEX certificates_status ON certificates (status, issued_at);

CREATE TABLE certificate_events (
    id {{ID}},
    certificate_id BIGINT NOT NULL REFERENCES certificates(id),
    seq INTEGER NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,                -- issue | status
    from_status TEXT NOT NULL DEFAULT '',
    to_status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    tlog_index BIGINT NOT NULL UNIQUE,
    UNIQUE (certificate_id, seq)
);
CREATE INDEX certificate_events_at ON certificate_events (at, id);
