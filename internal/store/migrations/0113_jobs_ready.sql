-- Issue 18: the job runner's claim takes the first few jobs that are ready (queued or
-- failed, run_at come) in run_at order. With only jobs_due (state, run_at) it read
-- and sorted every ready job to take a few, so a backlog of notifications made each
-- claim slower. This index holds only ready-to-run rows, in run_at (then id) order.
CREATE INDEX jobs_ready ON jobs (run_at) WHERE state IN ('queued', 'failed');
