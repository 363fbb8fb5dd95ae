#!/usr/bin/env bash
# The usage pipeline's two halves measured apart: `billing intake` alone under 40,000 offered
# events/s for LOAD seconds (no consumer, so the queue grows), then `billing consume --consumer
# usage` alone draining what was queued. Prints each half's rate.
#
#   Benchmarks/usage_split.sh      (LOAD=12)
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/../deploy/local/common.sh"
source Benchmarks/common.sh  # the working directory is the checkout now

LOAD=${LOAD:-12}
PORT=${PORT:-18081}
export BILLING_HTTP_PORT=$PORT
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
sql() { deploy/local/services.sh psql -qtAc "$1"; }
inserted() { sql "SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'usage_events'"; }
queued() { deploy/local/services.sh ctl list_queues name messages 2>/dev/null | awk '$1 == "billing.usage" {print $2}'; }

$BIN migrate >/dev/null
$BIN topology declare >/dev/null
deploy/local/services.sh ctl purge_queue billing.usage >/dev/null
"$BIN" intake & intake=$!; pids+=($intake)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
echo "== intake alone: 40000 events/s offered for $LOAD s"
python3 Benchmarks/post_usage.py --url "http://127.0.0.1:$PORT" --secret "$BILLING_INTERNAL_SECRET" --rate 40000 --seconds "$LOAD" --batch 1000
kill "$intake"
sleep 2
total=$(queued)
echo "== consumer alone: draining $total queued events"
before=$(inserted)
"$BIN" consume --consumer usage & consumer=$!; pids+=($consumer)
started=$(date +%s.%N)
while [ "$(queued)" != "0" ]; do sleep 0.5; done
ended=$(date +%s.%N)
sleep 1
echo "recorded $(( $(inserted) - before )) in $(python3 -c "print(round($ended - $started, 1))") s: $(python3 -c "print(round($total / ($ended - $started)))") events/s"
echo "consumer peak RSS: $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$consumer/status") MiB"
