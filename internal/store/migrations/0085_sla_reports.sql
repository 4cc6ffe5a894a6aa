-- Monthly SLA reports (issue 20): each version signed (the JWS is the report) and
-- its hash appended to the transparency log at tlog_index. A correction is a new
-- version naming the one it replaces; no row is ever changed.
CREATE TABLE sla_reports (
    id {{ID}},
    service TEXT NOT NULL,
    period TEXT NOT NULL,            -- a Jalali month, 1405-09
    version INTEGER NOT NULL,
    replaces TEXT NOT NULL DEFAULT '',
    correction_note TEXT NOT NULL DEFAULT '',
    catalog_version INTEGER NOT NULL,
    jws TEXT NOT NULL,
    jws_sha256 TEXT NOT NULL,
    tlog_index BIGINT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    UNIQUE (service, period, version)
);

-- Signed statements of a case's history, one per state of that history; the log
-- keeps only the hash (D-1).
CREATE TABLE case_statements (
    tracking_code TEXT NOT NULL,
    history_seq INTEGER NOT NULL,
    jws TEXT NOT NULL,
    tlog_index BIGINT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tracking_code, history_seq)
);
