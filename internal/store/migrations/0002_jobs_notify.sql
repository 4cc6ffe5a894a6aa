-- Durable background jobs (internal/jobs) and notifications (internal/notify).
-- Instants are Unix milliseconds (UTC); 0 means "not yet".

-- state: queued (waiting for run_at), running (claimed; locked_by holds a lease until
-- locked_until), failed (the last attempt failed; retried at run_at), done, dead (gave up).
CREATE TABLE jobs (
    id {{ID}},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT 'null',
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')),
    attempt INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    run_at BIGINT NOT NULL,
    locked_by TEXT NOT NULL DEFAULT '',
    locked_until BIGINT NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    unique_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_finished ON jobs (finished_at);

-- state: queued, retrying (an attempt failed; the job runner retries), sent, failed (gave up).
CREATE TABLE outbox (
    id {{ID}},
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    text_body TEXT NOT NULL DEFAULT '',
    html_body TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'retrying', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    ref_kind TEXT NOT NULL DEFAULT '',
    ref_id TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_ref ON outbox (ref_kind, ref_id);
CREATE INDEX outbox_state ON outbox (state);

-- In-app notices shown to an account; read_at 0 means unread.
CREATE TABLE notifications (
    id {{ID}},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    title_fa TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    body_fa TEXT NOT NULL DEFAULT '',
    body_en TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_account ON notifications (account_id, id);
