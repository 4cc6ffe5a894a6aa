-- The white-hat programme (seed §6, internal/whitehat): competitions, the systems
-- organisations enrol, registered researchers, and their findings with triage and
-- points. Findings are D-1: never public; only standings and results are.

CREATE TABLE whitehat_competitions (
    id {{ID}},
    title_fa TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    rules_fa TEXT NOT NULL DEFAULT '',
    rules_en TEXT NOT NULL DEFAULT '',
    entry_fee_rials BIGINT NOT NULL DEFAULT 0 CHECK (entry_fee_rials >= 0),
    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
    opened_at BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE whitehat_systems (
    id {{ID}},
    competition_id BIGINT NOT NULL REFERENCES whitehat_competitions(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    account_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    fee_rials BIGINT NOT NULL DEFAULT 0,
    invoice_ref TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (competition_id, org_id, name)
);

CREATE TABLE whitehat_researchers (
    id {{ID}},
    competition_id BIGINT NOT NULL REFERENCES whitehat_competitions(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    alias TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (competition_id, account_id),
    UNIQUE (competition_id, alias)
);

CREATE TABLE whitehat_findings (
    id {{ID}},
    competition_id BIGINT NOT NULL REFERENCES whitehat_competitions(id),
    system_id BIGINT NOT NULL REFERENCES whitehat_systems(id),
    researcher_id BIGINT NOT NULL REFERENCES whitehat_researchers(id),
    title TEXT NOT NULL,
    details TEXT NOT NULL,
    severity TEXT NOT NULL DEFAULT '' CHECK (severity IN ('', 'low', 'medium', 'high', 'critical')),
    state TEXT NOT NULL CHECK (state IN ('received', 'triaged', 'verified', 'rejected', 'duplicate')),
    points INTEGER NOT NULL DEFAULT 0,
    -- report_ref names the vulnerability report this finding became in the CERT's
    -- disclosure flow, once that flow takes it ('' until then).
    report_ref TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    triaged_at BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT NOT NULL DEFAULT 0,
    decided_by BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX whitehat_findings_competition ON whitehat_findings (competition_id, state);
