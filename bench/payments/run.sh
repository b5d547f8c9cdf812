#!/usr/bin/env bash
# bench/payments: incoming transfers matched per second by the payment watcher (issue #5: 5,000/s on PostgreSQL).
# Each round seeds PAYMENTS unpaid orders and lets PaymentWatcher::Poll apply as many exact transfers from an
# in-memory chain (bench/payments/payments_bench.cpp: the watcher and the database are measured, not an emulator),
# then checks in SQL that every transfer was recorded once and paid its order with its ticket and `order.paid`
# message. The naive reference is pgbench running, one payment per transaction, the statements the watcher runs for
# one payment applied on its own, on the same database (best of 1, 8 and 64 clients). Then one round on SQLite.
#   bench/payments/run.sh [ROUNDS=3] [PAYMENTS=20000] [REFERENCE_SECONDS=3]
# Builds the `bench` preset first. Needs root for apt-get only when a package of `scripts/deps.sh bench` is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
payments=${2:-20000}
ref_seconds=${3:-3}
refs=100000  # reference orders to pay at random

scripts/deps.sh bench
cmake --preset bench >/dev/null
cmake --build --preset bench --target onton onton_payments_bench >/dev/null
onton=$PWD/build/bench/src/app/onton
bench=$PWD/build/bench/bench/onton_payments_bench

pg_dir=/tmp/onton-bench-payments-pg
pg_port=55442
work=$(mktemp -d /tmp/onton-bench-payments.XXXXXX)
pg_started=""
cleanup() {
  [ -n "$pg_started" ] && bash tests/fixtures/postgres.sh stop "$pg_dir" "$pg_port" >/dev/null 2>&1 || true
  rm -rf "$work" "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() { awk -F= -v k="$1" '$1 == k { print $2 }' "$2"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
failed=0

# round NAME URL: one run of the bench binary; appends the figure to $work/NAME.rate or records a failure.
round() {
  local name=$1 url=$2 out=$work/$1.out rc
  set +e
  "$bench" "$url" "$payments" 100 >"$out" 2>"$work/$name.err"
  rc=$?
  set -e
  sed 's/^/    bench: /' "$work/$name.err"
  echo "    $(field recorded "$out") recorded, $(field orders_paid "$out") orders paid, $(field tickets "$out") tickets," \
    "$(field order_paid_messages "$out") order.paid messages, sold $(field sold "$out"), reserved" \
    "$(field reserved "$out") in $(field seconds "$out") s ($(field passes "$out") passes);" \
    "invariants $(field invariants "$out")"
  if [ "$rc" -ne 0 ] || [ "$(field invariants "$out")" != ok ]; then
    echo "    FAIL matched/s: an invariant broke"
    failed=1
    return
  fi
  echo "    $(field matched_per_second "$out") transfers matched/s"
  field matched_per_second "$out" >>"$work/$name.rate"
}

echo "bench/payments: $payments exact payments per round, $rounds rounds on PostgreSQL, 1 on SQLite; $(nproc) cores"

# ---------------------------------------------------------------- PostgreSQL
# Sized like a production server (the test fixture's 32 MB would not hold three rounds' tables and indexes).
ONTON_PG_CONF=${ONTON_PG_CONF:-"shared_buffers = 1GB"} bash tests/fixtures/postgres.sh start "$pg_dir" "$pg_port" >/dev/null
pg_started=1
export PGOPTIONS="-c search_path=core,nft,public"
psql_base=(psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q -X)
"${psql_base[@]}" -d postgres -c "CREATE DATABASE payments"
pg_sql() { "${psql_base[@]}" -d payments -AtF'|' -c "$1"; }
pg_url="postgres://postgres@127.0.0.1:$pg_port/payments"
ONTON_DATABASE_URL=$pg_url ONTON_LOG_LEVEL=warn "$onton" migrate >/dev/null
echo "PostgreSQL 15: synchronous_commit=$(pg_sql 'SHOW synchronous_commit'), fsync=$(pg_sql 'SHOW fsync')"

# The reference's own event, ticket type and $refs unpaid orders (ref-order-N, comment ref-N).
now=$(date +%s)
"${psql_base[@]}" -d payments <<SQL
INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES (900001, 'reference', $now, $now);
INSERT INTO events (event_uuid, owner_id, title, description, location, start_date, end_date, participation_type,
                    status, created_at, updated_at)
VALUES ('payments-reference', 900001, 'Reference', '', 'Loopback', $((now + 86400)), $((now + 90000)), 'in_person',
        'published', $now, $now);
INSERT INTO ticket_types (event_id, name, price, supply, reserved, created_at, updated_at)
SELECT event_id, 'Reference', 1000000000, NULL, $refs, $now, $now FROM events WHERE event_uuid = 'payments-reference';
INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, type, payment_comment,
                    expires_at, created_at, updated_at, currency)
SELECT 'ref-order-' || g, 900001, t.event_id, t.ticket_type_id, 1, 1000000000, 'created', 'ticket', 'ref-' || g,
       $((now + 86400)), $now, $now, 'TON'
FROM generate_series(1, $refs) g, ticket_types t WHERE t.name = 'Reference';
SQL
ref_tt=$(pg_sql "SELECT ticket_type_id FROM ticket_types WHERE name = 'Reference'")
ref_ev=$(pg_sql "SELECT event_id FROM ticket_types WHERE name = 'Reference'")
# One payment applied on its own, as PaymentWatcher::Apply and OrderService::ApplyPayment do it statement by
# statement: find the order by comment, record the transfer, sum what the order received, read the order, pay it
# (compare-and-set), settle the seat, note the transfer, issue the ticket, read the event, announce order.paid, set
# the transfer's outcome, move the cursor.
cat >"$work/naive.sql" <<SQL
\\set i random(1, $refs)
BEGIN;
SELECT uuid, currency FROM orders WHERE payment_comment = 'ref-' || :i;
INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, order_uuid, utime,
                          created_at, outcome, refund_due, currency)
VALUES (md5(random()::text) || md5(random()::text), :i, 'ref-wallet', 'payer', 1000000000, 'pending', 'in', 'ref-' || :i,
        'ref-order-' || :i, 1700000000, $now, 'unknown_comment', 0, 'TON') ON CONFLICT (hash) DO NOTHING;
SELECT COALESCE(SUM(value), 0) FROM transactions WHERE order_uuid = 'ref-order-' || :i AND currency = 'TON';
SELECT uuid, user_id, event_id, ticket_type_id, quantity, total_price, state FROM orders WHERE uuid = 'ref-order-' || :i;
UPDATE orders SET state = 'paid', paid_at = $now, updated_at = $now WHERE uuid = 'ref-order-' || :i AND state = 'created';
UPDATE ticket_types SET reserved = reserved - 1, sold = sold + 1, updated_at = $now WHERE ticket_type_id = $ref_tt;
UPDATE orders SET payment_tx_hash = md5(random()::text) WHERE uuid = 'ref-order-' || :i;
INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, check_in_code, created_at, updated_at)
VALUES ('ref-order-' || :i, $ref_ev, $ref_tt, 900001, md5(random()::text) || md5(random()::text), $now, $now);
SELECT event_uuid, title FROM events WHERE event_id = $ref_ev;
INSERT INTO outbox (message_id, topic, message_key, payload, created_at)
VALUES ('order.paid:' || md5(random()::text), 'order.paid', 'ref-order-' || :i, '{}', $now) ON CONFLICT (message_id) DO NOTHING;
UPDATE transactions SET outcome = 'paid', type = 'paid', refund_due = 0 WHERE account = 'ref-wallet' AND lt = :i;
INSERT INTO watch_wallets (address, last_lt, last_hash, updated_at) VALUES ('ref-wallet', :i, 'h', $now)
ON CONFLICT (address) DO UPDATE SET last_lt = excluded.last_lt, last_hash = excluded.last_hash, updated_at = excluded.updated_at;
END;
SQL
pg_reference() {
  local best=0 c tps line="    naive reference (pgbench -M prepared, ${ref_seconds}s each):"
  for c in 1 8 64; do
    pgbench -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -c "$c" -j $((c < 2 ? 1 : 2)) -T "$ref_seconds" \
      -f "$work/naive.sql" payments >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out"; exit 1; }
    tps=$(awk '/^tps = / { printf "%.1f", $3; exit }' "$work/pgbench.out")
    line+=" -c $c $tps payments/s;"
    best=$(awk -v a="$best" -v b="$tps" 'BEGIN { print (b > a ? b : a) }')
  done
  echo "${line%;}"
  echo "$best" >>"$work/postgres.ref"
  if [ -s "$work/postgres.rate" ]; then
    awk -v o="$(tail -1 "$work/postgres.rate")" -v x="$best" 'BEGIN { printf "%.3f\n", o / x }' >>"$work/postgres.ratio"
    echo "    ratio onton/reference: $(tail -1 "$work/postgres.ratio")"
  fi
}
for r in $(seq 1 "$rounds"); do
  echo "  round $r"
  # Statistics as autovacuum keeps them on a server that runs longer than this script: without them the planner
  # takes an IN list of 256 order uuids to match the whole young `transactions` table and scans it per group.
  pg_sql "ANALYZE" >/dev/null
  round postgres "$pg_url"
  pg_reference
done
bash tests/fixtures/postgres.sh stop "$pg_dir" "$pg_port" >/dev/null
pg_started=""

# ---------------------------------------------------------------- SQLite
echo "SQLite $(sqlite3 --version | cut -d' ' -f1) (WAL, synchronous=FULL)"
echo "  round 1"
round sqlite "sqlite://$work/sqlite/onton.db"

echo
if [ -s "$work/postgres.rate" ]; then
  rate=$(median <"$work/postgres.rate")
  echo "PostgreSQL (medians of $rounds rounds): onton $rate transfers matched/s; naive reference" \
    "$(median <"$work/postgres.ref") payments/s; ratio onton/reference $(median <"$work/postgres.ratio")"
  echo "  target: 5,000 matched/s $(awk -v x="$rate" 'BEGIN { print (x >= 5000 ? "met" : "MISSED") }')"
fi
[ -s "$work/sqlite.rate" ] && echo "SQLite: onton $(median <"$work/sqlite.rate") transfers matched/s"
if [ "$failed" -ne 0 ]; then
  echo "FAIL: an invariant broke (see above)"
  exit 1
fi
