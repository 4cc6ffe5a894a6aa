-- Constituents of the CERT (internal/cert/constituent): organisations, the assets
-- they claim and CERT staff verify, who to tell about them and how (SLA M-4.3, A-4.6).
-- Instants are Unix milliseconds (UTC); 0 means "not yet".

-- An organisation's settings as a constituent: its sector (for coverage figures) and
-- its notification rules.
CREATE TABLE cert_constituents (
    org_id BIGINT PRIMARY KEY REFERENCES organizations(id),
    sector TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'inapp')),
    lang TEXT NOT NULL DEFAULT 'fa' CHECK (lang IN ('fa', 'en')),
    interval_minutes INTEGER NOT NULL DEFAULT 60 CHECK (interval_minutes BETWEEN 0 AND 10080),
    suppress TEXT NOT NULL DEFAULT '',  -- space-separated RSIT classes or class/type never notified
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL
);

-- Assets an organisation claims: a prefix (masked CIDR), an AS number, a domain (in
-- punycode, covering its subdomains) or a product; verified by CERT staff before
-- anything is matched against them.
CREATE TABLE cert_assets (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL CHECK (kind IN ('prefix', 'asn', 'domain', 'product')),
    value TEXT NOT NULL,
    asset_set TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('claimed', 'verified', 'rejected')),
    note TEXT NOT NULL DEFAULT '',
    claimed_by BIGINT NOT NULL,
    claimed_at BIGINT NOT NULL,
    decided_by BIGINT NOT NULL DEFAULT 0,
    decided_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (org_id, kind, value)
);
CREATE INDEX cert_assets_status ON cert_assets (status, kind);

-- People to tell about an asset set ('' is every set): technical contacts get the
-- warnings and the reminder, then the supervisor, then the organisation's head.
CREATE TABLE cert_contacts (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_set TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('technical', 'supervisor', 'head')),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT NOT NULL
);
CREATE INDEX cert_contacts_org ON cert_contacts (org_id, role);
