-- Threat-feed imports and the direct warnings they raise (internal/cert/feed,
-- internal/cert/warning; SLA M-4.3, A-4.6). Instants are Unix milliseconds (UTC);
-- 0 means "not yet".

-- One row per imported file, with its counts and the first bad rows by line.
CREATE TABLE cert_imports (
    id {{ID}},
    name TEXT NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('upload', 'cli', 'watch')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    path TEXT NOT NULL DEFAULT '',  -- the uploaded file waiting in the incoming directory
    bytes_total BIGINT NOT NULL DEFAULT 0,
    bytes_read BIGINT NOT NULL DEFAULT 0,
    rows_read BIGINT NOT NULL DEFAULT 0,
    rows_bad BIGINT NOT NULL DEFAULT 0,
    rows_matched BIGINT NOT NULL DEFAULT 0,
    warnings_new BIGINT NOT NULL DEFAULT 0,
    warnings_closed BIGINT NOT NULL DEFAULT 0,
    bad_lines TEXT NOT NULL DEFAULT '[]',  -- JSON [{line, reason}], the first 100
    error TEXT NOT NULL DEFAULT '',
    account_id BIGINT NOT NULL DEFAULT 0,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0
);

-- A finding matched to the constituent owning it, and the warning it is to them:
-- evidence, the CERT's clock (notify_due, notified_at) and the constituent's
-- (remediate_due, acknowledged, fixed), closure by a later import or by staff.
CREATE TABLE cert_warnings (
    id {{ID}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL,
    matched_by TEXT NOT NULL CHECK (matched_by IN ('prefix', 'domain', 'asn')),
    feed TEXT NOT NULL,
    fingerprint BIGINT NOT NULL,
    class TEXT NOT NULL,
    type TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
    tag TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    port INTEGER NOT NULL DEFAULT 0,
    asn BIGINT NOT NULL DEFAULT 0,
    host TEXT NOT NULL DEFAULT '',
    observed_at BIGINT NOT NULL DEFAULT 0,
    found_at BIGINT NOT NULL,
    first_import_id BIGINT NOT NULL,
    last_import_id BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    seen_count BIGINT NOT NULL DEFAULT 1,
    state TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'fixed_claimed', 'closed', 'suppressed')),
    notify_due BIGINT NOT NULL,
    notified_at BIGINT NOT NULL DEFAULT 0,
    remediate_due BIGINT NOT NULL,
    acked_at BIGINT NOT NULL DEFAULT 0,
    acked_by BIGINT NOT NULL DEFAULT 0,
    fixed_at BIGINT NOT NULL DEFAULT 0,
    fixed_by BIGINT NOT NULL DEFAULT 0,
    fixed_note TEXT NOT NULL DEFAULT '',
    closed_at BIGINT NOT NULL DEFAULT 0,
    closed_by BIGINT NOT NULL DEFAULT 0,
    closure TEXT NOT NULL DEFAULT '' CHECK (closure IN ('', 'recheck', 'staff_verified')),
    escalation INTEGER NOT NULL DEFAULT 0,
    escalated_at BIGINT NOT NULL DEFAULT 0
);
-- One live warning per finding; a finding seen again after closure is a new one.
CREATE UNIQUE INDEX cert_warnings_live ON cert_warnings (org_id, feed, fingerprint) WHERE state <> 'closed';
CREATE INDEX cert_warnings_org ON cert_warnings (org_id, state, id);
CREATE INDEX cert_warnings_feed ON cert_warnings (feed, state, last_import_id);
CREATE INDEX cert_warnings_pending ON cert_warnings (notified_at, state);

-- Which advisories a constituent applied (SLA A-4.5), keyed by the advisory's ID
-- so this table does not depend on how advisories are stored.
CREATE TABLE cert_advisory_acks (
    advisory_id TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    applied_at BIGINT NOT NULL,
    applied_by BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (advisory_id, org_id)
);
