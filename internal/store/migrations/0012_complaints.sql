-- Disputes and complaints (internal/complaints; SLA C-4.5, §7, A-4.2, C-4.9).
-- Instants are Unix milliseconds (UTC); 0 means "not yet".

-- A negotiation between an applicant and the service's unit about one case (§7).
CREATE TABLE disputes (
    id {{ID}},
    tracking_code TEXT NOT NULL UNIQUE,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    service TEXT NOT NULL,
    applicant_account_id BIGINT NOT NULL REFERENCES accounts(id),
    subject TEXT NOT NULL CHECK (subject IN ('decision', 'delay', 'document_demand', 'conduct')),
    state TEXT NOT NULL CHECK (state IN ('negotiating', 'settled', 'escalated')),
    opened_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    responded_at BIGINT NOT NULL DEFAULT 0,
    settlement TEXT NOT NULL DEFAULT '',
    settlement_by BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX disputes_case ON disputes (case_id);
CREATE INDEX disputes_service ON disputes (service, opened_at);

CREATE TABLE dispute_messages (
    id {{ID}},
    dispute_id BIGINT NOT NULL REFERENCES disputes(id),
    author_account_id BIGINT NOT NULL,
    by_staff {{BOOL}} NOT NULL DEFAULT FALSE,
    kind TEXT NOT NULL DEFAULT 'message',
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX dispute_messages_dispute ON dispute_messages (dispute_id, id);

-- A formal complaint (C-4.5): an escalated dispute (dispute_id, unique: once only) or
-- a direct complaint about conduct (C-4.9) or the service. case_id may be NULL.
CREATE TABLE complaints (
    id {{ID}},
    tracking_code TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    dispute_id BIGINT UNIQUE REFERENCES disputes(id),
    applicant_account_id BIGINT NOT NULL REFERENCES accounts(id),
    applicant_person_id BIGINT,
    applicant_org_id BIGINT,
    type TEXT NOT NULL CHECK (type IN ('escalation', 'conduct', 'service')),
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('review', 'information', 'announced')),
    holder TEXT NOT NULL,
    quorum INTEGER NOT NULL,
    filed_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL DEFAULT 0,
    decided_at BIGINT NOT NULL DEFAULT 0,
    decided_by BIGINT NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT '',
    reasons TEXT NOT NULL DEFAULT '',
    acknowledged_at BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaints_service ON complaints (service, filed_at);
CREATE INDEX complaints_applicant ON complaints (applicant_account_id, filed_at);

-- Who held the complaint from when: the source of its clock (SLA-CLOCK rules 6, 10).
CREATE TABLE complaint_events (
    id {{ID}},
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    at BIGINT NOT NULL,
    holder TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, id);

-- Findings, requests for information and answers, corrections: append-only.
CREATE TABLE complaint_entries (
    id {{ID}},
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    kind TEXT NOT NULL CHECK (kind IN ('finding', 'info_request', 'info_answer', 'correction')),
    party TEXT NOT NULL DEFAULT '',
    author_account_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    answered {{BOOL}} NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE INDEX complaint_entries_complaint ON complaint_entries (complaint_id, id);

CREATE TABLE complaint_votes (
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('upheld', 'partly_upheld', 'rejected')),
    note TEXT NOT NULL DEFAULT '',
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (complaint_id, account_id)
);

-- Remedies a decision orders, tracked to done.
CREATE TABLE complaint_remedies (
    id {{ID}},
    complaint_id BIGINT NOT NULL REFERENCES complaints(id),
    kind TEXT NOT NULL CHECK (kind IN ('reopen', 'reassign', 'redo_step', 'apology')),
    detail TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    done_at BIGINT NOT NULL DEFAULT 0,
    done_by BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_remedies_complaint ON complaint_remedies (complaint_id);
