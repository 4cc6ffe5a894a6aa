#!/usr/bin/env bash
# Staff queue first page on PostgreSQL at MIZ_BENCH_QUEUE_CASES cases (default
# 10,000,000), with the queue index (migration 0014) and, as the baseline in the
# same run, without it; prints both query plans (issue 18).
# Usage: MIZ_TEST_POSTGRES_URL=postgres://... bench/queue/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${MIZ_TEST_POSTGRES_URL:?set MIZ_TEST_POSTGRES_URL}"
uptime
MIZ_BENCH_QUEUE_CASES=${MIZ_BENCH_QUEUE_CASES:-10000000} MIZ_BENCH_EXPLAIN=1 \
	go test -run XXX -bench QueueFirstPage -benchtime ${BENCHTIME:-200x} -timeout 90m ./internal/cases
uptime
