#!/usr/bin/env bash
# Cold start to ready and idle RSS of `miz serve --demo` on an empty data dir, against
# the smallest Go HTTP server (bench/baseline) measured in the same run.
# Usage: bench/startup.sh [rounds]   (only ever talks to 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/miz" ./cmd/miz
go build -o "$out/baseline" ./bench/baseline

ms() { date +%s%3N; }
measure() { # name port cmd...
  local name=$1 port=$2; shift 2
  local start pid t rss
  start=$(ms)
  "$@" >"$out/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 500); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.005
  done
  t=$(( $(ms) - start ))
  sleep 2
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo "$t $rss"
}

miz_t=(); miz_r=(); base_t=(); base_r=(); warm_t=()
for i in $(seq 1 "$rounds"); do
  read -r t r < <(measure miz 18181 "$out/miz" serve --demo --data "$out/data$i" --addr 127.0.0.1:18181 --log-level error)
  miz_t+=("$t"); miz_r+=("$r")
  read -r t r < <(measure miz 18181 "$out/miz" serve --demo --data "$out/data$i" --addr 127.0.0.1:18181 --log-level error)
  warm_t+=("$t")
  read -r t r < <(measure base 18182 "$out/baseline" -addr 127.0.0.1:18182)
  base_t+=("$t"); base_r+=("$r")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
mt=$(median "${miz_t[@]}"); wt=$(median "${warm_t[@]}"); mr=$(median "${miz_r[@]}")
bt=$(median "${base_t[@]}"); br=$(median "${base_r[@]}")
echo "rounds: $rounds (medians)"
echo "cold start to ready, empty data dir (migrate + demo seed): ${mt} ms   baseline server: ${bt} ms   ratio $(awk "BEGIN{printf \"%.1f\", $mt/($bt>0?$bt:1)}")x"
echo "restart on existing data dir:                             ${wt} ms"
echo "idle RSS after start: $((mr/1024)) MiB   baseline: $((br/1024)) MiB   ratio $(awk "BEGIN{printf \"%.1f\", $mr/$br}")x"
