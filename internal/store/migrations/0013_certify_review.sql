-- The CERTIFY application module (internal/certify/application): the expert's
-- review checklists, one row per review transition (pass_review or fail_criteria).
-- D-1: part of the case, never public. Instants are Unix milliseconds (UTC).
CREATE TABLE certify_reviews (
    id {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id),
    transition TEXT NOT NULL,          -- pass_review | fail_criteria
    outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail')),
    reviewer_account_id BIGINT NOT NULL,
    checklist TEXT NOT NULL,           -- JSON array of {criterion, result, note}
    created_at BIGINT NOT NULL
);
CREATE INDEX certify_reviews_case ON certify_reviews (case_id, id);
