-- The business calendar's holiday table (SLA-CLOCK rule 5): official holidays (lunar
-- ones move every year and are announced, so they are data) and one-off closures.
-- day is the local civil date in Asia/Tehran as YYYY-MM-DD; closed_start/closed_end
-- are minutes after local midnight, 0/0 closing the whole day; province '' is national.
CREATE TABLE holidays (
    id {{ID}},
    day TEXT NOT NULL,
    province TEXT NOT NULL DEFAULT '',
    name_fa TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    closed_start INTEGER NOT NULL DEFAULT 0,
    closed_end INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE (day, province, closed_start)
);
