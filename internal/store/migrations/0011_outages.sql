-- Outages of the desk and its services (SLA C-4.4), recorded by admins. Instants are
-- Unix milliseconds (UTC). ends_at is NULL while an unplanned outage is ongoing; a
-- planned one carries its announced end. An outage with no outage_services rows
-- affects every service (all_services). Outages never touch case clocks
-- (SLA-CLOCK rule 8): they count against availability, not against the applicant.
CREATE TABLE outages (
    id {{ID}},
    kind TEXT NOT NULL CHECK (kind IN ('planned', 'unplanned')),
    impact TEXT NOT NULL DEFAULT 'outage' CHECK (impact IN ('outage', 'degraded')),
    all_services {{BOOL}} NOT NULL DEFAULT FALSE,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT,
    notice_fa TEXT NOT NULL,
    notice_en TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    announced_at BIGINT NOT NULL DEFAULT 0,
    notified INTEGER NOT NULL DEFAULT 0,
    ended_by BIGINT
);
CREATE INDEX outages_starts ON outages (starts_at);
CREATE INDEX outages_ends ON outages (ends_at);

CREATE TABLE outage_services (
    outage_id BIGINT NOT NULL REFERENCES outages(id),
    service TEXT NOT NULL,
    PRIMARY KEY (outage_id, service)
);
CREATE INDEX outage_services_service ON outage_services (service);
