-- Working weeks of the business calendar (SLA-CLOCK rule 5): the national default
-- (province '') and per-province overrides, e.g. a province whose offices close on
-- Thursdays while others open on Thursday mornings. week is a JSON array of seven
-- strings, Sunday first (Go's time.Weekday order), each the day's working spans as
-- "07:30-14:30", several separated by spaces, "" for a closed day.
CREATE TABLE calendar_weeks (
    province TEXT PRIMARY KEY,
    week TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
