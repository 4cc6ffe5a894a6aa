-- The CERT service module (internal/cert/reactive): what the case engine does not
-- keep about an incident. D-1: part of the case, never public, never in statistics
-- beyond counts. Instants are Unix milliseconds (UTC); 0 means "not yet".

-- One row per submitted incident: its TLP 2.0 label, triage and closure.
CREATE TABLE cert_incidents (
    case_id BIGINT PRIMARY KEY REFERENCES cases(id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    reported_at BIGINT NOT NULL,
    class TEXT NOT NULL DEFAULT '',    -- RSIT class, '' before triage
    type TEXT NOT NULL DEFAULT '',     -- RSIT type
    severity TEXT NOT NULL DEFAULT '' CHECK (severity IN ('', 'critical', 'high', 'medium', 'low')),
    triaged_at BIGINT NOT NULL DEFAULT 0,
    triaged_by BIGINT NOT NULL DEFAULT 0,
    response_due BIGINT NOT NULL DEFAULT 0,
    resolution_due BIGINT NOT NULL DEFAULT 0,
    closure TEXT NOT NULL DEFAULT '' CHECK (closure IN ('', 'resolved', 'not_an_incident', 'duplicate_of', 'out_of_scope')),
    duplicate_of TEXT NOT NULL DEFAULT '',
    closed_at BIGINT NOT NULL DEFAULT 0
);

-- Indicators of compromise, normalised and unique per incident; tlp '' means the
-- incident's own label.
CREATE TABLE cert_indicators (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    tlp TEXT NOT NULL DEFAULT '',
    added_at BIGINT NOT NULL,
    added_by BIGINT NOT NULL,
    UNIQUE (case_id, type, value)
);

-- Handling phases as recorded by responders (containment, eradication, recovery).
CREATE TABLE cert_phases (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    phase TEXT NOT NULL CHECK (phase IN ('containment', 'eradication', 'recovery')),
    note TEXT NOT NULL,
    tlp TEXT NOT NULL,
    actor_account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cert_phases_case ON cert_phases (case_id, id);

-- Analysts' notes, each with its own TLP label.
CREATE TABLE cert_notes (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    body TEXT NOT NULL,
    tlp TEXT NOT NULL,
    author_account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX cert_notes_case ON cert_notes (case_id, id);

-- Accounts named to receive an incident's RED (and shared AMBER) items.
CREATE TABLE cert_recipients (
    case_id BIGINT NOT NULL REFERENCES cases(id),
    account_id BIGINT NOT NULL,
    PRIMARY KEY (case_id, account_id)
);

-- A TLP label on a file of the case (the engine's case_documents row).
CREATE TABLE cert_file_labels (
    document_id BIGINT PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    tlp TEXT NOT NULL
);
