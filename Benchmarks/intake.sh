#!/usr/bin/env bash
# Intake throughput: wrk against `billing intake` with 1-2 KB signed Stripe webhooks, the broker
# on the same machine. Prints `billing-bench publish` (the confirmed-publish ceiling) from the
# same run first, then wrk's figures, then the intake's peak RSS. Purges the work queues after.
#
#   Benchmarks/intake.sh            (DURATION=30 CONNECTIONS=64 THREADS=1 to change the load)
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/../deploy/local/common.sh"

DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
PORT=${PORT:-18080}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

source Benchmarks/common.sh  # the working directory is the checkout now
export BILLING_HTTP_PORT=$PORT

work=$(mktemp -d)
intake=
trap 'rm -rf "$work"; [ -z "$intake" ] || kill "$intake" 2>/dev/null || true' EXIT
$BIN topology declare >/dev/null

echo "== billing-bench publish (ceiling: confirmed publishes, 1.5 KB, one connection)"
$BENCH publish --count 200000 --size 1500 --window 1000

echo "== signed webhooks"
python3 Benchmarks/make_webhooks.py --count 20000 --secret "${STRIPE_WEBHOOK_SECRETS%%,*}" >"$work/requests.tsv"

"$BIN" intake &
intake=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

echo "== wrk: $DURATION s, $CONNECTIONS connections, $THREADS thread(s)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s Benchmarks/webhooks.lua "http://127.0.0.1:$PORT" -- "$work/requests.tsv"
curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^billing_intake_requests_total' || true

# VmHWM: the process's peak resident set size so far.
echo "== intake peak RSS: $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$intake/status") MiB"
kill -TERM "$intake"
wait "$intake" || true

# A quorum queue may still be applying enqueues when the first purge runs: purge until empty.
for queue in billing.lifecycle billing.dunning billing.notifications; do
  for _ in $(seq 20); do
    deploy/local/services.sh ctl purge_queue "$queue" >/dev/null 2>&1 || true
    left=$(deploy/local/services.sh ctl list_queues name messages 2>/dev/null | awk -v q="$queue" '$1 == q {print $2}')
    [ "${left:-0}" = 0 ] && break
    sleep 1
  done
done
