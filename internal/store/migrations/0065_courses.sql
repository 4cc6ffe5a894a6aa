-- CERT training courses (SLA M-4.2, internal/course): the catalog of courses, their
-- sessions and prerequisites, enrolments with a waitlist, attendance per session and
-- signed certificates of attendance. Instants are Unix milliseconds (UTC).

CREATE TABLE courses (
    id {{ID}},
    title_fa TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    syllabus_fa TEXT NOT NULL DEFAULT '',
    syllabus_en TEXT NOT NULL DEFAULT '',
    audience TEXT NOT NULL CHECK (audience IN ('anyone', 'government_staff', 'organization_staff')),
    language TEXT NOT NULL CHECK (language IN ('fa', 'en')),
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    fee_rials BIGINT NOT NULL DEFAULT 0 CHECK (fee_rials >= 0),
    cancel_hours INTEGER NOT NULL DEFAULT 48,
    min_attendance INTEGER NOT NULL DEFAULT 75,
    state TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed')),
    opened_at BIGINT NOT NULL DEFAULT 0,
    announced INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    -- rev is bumped by every seat change, so that concurrent enrolments in one
    -- course serialise on the course's row.
    rev BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE course_prerequisites (
    course_id BIGINT NOT NULL REFERENCES courses(id),
    required_id BIGINT NOT NULL REFERENCES courses(id),
    PRIMARY KEY (course_id, required_id)
);

CREATE TABLE course_sessions (
    id {{ID}},
    course_id BIGINT NOT NULL REFERENCES courses(id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT ''
);
CREATE INDEX course_sessions_course ON course_sessions (course_id, starts_at);

-- One row per person and course; a cancelled enrolment may be taken up again.
-- Waitlisted rows move up in the order of requested_at, then id.
CREATE TABLE course_enrolments (
    id {{ID}},
    course_id BIGINT NOT NULL REFERENCES courses(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    state TEXT NOT NULL CHECK (state IN ('enrolled', 'waitlisted', 'cancelled')),
    requested_at BIGINT NOT NULL,
    state_at BIGINT NOT NULL,
    fee_rials BIGINT NOT NULL DEFAULT 0,
    invoice_ref TEXT NOT NULL DEFAULT '',
    UNIQUE (course_id, account_id)
);
CREATE INDEX course_enrolments_queue ON course_enrolments (course_id, state, requested_at);

CREATE TABLE course_attendance (
    enrolment_id BIGINT NOT NULL REFERENCES course_enrolments(id),
    session_id BIGINT NOT NULL REFERENCES course_sessions(id),
    present {{BOOL}} NOT NULL,
    recorded_by BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (enrolment_id, session_id)
);

-- Certificates of attendance, signed like CERTIFY's (JWS under the desk's keys) and
-- logged in the same transparency log at tlog_index.
CREATE TABLE course_certificates (
    id {{ID}},
    number TEXT NOT NULL UNIQUE,
    enrolment_id BIGINT NOT NULL UNIQUE REFERENCES course_enrolments(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    account_id BIGINT NOT NULL,
    holder_code TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    attended INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    issued_at BIGINT NOT NULL,
    jws TEXT NOT NULL,
    jws_sha256 TEXT NOT NULL,
    tlog_index BIGINT NOT NULL
);

CREATE TABLE course_certificate_sequences (
    year INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);
