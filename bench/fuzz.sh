#!/usr/bin/env bash
# Runs every fuzz target of Miz for FUZZTIME each (default 10m), one after another
# (or JOBS at a time), and prints one result line per target. The seed corpora in
# testdata/fuzz/ run in every plain `go test`; this is the longer local run.
# Usage: bench/fuzz.sh [FUZZTIME] [JOBS] [REGEX]   (REGEX picks targets by "pkg Name")
# Do not pause (SIGSTOP) a run: the fuzzing coordinator takes a stopped worker for a
# hung one and reports its input as a failure that does not reproduce.
set -uo pipefail
cd "$(dirname "$0")/.."
time=${1:-10m}
jobs=${2:-1}
only=${3:-.}
targets=(
  "./cmd/miz FuzzCalendarLines"
  "./internal/api FuzzDecode"
  "./internal/cases FuzzParseTrackingCode"
  "./internal/catalog FuzzParse"
  "./internal/certify FuzzParseCredential"
  "./internal/certify FuzzVerify"
  "./internal/documents FuzzDetect"
  "./internal/jalali FuzzParse"
  "./internal/keys FuzzVerifyJWS"
  "./internal/persian FuzzNormalize"
  "./internal/persian FuzzValidateLegalID"
  "./internal/persian FuzzValidateMobile"
  "./internal/persian FuzzValidateNationalCode"
  "./internal/sla FuzzParseHolidays"
  "./internal/tlog FuzzParseProof"
  "./internal/web FuzzLocalPath"
)
out=$(mktemp -d)
run() {
  local pkg=$1 name=$2 log="$out/${2}_$(echo "$1" | tr / _).log"
  go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "$time" -parallel 1 >"$log" 2>&1
  local rc=$? execs
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  if [ $rc -eq 0 ]; then echo "PASS $pkg $name ($time, ${execs:-?} execs)"; else echo "FAIL $pkg $name: see $log"; tail -5 "$log"; fi
}
i=0
for t in "${targets[@]}"; do
  [[ "$t" =~ $only ]] || continue
  run $t &
  i=$((i+1))
  if [ $((i % jobs)) -eq 0 ]; then wait; fi
done
wait
