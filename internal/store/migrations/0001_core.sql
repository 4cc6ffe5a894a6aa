-- Identity, sessions and the audit log. Instants are Unix milliseconds (UTC).
CREATE TABLE people (
    id {{ID}},
    national_code TEXT NOT NULL UNIQUE,
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    mobile_verified {{BOOL}} NOT NULL DEFAULT FALSE,
    email TEXT NOT NULL DEFAULT '',
    province TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE organizations (
    id {{ID}},
    national_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('legal', 'government')),
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    province TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    person_id BIGINT NOT NULL REFERENCES people(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    title TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, org_id)
);

CREATE TABLE accounts (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'staff')),
    person_id BIGINT REFERENCES people(id),
    org_id BIGINT REFERENCES organizations(id),
    display_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_enabled {{BOOL}} NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    oidc_subject TEXT UNIQUE,
    is_admin {{BOOL}} NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    disabled {{BOOL}} NOT NULL DEFAULT FALSE,
    lang TEXT NOT NULL DEFAULT 'fa',
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));

CREATE TABLE role_grants (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    service TEXT NOT NULL,
    role TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, service, role)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL CHECK (kind IN ('web', 'api', 'pat', 'pending')),
    acting_org_id BIGINT REFERENCES organizations(id),
    csrf_token TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE login_attempts (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_attempts_key ON login_attempts (key, at);

CREATE TABLE otp_codes (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES people(id),
    purpose TEXT NOT NULL,
    target TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    summary TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object_kind, object_id);

CREATE TABLE kv (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
