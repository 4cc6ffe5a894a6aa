#!/usr/bin/env bash
# Registry lookup by number: this tree's miz against an older revision's, on copies of
# the same data, alternated round by round (issue 18). For a change to the lookup path
# (internal/front, internal/server's public reads, internal/pubcache), where the
# nginx ratio of run.sh is too noisy on a shared machine to show a few per cent.
#
#   OLD_REV=<commit> bench/registry/pair.sh            # 3 rounds of 8 s, 64 connections
#   OLD_REV=HEAD~1 ROUNDS=5 DURATION=10s bench/registry/pair.sh
#
# Prints req/s, p99 and each server's CPU time per request (utime+stime from /proc,
# divided by the requests wrk counted), then the medians. Only ever talks to 127.0.0.1.
set -euo pipefail
: "${OLD_REV:?set OLD_REV to the revision to compare with}"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
CONNS=${CONNS:-64}
NEW_PORT=${NEW_PORT:-18481}
OLD_PORT=${OLD_PORT:-18482}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/miz-bench-pair.XXXXXX)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
command -v wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null; apt-get install -y -qq --no-install-recommends wrk >/dev/null; }

echo "building miz (this tree) and miz $OLD_REV" >&2
(cd "$root" && go build -o "$work/miz-new" ./cmd/miz)
mkdir "$work/old"
(cd "$root" && git archive "$OLD_REV") | tar -x -C "$work/old"
(cd "$work/old" && go build -o "$work/miz-old" ./cmd/miz)
# Seeded by the older binary, so that both can open the data: the newer one migrates
# its copy forward at start, where the older one might refuse a newer schema.
"$work/miz-old" dev seed --certificates 1000 --data "$work/seed" >/dev/null
number=CRT-1405-000500
hz=$(getconf CLK_TCK)

one() { # name binary port
	local name=$1 bin=$2 port=$3 t0 t1 out rps p99
	rm -rf "$work/data-$name"
	cp -a "$work/seed" "$work/data-$name"
	"$bin" serve --data "$work/data-$name" --addr "127.0.0.1:$port" --log-level warn >"$work/$name.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	local url="http://127.0.0.1:$port/api/v1/registry/certificates/$number"
	curl -fs "$url" >/dev/null || { cat "$work/$name.log" >&2; exit 1; }
	wrk -t2 -c"$CONNS" -d2s "$url" >/dev/null
	t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
	out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$url")
	t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=""
	rps=$(echo "$out" | awk '/^Requests\/sec/{print $2}')
	p99=$(echo "$out" | awk '$1=="99%"{print $2}')
	reqs=$(echo "$out" | awk '/requests in/{print $1}')
	awk -v n="$name" -v r="$rps" -v p="$p99" -v t="$((t1 - t0))" -v hz="$hz" -v q="$reqs" \
		'BEGIN{printf "%-4s %10.0f req/s  p99 %8s  cpu %5.2f us/req\n", n, r, p, 1e6*t/hz/q}'
}

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
for r in $(seq 1 "$ROUNDS"); do
	echo "round $r"
	one new "$work/miz-new" "$NEW_PORT" | tee -a "$work/new.txt"
	one old "$work/miz-old" "$OLD_PORT" | tee -a "$work/old.txt"
done
med() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
nr=$(awk '{print $2}' "$work/new.txt" | med)
or=$(awk '{print $2}' "$work/old.txt" | med)
nc=$(awk '{print $(NF-1)}' "$work/new.txt" | med)
oc=$(awk '{print $(NF-1)}' "$work/old.txt" | med)
awk -v nr="$nr" -v orr="$or" -v nc="$nc" -v oc="$oc" -v rev="$OLD_REV" \
	'BEGIN{printf "median: this tree %.0f req/s, %s %.0f req/s: %.3fx; CPU per request %.2f against %.2f us: %.3fx\n", nr, rev, orr, nr/orr, nc, oc, nc/oc}'
echo "after: $(uptime | sed 's/.*load/load/')"
