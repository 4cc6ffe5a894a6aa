#!/usr/bin/env bash
# Registry lookup by number, JSON and HTML page: Miz against nginx serving the
# same bytes as static files, in the same run (issue 18: ≥0.8× nginx, p99 ≤5 ms).
#
#   bench/registry/run.sh                      # 1,000 certificates, 64 connections, 10 s
#   N=10000 CONNS=64 DURATION=10s ROUNDS=3 bench/registry/run.sh
#
# On a shared machine each round swings widely: read the median ratio printed at
# the end, and the load average printed before and after.
#
# Installs Debian's nginx-light and wrk when missing, builds Miz, seeds N
# certificates into a scratch data directory, starts Miz and nginx
# (worker_processes auto) on loopback ports, copies Miz's JSON and page of one
# certificate into nginx's root, checks both serve identical bytes, then runs wrk
# against each in turn (nginx first, then Miz, per round and target) and prints
# req/s, p50, p99 and the ratio Miz/nginx. Two more servers run in the same rounds:
# go-bare, the smallest net/http server writing the same bytes from memory (Go's
# ceiling here), and miz+cache, Miz behind nginx's cache configured as
# deploy/nginx/miz.conf configures public reads (how the registry is served in
# production). Only 127.0.0.1 is ever targeted.
set -euo pipefail

N=${N:-1000}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
MIZ_PORT=${MIZ_PORT:-18471}
NGINX_PORT=${NGINX_PORT:-18472}
CACHE_PORT=${CACHE_PORT:-18473}
BARE_PORT=${BARE_PORT:-18474}

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/miz-bench-registry.XXXXXX)
chmod 755 "$work" # nginx workers read its www/ as an unprivileged user
miz_pid="" nginx_pid="" bare_pid=""
cleanup() {
	[ -n "$miz_pid" ] && kill "$miz_pid" 2>/dev/null || true
	[ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null || true
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}" >&2
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

echo "building miz" >&2
(cd "$root" && go build -o "$work/miz" ./cmd/miz && go build -o "$work/bare" ./bench/registry/bare)
echo "seeding $N certificates" >&2
"$work/miz" dev seed --certificates "$N" --data "$work/data" >/dev/null

"$work/miz" serve --data "$work/data" --addr "127.0.0.1:$MIZ_PORT" --log-level warn >"$work/miz.log" 2>&1 &
miz_pid=$!
for _ in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$MIZ_PORT/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done
curl -fs "http://127.0.0.1:$MIZ_PORT/readyz" >/dev/null || { cat "$work/miz.log" >&2; exit 1; }

# A certificate from the middle of the register.
number=$(printf 'CRT-%s-%06d' "$(curl -fs "http://127.0.0.1:$MIZ_PORT/api/v1/registry/certificates" |
	grep -o '"number":"CRT-[0-9]*-' | head -1 | cut -d- -f2)" $(((N + 1) / 2)))
json_url="http://127.0.0.1:$MIZ_PORT/api/v1/registry/certificates/$number"
html_url="http://127.0.0.1:$MIZ_PORT/registry/$number"
mkdir -p "$work/www" "$work/nginx"
chmod 755 "$work/www"
curl -fs "$json_url" -o "$work/www/cert.json"
curl -fs "$html_url" -o "$work/www/cert.html"
chmod 644 "$work/www/"*

cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=16 inactive=60s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $work/www;
        location = /cert.json { default_type application/json; }
    }
    # Miz as deployed: behind nginx's cache with deploy/nginx/miz.conf's directives
    # for public reads (revalidated by ETag once Miz's s-maxage=1 runs out).
    proxy_cache_path $work/nginx/cache levels=1:2 keys_zone=miz_public:10m max_size=100m inactive=1h use_temp_path=off;
    upstream miz { server 127.0.0.1:$MIZ_PORT; keepalive 32; }
    server {
        listen 127.0.0.1:$CACHE_PORT;
        location / {
            proxy_pass http://miz;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache miz_public;
            proxy_cache_key \$scheme\$request_method\$host\$request_uri\$cookie_lang;
            proxy_cache_revalidate on;
            proxy_cache_use_stale error timeout updating;
            proxy_cache_lock on;
        }
    }
}
CONF
"$NGINX" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$NGINX_PORT/cert.json" >/dev/null 2>&1 && break
	sleep 0.1
done
"$work/bare" -addr "127.0.0.1:$BARE_PORT" -dir "$work/www" &
bare_pid=$!
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$BARE_PORT/cert.json" >/dev/null 2>&1 && break
	sleep 0.1
done
for f in cert.json cert.html; do
	cmp -s <(curl -fs "http://127.0.0.1:$BARE_PORT/$f") "$work/www/$f" || { echo "the bare server does not serve $f as Miz does" >&2; exit 1; }
	cmp -s <(curl -fs "http://127.0.0.1:$NGINX_PORT/$f") "$work/www/$f" || { echo "nginx does not serve $f as Miz does" >&2; exit 1; }
done
cmp -s <(curl -fs "$json_url") "$work/www/cert.json" || { echo "Miz's JSON changed" >&2; exit 1; }
cache_json="http://127.0.0.1:$CACHE_PORT/api/v1/registry/certificates/$number"
cache_html="http://127.0.0.1:$CACHE_PORT/registry/$number"
cmp -s <(curl -fs "$cache_json") "$work/www/cert.json" || { echo "Miz behind nginx's cache serves other bytes" >&2; exit 1; }

# run URL → "req/s p50 p99" (latencies in ms); fails on any error or non-2xx.
run() {
	local out
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$1")
	if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
		echo "$out" >&2
		echo "errors against $1" >&2
		exit 1
	fi
	awk '
	function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
	/Requests\/sec/ { rps = $2 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }' <<<"$out"
}

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
echo "miz $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'), $N certificates, $number; wrk -t$THREADS -c$CONNS -d$DURATION"
printf '%-6s %-5s %-11s %10s %9s %9s %7s\n' round what server req/s p50_ms p99_ms ratio
ratios_json="" ratios_html="" cached_json="" cached_html="" bare_json="" bare_html=""
for round in $(seq 1 "$ROUNDS"); do
	for what in json html; do
		ext=$what
		if [ "$what" = json ]; then miz_url=$json_url c_url=$cache_json; else miz_url=$html_url c_url=$cache_html; fi
		read -r n_rps n_p50 n_p99 < <(run "http://127.0.0.1:$NGINX_PORT/cert.$ext")
		read -r b_rps b_p50 b_p99 < <(run "http://127.0.0.1:$BARE_PORT/cert.$ext")
		read -r m_rps m_p50 m_p99 < <(run "$miz_url")
		read -r c_rps c_p50 c_p99 < <(run "$c_url")
		ratio() { awk -v m="$1" -v n="$n_rps" 'BEGIN { printf "%.2f", m / n }'; }
		printf '%-6s %-5s %-11s %10s %9s %9s %7s\n' "$round" "$what" nginx "$n_rps" "$n_p50" "$n_p99" 1.00
		printf '%-6s %-5s %-11s %10s %9s %9s %7s\n' "$round" "$what" go-bare "$b_rps" "$b_p50" "$b_p99" "$(ratio "$b_rps")"
		printf '%-6s %-5s %-11s %10s %9s %9s %7s\n' "$round" "$what" miz "$m_rps" "$m_p50" "$m_p99" "$(ratio "$m_rps")"
		printf '%-6s %-5s %-11s %10s %9s %9s %7s\n' "$round" "$what" miz+cache "$c_rps" "$c_p50" "$c_p99" "$(ratio "$c_rps")"
		if [ "$what" = json ]; then
			ratios_json+="$(ratio "$m_rps") " cached_json+="$(ratio "$c_rps") " bare_json+="$(ratio "$b_rps") "
		else
			ratios_html+="$(ratio "$m_rps") " cached_html+="$(ratio "$c_rps") " bare_html+="$(ratio "$b_rps") "
		fi
	done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median ratio to nginx: go-bare json $(median "$bare_json"), html $(median "$bare_html"); miz json $(median "$ratios_json"), html $(median "$ratios_html"); miz behind nginx's cache json $(median "$cached_json"), html $(median "$cached_html")"
echo "after: $(uptime | sed 's/.*load average/load average/')"
