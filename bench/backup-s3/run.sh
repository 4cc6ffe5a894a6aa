#!/bin/bash
# Issue 19: backup and drill to a directory (baseline, same run) vs to S3 (s3rver on
# loopback), the demo desk on SQLite, three runs back to back; prints ratios.
#   MIZ_TEST_S3RVER=/path/to/s3rver [MIZ_BIN=/path/to/miz] bench/backup-s3/run.sh
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
: "${MIZ_TEST_S3RVER:?set MIZ_TEST_S3RVER (npm s3rver)}"
w=$(mktemp -d); trap 'kill $s3pid 2>/dev/null || true; rm -rf "$w"' EXIT
miz=${MIZ_BIN:-}
if [ -z "$miz" ]; then miz=$w/miz; (cd "$root" && go build -o "$miz" ./cmd/miz); fi
D=$w/desk
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
port=$(free_port); sport=$(free_port)
$MIZ_TEST_S3RVER -d $w/s3 -a 127.0.0.1 -p $port --silent --no-vhost-buckets & s3pid=$!
$miz serve --demo --data $D --addr 127.0.0.1:$sport > $w/serve.log 2>&1 & spid=$!
for i in $(seq 1 300); do curl -fs http://127.0.0.1:$sport/readyz >/dev/null 2>&1 && break; sleep 0.2; done
kill -TERM $spid; wait $spid || true
for i in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
python3 - <<PY
import urllib.request
urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:$port/miz-bench", method="PUT")).read()
PY
export MIZ_BACKUP_S3_ENDPOINT=http://127.0.0.1:$port MIZ_BACKUP_S3_ACCESS_KEY=S3RVER MIZ_BACKUP_S3_SECRET_KEY=S3RVER
ms() { local s=$(date +%s%N); "$@" >"$w/last.log" 2>&1 || { echo "FAIL: $*" >&2; cat "$w/last.log" >&2; exit 1; }; echo $(( ($(date +%s%N)-s)/1000000 )); }
for run in 1 2 3; do
  bd=$(ms $miz backup --dir $w/b --keep 3 --data $D)
  bs=$(ms $miz backup --dir s3://miz-bench/desk --keep 3 --data $D)
  dd=$(ms $miz backup drill --dir $w/b --data $D)
  ds=$(ms $miz backup drill --dir s3://miz-bench/desk --data $D)
  echo "run $run: backup dir ${bd} ms, s3 ${bs} ms ($(python3 -c "print(round($bs/$bd,2))")x); drill dir ${dd} ms, s3 ${ds} ms ($(python3 -c "print(round($ds/$dd,2))")x)"
done
ls -l "$w"/b | tail -1
uptime
