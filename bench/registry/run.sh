#!/usr/bin/env bash
# Registry lookup by number, JSON and HTML page: Miz against nginx serving the
# same bytes as static files, in the same run (issue 18: ≥0.8× nginx, p99 ≤5 ms),
# and against the Go ceiling: a bare net/http server (bench/registry/bare) writing
# the same bytes from memory with only a content type. Miz answers through its
# front (internal/front) and, as a second instance on a copy of the data, through
# net/http alone (--net-http-only), so the front's gain is measured in the same run.
#
#   bench/registry/run.sh                      # 1,000 certificates, 64 connections, 10 s
#   N=10000 CONNS=64 DURATION=10s ROUNDS=3 bench/registry/run.sh
#
# On a shared machine each round swings widely: read the median ratio printed at
# the end, the load average printed before and after, and cpu_us (each server's
# CPU time per request, which a busy machine disturbs less than req/s).
#
# Installs Debian's nginx-light and wrk when missing, builds Miz, seeds N
# certificates into a scratch data directory, starts Miz and nginx
# (worker_processes auto) on loopback ports, copies Miz's JSON and page of one
# certificate into nginx's root, checks both serve identical bytes, then runs wrk
# against each in turn (nginx, the bare Go server, then Miz, per round and target)
# and prints req/s, p50, p99 and the ratios to nginx and to the bare server. Only
# 127.0.0.1 is ever targeted.
set -euo pipefail

N=${N:-1000}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
MIZ_PORT=${MIZ_PORT:-18471}
NGINX_PORT=${NGINX_PORT:-18472}
BARE_PORT=${BARE_PORT:-18473}
PROXY_PORT=${PROXY_PORT:-18474}
NH_PORT=${NH_PORT:-18475}

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/miz-bench-registry.XXXXXX)
chmod 755 "$work" # nginx workers read its www/ as an unprivileged user
miz_pid="" nginx_pid="" bare_pid="" nh_pid=""
cleanup() {
	[ -n "$miz_pid" ] && kill "$miz_pid" 2>/dev/null || true
	[ -n "$nh_pid" ] && kill "$nh_pid" 2>/dev/null || true
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

# A copy of the data for a second Miz answering through net/http alone
# (--net-http-only: the same reads without internal/front, as before issue 18's front).
cp -a "$work/data" "$work/data-nh"
"$work/miz" serve --data "$work/data" --addr "127.0.0.1:$MIZ_PORT" --log-level warn >"$work/miz.log" 2>&1 &
miz_pid=$!
"$work/miz" serve --data "$work/data-nh" --addr "127.0.0.1:$NH_PORT" --log-level warn --net-http-only >"$work/miz-nh.log" 2>&1 &
nh_pid=$!
for port in "$MIZ_PORT" "$NH_PORT"; do
	for _ in $(seq 1 100); do
		curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/miz.log" "$work/miz-nh.log" >&2; exit 1; }
done

# A certificate from the middle of the register.
number=$(printf 'CRT-%s-%06d' "$(curl -fs "http://127.0.0.1:$MIZ_PORT/api/v1/registry/certificates" |
	grep -o '"number":"CRT-[0-9]*-' | head -1 | cut -d- -f2)" $(((N + 1) / 2)))
json_url="http://127.0.0.1:$MIZ_PORT/api/v1/registry/certificates/$number"
html_url="http://127.0.0.1:$MIZ_PORT/registry/$number"
mkdir -p "$work/www" "$work/nginx"
chmod 755 "$work/www"
curl -fs "$json_url" -o "$work/www/cert.json" -D "$work/www/cert.json.headers"
curl -fs "$html_url" -o "$work/www/cert.html" -D "$work/www/cert.html.headers"
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
    # Miz behind nginx's cache, as deploy/nginx/miz.conf deploys it: nginx answers
    # from its cache and revalidates with Miz when Miz's s-maxage=1 has passed.
    upstream miz { server 127.0.0.1:$MIZ_PORT; keepalive 64; }
    proxy_cache_path $work/nginx/cache levels=1 keys_zone=miz_public:1m max_size=64m;
    server {
        listen 127.0.0.1:$PROXY_PORT;
        location / {
            proxy_pass http://miz;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache miz_public;
            proxy_cache_key \$request_method\$request_uri\$cookie_lang;
            proxy_cache_revalidate on;
            proxy_cache_use_stale error timeout updating;
            proxy_cache_lock on;
        }
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $work/www;
        location = /cert.json { default_type application/json; }
    }
}
CONF
"$NGINX" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$NGINX_PORT/cert.json" >/dev/null 2>&1 && break
	sleep 0.1
done
for f in cert.json cert.html; do
	cmp -s <(curl -fs "http://127.0.0.1:$NGINX_PORT/$f") "$work/www/$f" || { echo "nginx does not serve $f as Miz does" >&2; exit 1; }
done
cmp -s <(curl -fs "$json_url") "$work/www/cert.json" || { echo "Miz's JSON changed" >&2; exit 1; }
nh_json=${json_url/$MIZ_PORT/$NH_PORT} nh_html=${html_url/$MIZ_PORT/$NH_PORT}
cmp -s <(curl -fs "$nh_json") "$work/www/cert.json" || { echo "Miz with --net-http-only does not serve the same JSON" >&2; exit 1; }
proxy_json=${json_url/$MIZ_PORT/$PROXY_PORT} proxy_html=${html_url/$MIZ_PORT/$PROXY_PORT}
cmp -s <(curl -fs "$proxy_json") "$work/www/cert.json" || { echo "nginx in front of Miz does not serve the JSON" >&2; exit 1; }
"$work/bare" -addr "127.0.0.1:$BARE_PORT" -dir "$work/www" &
bare_pid=$!
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$BARE_PORT/cert.json" >/dev/null 2>&1 && break
	sleep 0.1
done
for f in cert.json cert.html; do
	for p in "" full/; do
		cmp -s <(curl -fs "http://127.0.0.1:$BARE_PORT/$p$f") "$work/www/$f" || { echo "the bare server does not serve $p$f as Miz does" >&2; exit 1; }
	done
done

# cpu PID... → the processes' user+system CPU time so far, in clock ticks.
cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
# run URL PID... → "req/s p50 p99 cpu_us" (latencies in ms; cpu_us is the server
# processes' CPU time per request, steadier than req/s on a shared machine); fails
# on any error or non-2xx.
run() {
	local out url=$1 c0 c1
	shift
	c0=$(cpu "$@")
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$url")
	c1=$(cpu "$@")
	if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then
		echo "$out" >&2
		echo "errors against $url" >&2
		exit 1
	fi
	awk -v ticks="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" '
	function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
	/Requests\/sec/ { rps = $2 }
	/requests in/ { n = $1 }
	$1 == "50%" { p50 = ms($2) }
	$1 == "99%" { p99 = ms($2) }
	END { printf "%.0f %.2f %.2f %.1f\n", rps, p50, p99, ticks / hz * 1e6 / n }' <<<"$out"
}

echo "machine: $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
echo "miz $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo '?'), $N certificates, $number; wrk -t$THREADS -c$CONNS -d$DURATION"
printf '%-6s %-5s %-11s %10s %8s %8s %8s %7s %7s %7s\n' round what server req/s p50_ms p99_ms cpu_us /nginx /bare /full
proxy_ratios="" nh_ratios=""
ratios_json="" ratios_html="" bare_json="" bare_html="" full_json="" full_html="" go_json="" go_html=""
row() { printf '%-6s %-5s %-11s %10s %8s %8s %8s %7s %7s %7s\n' "$@"; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
nginx_pids=("$nginx_pid" $(pgrep -P "$nginx_pid" || true))
for round in $(seq 1 "$ROUNDS"); do
	for what in json html; do
		ext=$what
		[ "$what" = json ] && miz_url=$json_url proxy_url=$proxy_json nh_url=$nh_json || miz_url=$html_url proxy_url=$proxy_html nh_url=$nh_html
		read -r n_rps n_p50 n_p99 n_cpu < <(run "http://127.0.0.1:$NGINX_PORT/cert.$ext" "${nginx_pids[@]}")
		read -r b_rps b_p50 b_p99 b_cpu < <(run "http://127.0.0.1:$BARE_PORT/cert.$ext" "$bare_pid")
		read -r f_rps f_p50 f_p99 f_cpu < <(run "http://127.0.0.1:$BARE_PORT/full/cert.$ext" "$bare_pid")
		read -r h_rps h_p50 h_p99 h_cpu < <(run "$nh_url" "$nh_pid")
		read -r m_rps m_p50 m_p99 m_cpu < <(run "$miz_url" "$miz_pid")
		ratio=$(div "$m_rps" "$n_rps") to_bare=$(div "$m_rps" "$b_rps") to_full=$(div "$m_rps" "$f_rps") bare_ratio=$(div "$b_rps" "$n_rps")
		row "$round" "$what" nginx "$n_rps" "$n_p50" "$n_p99" "$n_cpu" 1.00 - -
		row "$round" "$what" bare "$b_rps" "$b_p50" "$b_p99" "$b_cpu" "$bare_ratio" 1.00 -
		row "$round" "$what" bare+hdrs "$f_rps" "$f_p50" "$f_p99" "$f_cpu" "$(div "$f_rps" "$n_rps")" "$(div "$f_rps" "$b_rps")" 1.00
		row "$round" "$what" miz-nethttp "$h_rps" "$h_p50" "$h_p99" "$h_cpu" "$(div "$h_rps" "$n_rps")" "$(div "$h_rps" "$b_rps")" "$(div "$h_rps" "$f_rps")"
		row "$round" "$what" miz "$m_rps" "$m_p50" "$m_p99" "$m_cpu" "$ratio" "$to_bare" "$to_full"
		nh_ratios+="$what:$(div "$h_rps" "$n_rps") "
		read -r p_rps p_p50 p_p99 p_cpu < <(run "$proxy_url" "${nginx_pids[@]}" "$miz_pid")
		row "$round" "$what" nginx→miz "$p_rps" "$p_p50" "$p_p99" "$p_cpu" "$(div "$p_rps" "$n_rps")" - -
		proxy_ratios+="$what:$(div "$p_rps" "$n_rps") "
		if [ "$what" = json ]; then
			ratios_json+="$ratio " bare_json+="$to_bare " full_json+="$to_full " go_json+="$bare_ratio "
		else
			ratios_html+="$ratio " bare_html+="$to_bare " full_html+="$to_full " go_html+="$bare_ratio "
		fi
	done
done
median() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median ratio miz/nginx: json $(median "$ratios_json"), html $(median "$ratios_html")"
echo "median ratio miz/bare:  json $(median "$bare_json"), html $(median "$bare_html")"
echo "median ratio miz/bare with Miz's headers: json $(median "$full_json"), html $(median "$full_html")"
echo "Miz through net/http alone (--net-http-only), ratio to nginx, per round: $nh_ratios"
echo "Miz behind nginx's cache (deploy/nginx/miz.conf), ratio to nginx's static files, per round: $proxy_ratios"
echo "median ratio bare/nginx (the Go ceiling): json $(median "$go_json"), html $(median "$go_html")"
echo "after: $(uptime | sed 's/.*load average/load average/')"
