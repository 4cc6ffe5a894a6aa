#!/usr/bin/env bash
# Registry search against the exact lookup by number, same store, same run
# (issue 18): SQLite and PostgreSQL at each size given (default 10000 100000).
# Usage: MIZ_TEST_POSTGRES_URL=postgres://... bench/search/run.sh [sizes...]
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-10000 100000}")
for n in ${sizes[@]}; do
	uptime
	MIZ_BENCH_CERTS=$n MIZ_BENCH_ROUNDS=${MIZ_BENCH_ROUNDS:-20} \
		go test -run XXX -bench 'Search$' -benchtime 1x -timeout 90m ./internal/certify
done
uptime
