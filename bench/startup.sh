#!/usr/bin/env bash
# Cold start to /readyz and idle RSS of `miz serve` (issue 18), each against the
# smallest Go HTTP server (bench/baseline) measured in the same run:
#   1. an empty data directory, no demo (migrate from nothing);
#   2. a restart on that directory;
#   3. a restart on a directory holding 10,000 cases (made by bench/intake; skip with
#      CASES=0).
# OLD_REV=<commit> also measures that revision's miz (built from `git archive`) in the
# same rounds, for a before/after figure.
# Every binary is built as deploy/container/build.sh ships Miz (CGO_ENABLED=0, -trimpath,
# -s -w), the baseline too, so that all carry the same runtime and no libc.
# Idle RSS is also split into anonymous memory (heap, stacks, SQLite's caches) and
# file-backed pages (almost all of it the executable's own text and read-only data).
# Usage: bench/startup.sh [rounds]   (only ever talks to 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
cases=${CASES:-10000}
out=$(mktemp -d)
trap 'cp "$out"/*.log /tmp/ 2>/dev/null; rm -rf "$out"' EXIT
build() { CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" "$@"; }
build -o "$out/miz" ./cmd/miz
build -o "$out/baseline" ./bench/baseline
if [ -n "${OLD_REV:-}" ]; then
  mkdir "$out/old"
  git archive "$OLD_REV" | tar -x -C "$out/old"
  (cd "$out/old" && build -o "$out/miz-old" ./cmd/miz)
fi

ms() { date +%s%3N; }
measure() { # name port cmd...   prints "ms-to-ready rss-kB anon-kB" (RSS 2 s after ready)
  local name=$1 port=$2; shift 2
  local start pid t rss anon
  start=$(ms)
  "$@" >"$out/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 2000); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.005
  done
  t=$(( $(ms) - start ))
  sleep 2
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  anon=$(awk '/RssAnon/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo "$t $rss $anon"
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk "BEGIN{printf \"%.1f\", $1/($2>0?$2:1)}"; }
miz=("$out/miz" serve --addr 127.0.0.1:18181 --log-level error)

cold_t=(); cold_r=(); warm_t=(); warm_r=(); base_t=(); base_r=(); old_t=(); old_r=()
cold_a=(); warm_a=(); base_a=(); old_a=(); oldw_t=(); oldw_r=(); oldw_a=()
for i in $(seq 1 "$rounds"); do
  if [ -n "${OLD_REV:-}" ]; then
    read -r t r a < <(measure old 18181 "$out/miz-old" serve --addr 127.0.0.1:18181 --log-level error --data "$out/old$i")
    old_t+=("$t"); old_r+=("$r"); old_a+=("$a")
    read -r t r a < <(measure old 18181 "$out/miz-old" serve --addr 127.0.0.1:18181 --log-level error --data "$out/old$i")
    oldw_t+=("$t"); oldw_r+=("$r"); oldw_a+=("$a")
  fi
  read -r t r a < <(measure miz 18181 "${miz[@]}" --data "$out/data$i")
  cold_t+=("$t"); cold_r+=("$r"); cold_a+=("$a")
  read -r t r a < <(measure miz 18181 "${miz[@]}" --data "$out/data$i")
  warm_t+=("$t"); warm_r+=("$r"); warm_a+=("$a")
  read -r t r a < <(measure base 18182 "$out/baseline" -addr 127.0.0.1:18182)
  base_t+=("$t"); base_r+=("$r"); base_a+=("$a")
done
bt=$(median "${base_t[@]}"); br=$(median "${base_r[@]}")
report() { # label times… -- rss… -- anon…
  local label=$1; shift
  local ts=() rs=() as=()
  while [ "$1" != -- ]; do ts+=("$1"); shift; done; shift
  while [ "$1" != -- ]; do rs+=("$1"); shift; done; shift
  as=("$@")
  local t r a; t=$(median "${ts[@]}"); r=$(median "${rs[@]}"); a=$(median "${as[@]}")
  printf '%-44s ready %5s ms (%sx baseline)   idle RSS %5.1f MiB (%sx baseline; anon %4.1f, file %4.1f)\n' \
    "$label" "$t" "$(ratio "$t" "$bt")" "$(awk "BEGIN{print $r/1024}")" "$(ratio "$r" "$br")" \
    "$(awk "BEGIN{print $a/1024}")" "$(awk "BEGIN{print ($r-$a)/1024}")"
}
echo "rounds: $rounds (medians); $(uptime)"
ba=$(median "${base_a[@]}")
printf '%-44s ready %5s ms                 idle RSS %5.1f MiB                 (anon %4.1f, file %4.1f)\n' "baseline: bare net/http server" \
  "$bt" "$(awk "BEGIN{print $br/1024}")" "$(awk "BEGIN{print $ba/1024}")" "$(awk "BEGIN{print ($br-$ba)/1024}")"
report "miz serve, empty data dir, no demo" "${cold_t[@]}" -- "${cold_r[@]}" -- "${cold_a[@]}"
report "miz serve, restart on that data dir" "${warm_t[@]}" -- "${warm_r[@]}" -- "${warm_a[@]}"
if [ -n "${OLD_REV:-}" ]; then
  report "revision $OLD_REV, empty data dir, no demo" "${old_t[@]}" -- "${old_r[@]}" -- "${old_a[@]}"
  report "revision $OLD_REV, restart on that data dir" "${oldw_t[@]}" -- "${oldw_r[@]}" -- "${oldw_a[@]}"
fi

if [ "$cases" -gt 0 ]; then
  go run ./bench/intake -data "$out/cases" -cases "$cases" -baseline=false -size 1024 -warmup 0s -duration 30m >"$out/intake.log"
  grep -E "miz on" "$out/intake.log" | head -1 | sed 's/^ */made by bench\/intake: /'
  big_t=(); big_r=(); big_a=(); b2_t=(); b2_r=(); obig_t=(); obig_r=(); obig_a=()
  # One start first, not counted: it sends the notifications the intake left queued.
  measure miz 18181 "${miz[@]}" --demo --data "$out/cases" >/dev/null
  for _ in $(seq 1 "$rounds"); do
    if [ -n "${OLD_REV:-}" ]; then
      read -r t r a < <(measure old 18181 "$out/miz-old" serve --addr 127.0.0.1:18181 --log-level error --demo --data "$out/cases")
      obig_t+=("$t"); obig_r+=("$r"); obig_a+=("$a")
    fi
    read -r t r a < <(measure miz 18181 "${miz[@]}" --demo --data "$out/cases")
    big_t+=("$t"); big_r+=("$r"); big_a+=("$a")
    read -r t r a < <(measure base 18182 "$out/baseline" -addr 127.0.0.1:18182)
    b2_t+=("$t"); b2_r+=("$r")
  done
  bt=$(median "${b2_t[@]}"); br=$(median "${b2_r[@]}")
  report "miz serve --demo, restart with $cases cases" "${big_t[@]}" -- "${big_r[@]}" -- "${big_a[@]}"
  if [ -n "${OLD_REV:-}" ]; then
    report "revision $OLD_REV, restart with $cases cases" "${obig_t[@]}" -- "${obig_r[@]}" -- "${obig_a[@]}"
  fi
fi
echo "$(uptime)"
