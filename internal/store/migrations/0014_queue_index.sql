-- The staff queue's order (waiting questions first, then the nearest deadline) as an
-- index, so its first page over millions of cases reads 50 index entries instead of
-- sorting every open case (bench: BenchmarkQueueFirstPage in internal/cases).
CREATE INDEX cases_queue_order ON cases (service, holder,
    (CASE WHEN question_due_at = 0 THEN 1 ELSE 0 END), question_due_at,
    (CASE WHEN due_at = 0 THEN 1 ELSE 0 END), due_at, id)
    WHERE submitted_at > 0;
