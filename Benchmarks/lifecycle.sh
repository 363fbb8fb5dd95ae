#!/usr/bin/env bash
# Lifecycle throughput: a realistic stream of Stripe subscription, invoice and customer events
# over SUBSCRIPTIONS subscriptions is pre-filled into billing.lifecycle, then `billing-bench
# consume` drains it with the real runner and handler (PostgreSQL with fsync on) and prints
# events/s and the worker's peak RSS. pgbench's simple-update runs first, in the same session,
# for comparison. Uses the local development services; purges billing.lifecycle first.
#
#   Benchmarks/lifecycle.sh          (SUBSCRIPTIONS=10000 CYCLES=2 PGBENCH_SECONDS=20 to change)
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/../deploy/local/common.sh"

SUBSCRIPTIONS=${SUBSCRIPTIONS:-10000}
CYCLES=${CYCLES:-2}
PGBENCH_SECONDS=${PGBENCH_SECONDS:-20}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

source Benchmarks/common.sh  # the working directory is the checkout now

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$BIN migrate >/dev/null
$BIN topology declare >/dev/null
deploy/local/services.sh ctl purge_queue billing.lifecycle >/dev/null

echo "== PostgreSQL: $("$PG_BIN/psql" -X -At -d "$BILLING_DATABASE_URL" -c "select 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit') || ' ' || version()" | cut -d' ' -f1-4)"
echo "== pgbench simple-update, 8 clients, $PGBENCH_SECONDS s"
"$PG_BIN/pgbench" -q -i -s 10 "$BILLING_DATABASE_URL" >/dev/null 2>&1
"$PG_BIN/pgbench" -b simple-update -c 8 -j 2 -T "$PGBENCH_SECONDS" "$BILLING_DATABASE_URL" 2>/dev/null | grep -E "^tps|latency average"
"$PG_BIN/pgbench" -q -i -I d "$BILLING_DATABASE_URL" >/dev/null 2>&1

echo "== events"
python3 Benchmarks/make_lifecycle_events.py --subscriptions "$SUBSCRIPTIONS" --cycles "$CYCLES" --run "b$(date +%s)" >"$work/events.ndjson"
count=$(wc -l <"$work/events.ndjson")
$BENCH fill --file "$work/events.ndjson" --consumer lifecycle

echo "== billing-bench consume --consumer lifecycle"
$BENCH consume --consumer lifecycle --count "$count"
