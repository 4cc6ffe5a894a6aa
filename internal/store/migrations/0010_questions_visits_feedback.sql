-- Questions (SLA C-4.7), in-person visits (C-4.8) and feedback (C-4.9), kept by
-- internal/desk. Instants are Unix milliseconds (UTC); 0 means "not yet".

-- A question about a service, or about one case (case_id). It waits for the
-- Organization from asked_at until staff answer (status 'waiting'); first_due_at is
-- the first-response deadline from the catalog's question_response_time (SLA-CLOCK
-- rule 10), and waiting_due_at the deadline of the current wait, for sorting (0 once
-- answered). first_response_seconds is counted time (business or 24×7) for the KPIs.
CREATE TABLE questions (
    id {{ID}},
    service TEXT NOT NULL,
    service_version INTEGER NOT NULL,
    case_id BIGINT REFERENCES cases(id),
    asker_account_id BIGINT NOT NULL REFERENCES accounts(id),
    asker_person_id BIGINT,
    asker_org_id BIGINT,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'answered')),
    asked_at BIGINT NOT NULL,
    budget_amount INTEGER NOT NULL,
    budget_unit TEXT NOT NULL,
    first_due_at BIGINT NOT NULL,
    waiting_since BIGINT NOT NULL,
    waiting_due_at BIGINT NOT NULL DEFAULT 0,
    first_response_at BIGINT NOT NULL DEFAULT 0,
    first_response_seconds BIGINT NOT NULL DEFAULT 0,
    first_responder_account_id BIGINT
);
CREATE INDEX questions_queue ON questions (service, status, waiting_due_at);
CREATE INDEX questions_case ON questions (case_id);
CREATE INDEX questions_asker ON questions (asker_account_id, asked_at);
CREATE INDEX questions_asked ON questions (service, asked_at);

-- Answers by staff and follow-ups by the asker, oldest first.
CREATE TABLE question_answers (
    id {{ID}},
    question_id BIGINT NOT NULL REFERENCES questions(id),
    author_account_id BIGINT NOT NULL,
    by_staff {{BOOL}} NOT NULL DEFAULT FALSE,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX question_answers_question ON question_answers (question_id, created_at);

-- The earliest waiting question's deadline on a case (0: none), kept by internal/desk
-- so that the staff queue can put cases with a waiting question first (C-4.7).
ALTER TABLE cases ADD COLUMN question_due_at BIGINT NOT NULL DEFAULT 0;

-- In-person visits recorded by staff (C-4.8). A visit beyond the catalog's
-- max_visits carries a supervisor's recorded reason.
CREATE TABLE case_visits (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    service TEXT NOT NULL,
    visited_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at BIGINT NOT NULL,
    over_limit {{BOOL}} NOT NULL DEFAULT FALSE,
    override_reason TEXT NOT NULL DEFAULT '',
    override_by BIGINT
);
CREATE INDEX case_visits_case ON case_visits (case_id, visited_at);

-- One rating per closed case by its applicant (C-4.9); the comment is shown only to
-- the service's supervisors.
CREATE TABLE case_feedback (
    id {{ID}},
    case_id BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    service TEXT NOT NULL,
    rater_account_id BIGINT NOT NULL REFERENCES accounts(id),
    service_rating INTEGER NOT NULL CHECK (service_rating BETWEEN 1 AND 5),
    courtesy_rating INTEGER NOT NULL CHECK (courtesy_rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX case_feedback_service ON case_feedback (service, created_at);

-- The staff who acted on the case when it was rated, so that per-staff aggregates
-- stay as they were given.
CREATE TABLE case_feedback_staff (
    feedback_id BIGINT NOT NULL REFERENCES case_feedback(id),
    staff_account_id BIGINT NOT NULL,
    PRIMARY KEY (feedback_id, staff_account_id)
);
CREATE INDEX case_feedback_staff_account ON case_feedback_staff (staff_account_id);
