#!/usr/bin/env bash
# bench/http: `onton serve` answering GET /healthz (a fixed JSON document) against nginx serving the same bytes,
# both on loopback, measured by wrk in interleaved rounds. Prints each round and the median ratio onton/nginx.
#   bench/http/run.sh [ROUNDS] [SECONDS] [CONNECTIONS...]     defaults: 5 rounds, 5 s, 16 and 64 connections
# Builds the `bench` preset first. Needs root for apt-get only when nginx-light or wrk is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
seconds=${2:-5}
shift $(( $# > 2 ? 2 : $# )) || true
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(16 64)

scripts/deps.sh bench
cmake --preset bench >/dev/null
cmake --build --preset bench --target onton >/dev/null

work=$(mktemp -d /tmp/onton-bench-http.XXXXXX)
chmod 755 "$work"  # nginx workers run as www-data
cleanup() {
  [ -n "${onton_pid:-}" ] && kill "$onton_pid" 2>/dev/null && wait "$onton_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

onton_port=18080
nginx_port=18081
threads=2  # two cores: two I/O threads for onton, two workers for nginx, two wrk threads

# The same bytes onton answers: src/http/handlers/system.hpp kHealthBody.
printf '{"status":"ok"}' >"$work/healthz"
mkdir -p "$work/logs"
cat >"$work/nginx.conf" <<CONF
worker_processes $threads;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server_tokens off;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /healthz { default_type application/json; alias $work/healthz; }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

ONTON_HTTP_HOST=127.0.0.1 ONTON_HTTP_PORT=$onton_port ONTON_HTTP_IO_THREADS=$threads ONTON_HTTP_ACCESS_LOG=false \
  ONTON_LOG_LEVEL=warn ONTON_DATABASE_URL="sqlite://$work/onton.db" build/bench/src/app/onton serve &
onton_pid=$!
wait_up() {  # wait_up URL NAME
  for _ in $(seq 1 100); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$2 did not answer at $1" >&2
  cat "$work/logs/error.log" >&2 2>/dev/null || true
  exit 1
}
wait_up "http://127.0.0.1:$nginx_port/healthz" nginx
wait_up "http://127.0.0.1:$onton_port/healthz" onton
curl -sf "http://127.0.0.1:$nginx_port/healthz" | cmp - "$work/healthz"
curl -sf "http://127.0.0.1:$onton_port/healthz" | cmp - "$work/healthz"

rps() {  # rps URL CONNECTIONS -> requests/s
  wrk -t"$threads" -c"$2" -d"${seconds}s" --latency "$1" | awk '/^Requests\/sec:/ {print $2}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "bench/http: GET /healthz, ${rounds} interleaved rounds of ${seconds}s, wrk -t$threads, $(nproc) cores"
for c in "${conns[@]}"; do
  : >"$work/ratios"; : >"$work/onton"; : >"$work/nginx"
  for r in $(seq 1 "$rounds"); do
    n=$(rps "http://127.0.0.1:$nginx_port/healthz" "$c")
    o=$(rps "http://127.0.0.1:$onton_port/healthz" "$c")
    ratio=$(awk -v o="$o" -v n="$n" 'BEGIN {printf "%.3f", o / n}')
    echo "  c=$c round $r: nginx $n req/s, onton $o req/s, ratio $ratio"
    echo "$n" >>"$work/nginx"; echo "$o" >>"$work/onton"; echo "$ratio" >>"$work/ratios"
  done
  printf 'c=%s: median nginx %s req/s, median onton %s req/s, median ratio onton/nginx %s\n' \
    "$c" "$(median <"$work/nginx")" "$(median <"$work/onton")" "$(median <"$work/ratios")"
done
