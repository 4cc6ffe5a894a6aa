-- Versions of catalog services (internal/catalog/catalogdb). A service changes only by
-- publishing a new version: draft → review → published, with an effective date
-- (SLA C-4.6, §8). Cases keep the version they began under (cases.service_version).
-- Instants are Unix milliseconds (UTC); 0 means "not yet". Account columns are 0 for
-- the system (the embedded defaults seeded at start).
CREATE TABLE service_versions (
    id {{ID}},
    service TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'review', 'published', 'withdrawn')),
    yaml TEXT NOT NULL,
    effective_from BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL DEFAULT 0,
    updated_by BIGINT NOT NULL DEFAULT 0,
    submitted_by BIGINT NOT NULL DEFAULT 0,
    published_by BIGINT NOT NULL DEFAULT 0,
    change_summary_fa TEXT NOT NULL DEFAULT '',
    change_summary_en TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT NOT NULL DEFAULT 0,
    UNIQUE (service, version)
);
CREATE INDEX service_versions_status ON service_versions (status, service, effective_from);

-- The public list of changes (C-4.6): one row per published version after the first.
CREATE TABLE catalog_changes (
    id {{ID}},
    service TEXT NOT NULL,
    version INTEGER NOT NULL,
    effective_from BIGINT NOT NULL,
    summary_fa TEXT NOT NULL,
    summary_en TEXT NOT NULL DEFAULT '',
    notified INTEGER NOT NULL DEFAULT 0,
    published_at BIGINT NOT NULL
);
CREATE INDEX catalog_changes_published ON catalog_changes (published_at);

-- One row whose generation grows on every publication, so that every instance's cache
-- of the catalog notices a change made by another.
CREATE TABLE catalog_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO catalog_state (id, generation) VALUES (1, 0);
