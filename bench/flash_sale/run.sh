#!/usr/bin/env bash
# bench/flash_sale: a flash sale over HTTP on loopback. SEATS seats of one paid ticket type, ATTEMPTS purchase
# attempts (POST /api/v1/orders) from CONNECTIONS keep-alive connections, one signed-in buyer each, against
# `onton serve` on PostgreSQL (synchronous_commit on, fsync on) and then on SQLite (WAL, synchronous=FULL), ROUNDS
# times each on a fresh ticket type. After every round the invariants are checked in SQL (a broken one prints FAIL
# instead of the figures). After every round the naive reference runs the same per-order SQL (the guarded UPDATE of
# ticket_types plus the INSERT into orders, one transaction per order) straight on the same database: pgbench at 1,
# POOL_SIZE and 64 clients on PostgreSQL (the best of them is the round's reference), one sqlite3 process on SQLite.
# The script prints the median over the rounds of onton's accepted orders/s divided by the reference's orders/s.
#   bench/flash_sale/run.sh [ROUNDS] [ATTEMPTS] [CONNECTIONS] [SEATS] [REFERENCE_SECONDS]
#   defaults: 3 rounds, 20000 attempts, 1000 connections, 1000 seats, 3 s per reference run
# Environment: WORKER_THREADS and POOL_SIZE of onton (default 32 and 8, onton's own defaults); any ONTON_* variable
# passes through to `onton serve`, e.g. ONTON_ORDER_MAX_BATCH=1 to place one order per transaction. See
# bench/README.md.
# Builds the `bench` preset first. Needs root for apt-get only when a package of `scripts/deps.sh bench` is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
attempts=${2:-20000}
conns=${3:-1000}
seats=${4:-1000}
ref_seconds=${5:-3}
workers=${WORKER_THREADS:-32}
pool=${POOL_SIZE:-8}

scripts/deps.sh bench
cmake --preset bench >/dev/null
cmake --build --preset bench --target onton onton_flash_sale_loadgen >/dev/null
onton=$PWD/build/bench/src/app/onton
loadgen=$PWD/build/bench/bench/onton_flash_sale_loadgen

pg_dir=/tmp/onton-bench-pg
pg_port=55440
http_port=18090
work=$(mktemp -d /tmp/onton-bench-flash.XXXXXX)
pg_started=""
onton_pid=""
stop_onton() {
  if [ -n "$onton_pid" ]; then
    kill "$onton_pid" 2>/dev/null || true
    wait "$onton_pid" 2>/dev/null || true
    onton_pid=""
  fi
}
cleanup() {
  stop_onton
  [ -n "$pg_started" ] && bash tests/fixtures/postgres.sh stop "$pg_dir" "$pg_port" >/dev/null 2>&1 || true
  rm -rf "$work" "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

failed=0  # set when an invariant breaks; the script then exits 1

# Buyers: user ids 1001.., one bearer token each; the sessions hold SHA-256(token) like the ones onton issues.
now=$(date +%s)
salt=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
for i in $(seq 1 "$conns"); do
  token="flash-$salt-$i"
  hash=$(printf '%s' "$token" | sha256sum)
  printf '%s\t%s\t%s\n' "$((1000 + i))" "$token" "${hash%% *}"
done >"$work/buyers.tsv"
cut -f2 "$work/buyers.tsv" >"$work/tokens"
event_uuid=$(cat /proc/sys/kernel/random/uuid)
price=1000000000   # 1 TON: a paid ticket, so an order reserves a seat and waits for payment
ref_supply=1000000000

# The same seed for both dialects: plain INSERTs. One organizer (user 1), the buyers, a published event with one
# flash-sale ticket type per round (SEATS seats each, no per-user limit) and the reference's ticket type, whose
# supply never runs out.
{
  echo "BEGIN;"
  echo "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES (1, 'organizer', 'organizer', $now, $now);"
  awk -v now="$now" 'BEGIN { print "INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES" }
    { printf "%s(%s, %s, %s, %s)", (NR > 1 ? ",\n" : ""), $1, "'\''buyer " $1 "'\''", now, now }
    END { print ";" }' "$work/buyers.tsv"
  awk -v now="$now" 'BEGIN { print "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES" }
    { printf "%s('\''%s'\'', %s, %s, %s)", (NR > 1 ? ",\n" : ""), $3, $1, now, now + 86400 }
    END { print ";" }' "$work/buyers.tsv"
  cat <<SQL
INSERT INTO events (event_uuid, owner_id, title, description, location, start_date, end_date, participation_type,
                    status, created_at, updated_at)
VALUES ('$event_uuid', 1, 'Flash sale', '', 'Loopback', $((now + 86400)), $((now + 90000)), 'in_person',
        'published', $now, $now);
INSERT INTO ticket_types (event_id, name, price, supply, created_at, updated_at)
SELECT event_id, 'Naive reference', $price, $ref_supply, $now, $now FROM events WHERE event_uuid = '$event_uuid';
SQL
  for r in $(seq 1 "$rounds"); do
    echo "INSERT INTO ticket_types (event_id, name, price, supply, created_at, updated_at)"
    echo "SELECT event_id, 'Flash sale $r', $price, $seats, $now, $now FROM events WHERE event_uuid = '$event_uuid';"
  done
  echo "COMMIT;"
} >"$work/seed.sql"

serve() {  # serve DATABASE_URL: starts onton serve in the background and waits for /readyz
  ONTON_HTTP_HOST=127.0.0.1 ONTON_HTTP_PORT=$http_port ONTON_HTTP_IO_THREADS=2 \
    ONTON_HTTP_WORKER_THREADS=$workers ONTON_DATABASE_POOL_SIZE=$pool ONTON_HTTP_ACCESS_LOG=false \
    ONTON_LOG_LEVEL=warn ONTON_DATABASE_AUTO_MIGRATE=true ONTON_BOT_TOKEN=1000000001:bench-local-token \
    ONTON_BOT_API_URL=http://127.0.0.1:9 ONTON_DATABASE_URL="$1" ${BENCH_WRAPPER:-} "$onton" serve 2>>"$work/onton.log" &
  onton_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$onton_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "onton serve did not become ready; its log:" >&2
  cat "$work/onton.log" >&2
  exit 1
}

field() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2"; }  # field KEY FILE (loadgen's key=value lines)
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "MISSED") }'; }

# check NAME OK DETAIL: one invariant; remembers a failure of this round and of the whole script.
check() {
  if [ "$2" = 1 ]; then
    invariants+="$1 ($3) ok; "
  else
    invariants+="$1 ($3) FAIL; "
    round_failed=1
    failed=1
  fi
}

# sale NAME SQL_FN ROUND: one round of the load generator against the server that is up, on ticket type
# "Flash sale ROUND". SQL_FN runs one query and prints its row with | between columns. Appends the figures of a
# round whose invariants hold to $work/NAME.{rate,p50,p99}; a broken invariant prints FAIL instead.
sale() {
  local name=$1 sql=$2 r=$3 out=$work/$1.$3.loadgen tt rc row supply sold reserved live all_orders accepted
  tt=$($sql "SELECT ticket_type_id FROM ticket_types WHERE name = 'Flash sale $r'")
  set +e
  "$loadgen" "$http_port" "$work/tokens" "$event_uuid" "$tt" "$attempts" "$conns" 120 >"$out" 2>"$work/$name.err"
  rc=$?
  set -e
  sed 's/^/  loadgen: /' "$work/$name.err"
  if ! kill -0 "$onton_pid" 2>/dev/null; then
    echo "  onton serve died during round $r; its log:"
    cat "$work/onton.log"
  fi
  row=$($sql "SELECT supply, sold, reserved, (SELECT count(*) FROM orders o WHERE o.ticket_type_id = t.ticket_type_id
              AND o.state IN ('created', 'paid')), (SELECT count(*) FROM orders o WHERE o.ticket_type_id =
              t.ticket_type_id) FROM ticket_types t WHERE t.ticket_type_id = $tt")
  IFS='|' read -r supply sold reserved live all_orders <<<"$row"
  accepted=$(field accepted "$out")
  round_failed=0
  invariants=""
  check "answered $(field answered "$out")/$attempts" "$([ "$rc" -eq 0 ] && echo 1)" "timed out: $(field timed_out "$out")"
  check "sold+reserved <= supply" "$([ $((sold + reserved)) -le "$supply" ] && echo 1)" "$((sold + reserved)) <= $supply"
  check "live orders == sold+reserved" "$([ "$live" -eq $((sold + reserved)) ] && echo 1)" "$live == $((sold + reserved))"
  check "201s == orders in db" "$([ "${accepted:-x}" = "$all_orders" ] && echo 1)" "$accepted == $all_orders"
  check "oversell == 0" "$([ "$all_orders" -le "$supply" ] && echo 1)" \
    "oversell $(( all_orders > supply ? all_orders - supply : 0 ))"
  echo "  round $r: $accepted accepted (201), $(field sold_out "$out") sold out (409 ticket.sold_out)," \
    "$(field other_errors "$out") other answers; seats taken $((sold + reserved)) of $supply;" \
    "$conns connections opened in $(field connect_seconds "$out") s (not timed);" \
    "the load generator used $(field loadgen_cpu_seconds "$out") s of CPU"
  grep '^other_error\[' "$out" | sed 's/^/    /' || true
  echo "    invariants: ${invariants%; }"
  if [ "$round_failed" -eq 0 ]; then
    echo "    $(field accepted_per_second "$out") accepted orders/s (sold out after $(field sellout_seconds "$out") s)," \
      "$(field attempts_per_second "$out") answers/s over $(field elapsed_seconds "$out") s;" \
      "latency p50 $(field latency_p50_ms "$out") ms, p99 $(field latency_p99_ms "$out") ms," \
      "max $(field latency_max_ms "$out") ms (201s only: p50 $(field accepted_latency_p50_ms "$out") ms," \
      "p99 $(field accepted_latency_p99_ms "$out") ms)"
    field accepted_per_second "$out" >>"$work/$name.rate"
    field latency_p50_ms "$out" >>"$work/$name.p50"
    field latency_p99_ms "$out" >>"$work/$name.p99"
  else
    echo "    FAIL accepted orders/s, FAIL latency: an invariant broke"
    echo FAIL >>"$work/$name.failed"
  fi
}

# reference NAME ROUND RATE: the ratio of the round, onton's accepted orders/s over the reference's orders/s.
reference() {
  local name=$1 r=$2 ref=$3 rate
  echo "$ref" >>"$work/$name.ref"
  if [ -s "$work/$name.failed" ]; then
    echo "    round $r ratio onton/reference: FAIL (an invariant broke)"
    return
  fi
  rate=$(tail -1 "$work/$name.rate")
  awk -v o="$rate" -v x="$ref" 'BEGIN { printf "%.3f\n", o / x }' >>"$work/$name.ratio"
  echo "    round $r ratio onton/reference: $(tail -1 "$work/$name.ratio") ($rate / $ref)"
}

# summary LABEL NAME: medians over the rounds, the ratio and the targets of the issue.
summary() {
  local label=$1 name=$2 rate p50 p99 ratio
  if [ -s "$work/$name.failed" ] || [ ! -s "$work/$name.rate" ]; then
    echo "$label: onton FAIL accepted orders/s, FAIL p50/p99, reference $(median <"$work/$name.ref") orders/s," \
      "ratio onton/reference FAIL (an invariant broke)"
    return
  fi
  rate=$(median <"$work/$name.rate")
  p50=$(median <"$work/$name.p50")
  p99=$(median <"$work/$name.p99")
  ratio=$(median <"$work/$name.ratio")
  echo "$label (medians of $rounds rounds): onton $rate accepted orders/s, p50 $p50 ms, p99 $p99 ms;" \
    "naive reference $(median <"$work/$name.ref") orders/s; ratio onton/reference $ratio"
  echo "  targets: 10,000 orders/s $(verdict "$(awk -v x="$rate" 'BEGIN { print (x >= 10000) }')")," \
    "4x the reference $(verdict "$(awk -v x="$ratio" 'BEGIN { print (x >= 4) }')")," \
    "p99 under 100 ms $(verdict "$(awk -v x="$p99" 'BEGIN { print (x < 100) }')")"
}

echo "bench/flash_sale: $seats seats, $attempts attempts from $conns connections, $rounds rounds; onton with 2 I/O" \
  "threads, $workers worker threads, $pool database connections, order batches of at most" \
  "${ONTON_ORDER_MAX_BATCH:-256 (default)}; $(nproc) cores"
echo "Each round: one flash sale through onton on a fresh ticket type, then the naive reference for ${ref_seconds}s" \
  "per client count on the same database (interleaved, so drift of the disk hits both)."

# ---------------------------------------------------------------- PostgreSQL
bash tests/fixtures/postgres.sh start "$pg_dir" "$pg_port" >/dev/null
pg_started=1
export PGOPTIONS="-c search_path=core,nft,public"
psql_base=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q -X)
"${psql_base[@]}" -d postgres -c "CREATE DATABASE flash"
pg_sql() { "${psql_base[@]}" -d flash -AtF'|' -c "$1"; }
pg_url="postgres://postgres@127.0.0.1:$pg_port/flash"
ONTON_DATABASE_URL=$pg_url ONTON_LOG_LEVEL=warn "$onton" migrate >/dev/null
"${psql_base[@]}" -d flash -f "$work/seed.sql"
echo "PostgreSQL 15: synchronous_commit=$(pg_sql 'SHOW synchronous_commit'), fsync=$(pg_sql 'SHOW fsync')," \
  "wal_sync_method=$(pg_sql 'SHOW wal_sync_method')"

batches() {  # the order batcher's counters of the server that is up
  curl -sf "http://127.0.0.1:$http_port/metrics" | awk '
    $1 == "onton_order_batches_total" { b = $2 } $1 == "onton_order_batched_orders_total" { o = $2 }
    END { printf "  the order batcher ran %d order requests in %d transactions (%.1f per transaction)\n", o, b, (b ? o / b : 0) }'
}

# The reference: pgbench clients each committing one order per transaction with the statements onton prepares
# (src/domain/orders/orders.cpp kReserveSql and kInsertOrderSql), on the reference ticket type whose supply never
# runs out, so every transaction is an accepted order. All orders contend for one row, so more clients mostly add
# lock waits: the best of 1, POOL_SIZE and 64 clients is the round's reference.
ref_tt=$(pg_sql "SELECT ticket_type_id FROM ticket_types WHERE name = 'Naive reference'")
event_id=$(pg_sql "SELECT event_id FROM events WHERE event_uuid = '$event_uuid'")
request_hash=$(printf '%s\n%s\n1' "$event_uuid" "$ref_tt" | sha256sum | cut -d' ' -f1)
cat >"$work/naive.sql" <<SQL
\\set uid random(1001, $((1000 + conns)))
BEGIN;
UPDATE ticket_types SET reserved = reserved + 1, updated_at = extract(epoch FROM now())::bigint
WHERE ticket_type_id = $ref_tt AND (supply IS NULL OR sold + reserved + 1 <= supply);
INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, type, payment_comment,
                    expires_at, idempotency_key, request_hash, paid_at, created_at, updated_at)
VALUES (gen_random_uuid()::text, :uid, $event_id, $ref_tt, 1, $price, 'created', 'ticket',
        'onton-' || substr(md5(random()::text), 1, 16), extract(epoch FROM now())::bigint + 900, NULL,
        '$request_hash', NULL, extract(epoch FROM now())::bigint, extract(epoch FROM now())::bigint);
END;
SQL
pg_reference() {  # pg_reference ROUND
  local best=0 c before after tps line="    naive reference (pgbench -M prepared, ${ref_seconds}s each):"
  for c in $(printf '%s\n' 1 "$pool" 64 | sort -nu); do
    before=$(pg_sql "SELECT count(*) FROM orders WHERE ticket_type_id = $ref_tt")
    pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$c" -j $((c < 2 ? 1 : 2)) -T "$ref_seconds" \
      -f "$work/naive.sql" flash >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out"; exit 1; }
    after=$(pg_sql "SELECT count(*) FROM orders WHERE ticket_type_id = $ref_tt")
    tps=$(awk '/^tps = / { printf "%.1f", $3; exit }' "$work/pgbench.out")
    line+=" -c $c $tps orders/s ($((after - before)) committed, $(awk -F'[:(]' '/number of failed/ { print $2+0 }' \
      "$work/pgbench.out") failed, latency $(awk -F'= ' '/^latency average/ { print $2 }' "$work/pgbench.out"));"
    best=$(awk -v a="$best" -v b="$tps" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "${line%;}"
  reference postgres "$1" "$best"
}
serve "$pg_url"
for r in $(seq 1 "$rounds"); do
  sale postgres pg_sql "$r"
  pg_reference "$r"
done
batches
stop_onton
bash tests/fixtures/postgres.sh stop "$pg_dir" "$pg_port" >/dev/null
pg_started=""

# ---------------------------------------------------------------- SQLite
lite_db=$work/sqlite/onton.db
mkdir -p "$work/sqlite"
lite_url="sqlite://$lite_db"
lite_sql() { sqlite3 -bail -cmd '.timeout 10000' "$lite_db" "$1"; }
ONTON_DATABASE_URL=$lite_url ONTON_LOG_LEVEL=warn "$onton" migrate >/dev/null
sqlite3 -bail -cmd '.timeout 10000' "$lite_db" <"$work/seed.sql"
echo "SQLite $(sqlite3 --version | cut -d' ' -f1): journal_mode=$(lite_sql 'PRAGMA journal_mode'), onton sets" \
  "synchronous=FULL and BEGIN IMMEDIATE"

# The reference: one sqlite3 process (SQLite has one writer at a time) committing one order per transaction with
# onton's pragmas and statements for REFERENCE_SECONDS; awk streams the transactions in (at most 1,000,000), and the
# committed orders are counted afterwards. Onton is up but idle meanwhile.
lite_ref_tt=$(lite_sql "SELECT ticket_type_id FROM ticket_types WHERE name = 'Naive reference'")
lite_event_id=$(lite_sql "SELECT event_id FROM events WHERE event_uuid = '$event_uuid'")
lite_hash=$(printf '%s\n%s\n1' "$event_uuid" "$lite_ref_tt" | sha256sum | cut -d' ' -f1)
naive_sqlite() {
  echo "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
  awk -v n=1000000 -v tt="$lite_ref_tt" -v ev="$lite_event_id" -v price="$price" -v rh="$lite_hash" \
    -v lo=1001 -v span="$conns" 'BEGIN {
    for (i = 0; i < n; i++) {
      print "BEGIN IMMEDIATE;"
      print "UPDATE ticket_types SET reserved = reserved + 1, updated_at = unixepoch() WHERE ticket_type_id = " tt \
            " AND (supply IS NULL OR sold + reserved + 1 <= supply);"
      print "INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, type," \
            " payment_comment, expires_at, idempotency_key, request_hash, paid_at, created_at, updated_at) VALUES" \
            " (lower(hex(randomblob(16))), " lo " + abs(random()) % " span ", " ev ", " tt ", 1, " price \
            ", '\''created'\'', '\''ticket'\'', '\''onton-'\'' || lower(hex(randomblob(8))), unixepoch() + 900," \
            " NULL, '\''" rh "'\'', NULL, unixepoch(), unixepoch());"
      print "COMMIT;"
    }
  }'
}
lite_reference() {  # lite_reference ROUND
  local before after t0 t1 ref
  before=$(lite_sql "SELECT count(*) FROM orders WHERE ticket_type_id = $lite_ref_tt")
  t0=$(date +%s.%N)
  naive_sqlite 2>/dev/null | timeout "$ref_seconds" sqlite3 -bail -cmd '.timeout 10000' "$lite_db" >/dev/null 2>&1 || true
  t1=$(date +%s.%N)
  after=$(lite_sql "SELECT count(*) FROM orders WHERE ticket_type_id = $lite_ref_tt")
  ref=$(awk -v n=$((after - before)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / (b - a) }')
  echo "    naive reference (one sqlite3 process, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s):" \
    "$ref orders/s ($((after - before)) committed)"
  reference sqlite "$1" "$ref"
}
serve "$lite_url"
for r in $(seq 1 "$rounds"); do
  sale sqlite lite_sql "$r"
  lite_reference "$r"
done
batches
stop_onton

echo
summary "PostgreSQL" postgres
summary "SQLite" sqlite
if [ "$failed" -ne 0 ]; then
  echo "FAIL: an invariant broke (see above)"
  exit 1
fi
