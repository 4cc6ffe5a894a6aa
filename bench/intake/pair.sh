#!/usr/bin/env bash
# Intake of this tree against an older revision's, alternated run by run (issue 18):
# `go run ./bench/intake -baseline=false` in this tree and in OLD_REV's (extracted with
# git archive), each building and starting its own miz. For a change whose effect is a
# few per cent, which separate runs minutes apart on a shared machine would not show.
#
#   OLD_REV=<commit> bench/intake/pair.sh                 # 2 pairs of 10 s, SQLite
#   OLD_REV=HEAD~1 PAIRS=3 DURATION=20s ARGS="-db postgres" bench/intake/pair.sh
#
# Prints each run's cases/s, p99 and group-commit line, then the medians.
set -euo pipefail
: "${OLD_REV:?set OLD_REV to the revision to compare with}"
PAIRS=${PAIRS:-2}
DURATION=${DURATION:-10s}
ARGS=${ARGS:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/miz-bench-intake-pair.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$root" && git archive "$OLD_REV") | tar -x -C "$work"

one() { # name dir
	# shellcheck disable=SC2086 # ARGS is a list of flags
	(cd "$2" && go run ./bench/intake -baseline=false -clients 8 -duration "$DURATION" $ARGS) 2>&1 |
		awk -v n="$1" '/miz on/{for(i=1;i<=NF;i++){if($i=="cases/s")r=$(i-1); if($i=="p99")p=$(i+1)}}
			/group commit/{g=$0; sub(/^ */,"",g)}
			END{printf "%-4s %8s cases/s  p99 %6s ms  %s\n", n, r, p, g}'
}

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load/load/')"
for i in $(seq 1 "$PAIRS"); do
	one old "$work" | tee -a "$work/old.txt"
	one new "$root" | tee -a "$work/new.txt"
done
med() { sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
n=$(awk '{print $2}' "$work/new.txt" | med)
o=$(awk '{print $2}' "$work/old.txt" | med)
awk -v n="$n" -v o="$o" -v rev="$OLD_REV" 'BEGIN{printf "median: this tree %.1f cases/s, %s %.1f: %.3fx\n", n, rev, o, n/o}'
echo "after: $(uptime | sed 's/.*load/load/')"
