#!/usr/bin/env bash
# Usage end to end: signed batches of usage.recorded events POSTed to `billing intake` at a
# steady offered rate (RATE events/s for SECONDS), queued in billing.usage, recorded by a
# `billing consume --consumer usage` process. Prints the accepted and recorded rates, the
# queue depth half-way and at the end of the load, the drain time, and the consumer's peak
# RSS. Then the reporter: REPORT_TENANTS windows with unreported usage, reported by
# `billing usage report --now` to a local stand-in for Stripe's meter events.
#
#   Benchmarks/usage.sh      (RATE=20000 DURATION=60 BATCH=1000 REPORT_TENANTS=5000)
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/../deploy/local/common.sh"
source Benchmarks/common.sh  # the working directory is the checkout now

RATE=${RATE:-20000}
SECONDS_OF_LOAD=${DURATION:-60}
BATCH=${BATCH:-1000}
REPORT_TENANTS=${REPORT_TENANTS:-5000}
PORT=${PORT:-18081}
STRIPE_PORT=${STRIPE_PORT:-18111}
export BILLING_HTTP_PORT=$PORT

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
$BIN migrate >/dev/null
$BIN topology declare >/dev/null
deploy/local/services.sh ctl purge_queue billing.usage >/dev/null
sql() { deploy/local/services.sh psql -qtAc "$1"; }
inserted() { sql "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'usage_events'"; }
queued() { deploy/local/services.sh ctl list_queues name messages 2>/dev/null | awk '$1 == "billing.usage" {print $2}'; }

"$BIN" intake & pids+=($!)
"$BIN" consume --consumer usage & consumer=$!; pids+=($consumer)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
sleep 2

echo "== usage: $RATE events/s offered for $SECONDS_OF_LOAD s, batches of $BATCH"
before=$(inserted)
started=$(date +%s.%N)
python3 Benchmarks/post_usage.py --url "http://127.0.0.1:$PORT" --secret "$BILLING_INTERNAL_SECRET" --rate "$RATE" \
  --seconds "$SECONDS_OF_LOAD" --batch "$BATCH" > /tmp/billing-post-usage.out &
poster=$!
sleep $((SECONDS_OF_LOAD / 2))
echo "queue depth at $((SECONDS_OF_LOAD / 2)) s: $(queued)"
wait $poster
ended=$(date +%s.%N)
during=$(( $(inserted) - before ))
cat /tmp/billing-post-usage.out
echo "queue depth at the end of the load: $(queued)"
echo "recorded during the load: $during events, $(python3 -c "print(round($during / ($ended - $started)))")/s"
accepted=$(sed -n 's/.*accepted \([0-9]*\) events.*/\1/p' /tmp/billing-post-usage.out)
for _ in $(seq 600); do [ $(( $(inserted) - before )) -ge "$accepted" ] && break; sleep 0.5; done
drained=$(date +%s.%N)
echo "all $accepted recorded $(python3 -c "print(round($drained - $ended, 1))") s after the load: $(python3 -c "print(round($accepted / ($drained - $started)))") events/s end to end"
echo "consumer peak RSS: $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$consumer/status") MiB"

echo "== reporter: $REPORT_TENANTS tenants' windows with unreported API calls and storage"
tag=$(date +%s)
sql "INSERT INTO usage_totals (tenant_id, metric, window_kind, window_start, window_end, stripe_customer_id, units_sum, last_units, last_at,
                               last_event_id, max_units, events)
     SELECT 'tenant_rb_${tag}_' || n, m, 'period', date_trunc('second', now()) - interval '1 day', date_trunc('second', now()) + interval '29 days', 'cus_rb_${tag}_' || n,
            1000 + n, 1000 + n, now() - interval '1 minute', 'e' || n, 1000 + n, 1
       FROM generate_series(1, $REPORT_TENANTS) n, (VALUES ('api_calls'), ('storage_gb')) AS metrics(m)" >/dev/null
python3 Benchmarks/fake_stripe_meters.py "$STRIPE_PORT" > /tmp/billing-fake-stripe.out & stripe=$!; pids+=($stripe)
sleep 0.5
STRIPE_API_BASE="http://127.0.0.1:$STRIPE_PORT" "$BIN" usage report --now | tail -1
kill -TERM "$stripe"; wait "$stripe" || true
cat /tmp/billing-fake-stripe.out
