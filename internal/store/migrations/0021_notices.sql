-- People are told what happens (issue 14): notice preferences, the on-duty roster,
-- a cheap unread count and the dev mailbox's mark on the outbox.

-- Each person's choice of channels per kind of notice; a missing row means the
-- kind's defaults. Legal notices (decisions, clock pauses) ignore a row that turns
-- a channel off: the domain refuses to store one.
CREATE TABLE notice_prefs (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    kind TEXT NOT NULL,
    email {{BOOL}} NOT NULL DEFAULT TRUE,
    sms {{BOOL}} NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- Who of a service's staff is on duty when, in Tehran time: either weekly (weekdays
-- as digits 0=Saturday … 6=Friday, minutes from midnight start_min ≤ t < end_min;
-- end_min ≤ start_min crosses midnight) or a date range (from_day ≤ day ≤ to_day,
-- Gregorian YYYY-MM-DD of Tehran days), or both.
CREATE TABLE duty_roster (
    id {{ID}},
    service TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    weekdays TEXT NOT NULL DEFAULT '',
    start_min INTEGER NOT NULL DEFAULT 0,
    end_min INTEGER NOT NULL DEFAULT 1440,
    from_day TEXT NOT NULL DEFAULT '',
    to_day TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX duty_roster_service ON duty_roster (service);

-- The header's unread badge counts with this index alone.
CREATE INDEX notifications_unread ON notifications (account_id, read_at);

-- How a sent message left: 'smtp', 'sms' or 'dev-mailbox' (demo without gateways).
ALTER TABLE outbox ADD COLUMN via TEXT NOT NULL DEFAULT '';
