-- The case engine (internal/cases). Instants are Unix milliseconds (UTC); 0 or NULL
-- means "not yet". The SLA clock is always rebuilt from case_events (SLA-CLOCK rule 6);
-- cases.due_at and cases.used_seconds are caches for sorting the staff queue.
CREATE TABLE cases (
    id {{ID}},
    tracking_code TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL,
    service_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    holder TEXT NOT NULL CHECK (holder IN ('organization', 'applicant', 'none')),
    applicant_account_id BIGINT NOT NULL REFERENCES accounts(id),
    applicant_person_id BIGINT,
    applicant_org_id BIGINT,
    applicant_type TEXT NOT NULL,
    form TEXT NOT NULL DEFAULT '{}',
    assignee_account_id BIGINT REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT NOT NULL DEFAULT 0,
    due_at BIGINT NOT NULL DEFAULT 0,
    used_seconds BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_queue ON cases (service, holder, due_at);
CREATE INDEX cases_applicant_person ON cases (applicant_person_id, created_at);
CREATE INDEX cases_applicant_org ON cases (applicant_org_id, created_at);
CREATE INDEX cases_assignee ON cases (assignee_account_id);

-- One row per change of state, oldest first by seq within a case.
CREATE TABLE case_events (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    seq INTEGER NOT NULL,
    at BIGINT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state TEXT NOT NULL,
    holder TEXT NOT NULL,
    pause TEXT NOT NULL DEFAULT '',
    transition TEXT NOT NULL DEFAULT '',
    actor_account_id BIGINT NOT NULL,
    actor_role TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL DEFAULT '',
    resubmission {{BOOL}} NOT NULL DEFAULT FALSE,
    UNIQUE (case_id, seq)
);

-- D-1: the documents themselves live in the blob store, addressed by sha256.
CREATE TABLE case_documents (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    doc_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    mime TEXT NOT NULL,
    filename TEXT NOT NULL DEFAULT '',
    uploaded_at BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, doc_type);

-- Messages between applicant and staff; internal notes are never shown to applicants.
CREATE TABLE case_messages (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    author_account_id BIGINT NOT NULL,
    by_staff {{BOOL}} NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    internal {{BOOL}} NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_id, created_at);

-- Items found missing or defective in a completeness check (C-4.1, A-4.3).
CREATE TABLE case_deficiencies (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    item TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    resolved {{BOOL}} NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_deficiencies_case ON case_deficiencies (case_id);
