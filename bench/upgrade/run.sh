#!/usr/bin/env bash
# Rolling upgrade between two commits of the tree, on PostgreSQL (issue 19):
#
#   MIZ_TEST_POSTGRES_URL=postgres://… bench/upgrade/run.sh [OLD_COMMIT]
#   MIZ_TEST_POSTGRES_URL=postgres://… bench/upgrade/run.sh --probe
#
# --probe: the old binary is HEAD, the new one HEAD plus an additive probe migration
# (9990_upgrade_probe.sql, only in a temporary worktree, never committed), and a third
# build adds a breaking one (9991, "-- miz:breaking"). It shows the readiness rule of
# docs/OPERATIONS.md "Upgrades": the old instance's /readyz stays 200 while the schema
# is newer by additive migrations only, and turns 503 once a breaking one is applied.
#
# OLD_COMMIT defaults to the parent of the commit that added the newest migration, so
# that the upgrade applies at least one. It builds the old binary in a temporary git
# worktree and the new one from this tree, then, in a schema of its own:
#   1. two old instances (A, B) serve; a case is opened through A;
#   2. A is stopped (SIGTERM) and replaced by the new binary, which migrates under the
#      advisory lock; B, still old, keeps answering requests for the case;
#   3. a third old instance refuses to start on the newer schema;
#   4. B is replaced too; a case opened through B is read through A.
# Not part of `go test`: two builds take minutes on a shared machine. Every step is
# time-bounded; it prints PASS/FAIL lines and exits non-zero on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${MIZ_TEST_POSTGRES_URL:?set MIZ_TEST_POSTGRES_URL}"
probe=0
if [ "${1:-}" = "--probe" ]; then probe=1; shift; fi
newest=$(ls "$root"/internal/store/migrations/ | sort | tail -1)
added=$(git -C "$root" log --diff-filter=A --format=%H -1 -- "internal/store/migrations/$newest")
old=${1:-$added^}
if [ $probe = 1 ]; then old=$(git -C "$root" rev-parse HEAD); fi
tmp=$(mktemp -d)
schema="upg_$(date +%s)_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  git -C "$root" worktree remove --force "$tmp/old" 2>/dev/null || true
  git -C "$root" worktree remove --force "$tmp/new" 2>/dev/null || true
  psql -q "$MIZ_TEST_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/*.log; do echo "--- $f"; tail -5 "$f"; done; exit 1; }
pass() { echo "PASS: $*"; }

echo "old: $(git -C "$root" log --format='%h %s' -1 "$old" | cut -c1-80)"
git -C "$root" worktree add --detach "$tmp/old" "$old" >/dev/null 2>&1
(cd "$tmp/old" && timeout 30m go build -o "$tmp/miz-old" ./cmd/miz)
if [ $probe = 1 ]; then
  echo "new: HEAD plus 9990_upgrade_probe.sql (additive); newer: plus 9991 (breaking)"
  git -C "$root" worktree add --detach "$tmp/new" HEAD >/dev/null 2>&1
  mig="$tmp/new/internal/store/migrations"
  printf -- '-- upgrade probe (bench/upgrade/run.sh --probe): additive\nCREATE TABLE upgrade_probe (id INTEGER PRIMARY KEY, note TEXT);\n' > "$mig/9990_upgrade_probe.sql"
  (cd "$tmp/new" && timeout 30m go build -o "$tmp/miz-new" ./cmd/miz)
  printf -- '-- upgrade probe: a column goes\n-- miz:breaking\nALTER TABLE upgrade_probe DROP COLUMN note;\n' > "$mig/9991_upgrade_probe_drop.sql"
  (cd "$tmp/new" && timeout 30m go build -o "$tmp/miz-newer" ./cmd/miz)
  pass "built three binaries"
else
  echo "new: working tree at $(git -C "$root" log --format='%h' -1)"
  (cd "$root" && timeout 30m go build -o "$tmp/miz-new" ./cmd/miz)
  pass "built both binaries"
fi

psql -q "$MIZ_TEST_POSTGRES_URL" -c "CREATE SCHEMA $schema" >/dev/null
case "$MIZ_TEST_POSTGRES_URL" in *\?*) db="$MIZ_TEST_POSTGRES_URL&search_path=$schema" ;; *) db="$MIZ_TEST_POSTGRES_URL?search_path=$schema" ;; esac

totp=$(head -c 32 /dev/urandom | base64)
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# start NAME BIN PORT: serve in the background and wait for /readyz.
start() {
  local name=$1 bin=$2 port=$3
  mkdir -p "$tmp/data-$name"
  export MIZ_SHUTDOWN_GRACE=10s # an older binary ignores it
  export MIZ_TOTP_KEY=$totp     # instances of one desk share the TOTP key
  "$bin" serve --demo --db "$db" --data "$tmp/data-$name" --addr "127.0.0.1:$port" >"$tmp/$name.log" 2>&1 &
  eval "pid_$name=$!"; pids+=("$!")
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$!" 2>/dev/null || fail "$name exited before ready"
    sleep 0.2
  done
  fail "$name not ready after 120s"
}
stop() {
  local p; p=$(eval echo "\$pid_$1")
  kill -TERM "$p"; timeout 30 tail --pid="$p" -f /dev/null || fail "$1 did not stop within 30s"
}
login() { curl -fsS -X POST "http://127.0.0.1:$1/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"10101234565","password":"demo-password"}' | jq -r .token; }
open_case() { curl -fsS -X POST "http://127.0.0.1:$1/api/v1/cases" -H "Authorization: Bearer $2" \
  -H 'Content-Type: application/json' -d '{"service":"cert","kind":"incident"}' | jq -r .tracking_code; }
read_case() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/api/v1/cases/$3" -H "Authorization: Bearer $2"; }

pa=$(free_port); pb=$(free_port)
start a "$tmp/miz-old" "$pa"; start b "$tmp/miz-old" "$pb"
pass "two old instances serve one PostgreSQL"
tok=$(login "$pa"); code=$(open_case "$pa" "$tok")
[ -n "$code" ] && [ "$code" != null ] || fail "open a case through old A"
pass "case $code opened through old A"

stop a
start a "$tmp/miz-new" "$pa"
grep -q '"migrating"\|msg=migrating' "$tmp/a.log" || fail "new A did not migrate"
pass "new A migrated ($(grep -c migrating "$tmp/a.log") step(s)) and serves"
[ "$(read_case "$pa" "$tok" "$code")" = 200 ] || fail "new A cannot read case $code"
st=$(read_case "$pb" "$tok" "$code")
[ "$st" = 200 ] || fail "old B answers $st for case $code after the migration"
pass "old B still answers requests on the newer schema"
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$pb/readyz")
if [ $probe = 1 ]; then
  [ "$ready" = 200 ] || fail "old B /readyz answers $ready on a schema newer only by an additive migration"
  pass "old B /readyz still 200 ($(curl -s "http://127.0.0.1:$pb/readyz")): the load balancer keeps it"
else
  echo "note: old B /readyz now answers $ready (200 when the old binary has the additive-schema rule of issue 19; 503 before it)"
fi

pc=$(free_port); mkdir -p "$tmp/data-c"
if timeout 60 "$tmp/miz-old" serve --db "$db" --data "$tmp/data-c" --addr "127.0.0.1:$pc" >"$tmp/c.log" 2>&1; then
  fail "a new old instance started on the newer schema"
fi
grep -q "refusing to start" "$tmp/c.log" || fail "old C did not say why it refused"
pass "a third old instance refuses to start: $(grep -o 'database schema is version [0-9]* but this binary knows only [0-9]*' "$tmp/c.log" | head -1)"

if [ $probe = 1 ]; then
  stop a
  start a "$tmp/miz-newer" "$pa"
  ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$pb/readyz")
  [ "$ready" = 503 ] || fail "old B /readyz answers $ready after a breaking migration, want 503"
  pass "after the breaking migration 9991 old B /readyz is 503: $(curl -s "http://127.0.0.1:$pb/readyz" | head -1)"
  stop b
  start b "$tmp/miz-newer" "$pb"
else
  stop b
  start b "$tmp/miz-new" "$pb"
fi
code2=$(open_case "$pb" "$tok")
[ "$(read_case "$pa" "$tok" "$code2")" = 200 ] || fail "case $code2 opened through new B is not readable through new A"
pass "both instances upgraded; case $code2 opened through B is read through A"
if [ $probe = 1 ]; then
  echo "upgrade from $(git -C "$root" rev-parse --short "$old") to it plus an additive, then a breaking probe migration: PASS"
else
  echo "upgrade from $(git -C "$root" rev-parse --short "$old") to the working tree: PASS"
fi
