#!/usr/bin/env bash
# Notification delivery throughput: COUNT notification requests (one recipient each, spread
# over TENANTS tenants) are pre-filled into billing.notifications, then `billing-bench consume`
# drains them with the real runner and handler: render the templates, write the outbox, send,
# record. Once to a local webhook receiver (Standard Webhooks signatures verified by the
# reference Python library), once to a local SMTP server (aiosmtpd). Prints notifications/s,
# the worker's peak RSS, and what the receivers counted. Uses the local development services
# and the test tools' Python venv; purges billing.notifications first.
#
#   Benchmarks/notifications.sh          (COUNT=20000 TENANTS=2000 CHANNELS="webhook email" to change)
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/../deploy/local/common.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/../deploy/local/test-tools.sh"

COUNT=${COUNT:-20000}
TENANTS=${TENANTS:-2000}
CHANNELS=${CHANNELS:-"webhook email"}
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

source Benchmarks/common.sh  # the working directory is the checkout now

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
$BIN migrate >/dev/null
$BIN topology declare >/dev/null

# start_server SCRIPT ARGS...: starts a Tests/tools server, sets $port.
start_server() {
  local script=$1; shift
  "$BILLING_TEST_PYTHON" "Tests/tools/$script" "$@" >"$work/$script.out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do grep -q '^ready' "$work/$script.out" 2>/dev/null && break; sleep 0.1; done
  port=$(awk '/^ready/ {print $2}' "$work/$script.out")
}

secret=whsec_$(head -c 32 /dev/urandom | base64)
start_server webhook_receiver.py --secret "$secret" --out "$work/webhooks.jsonl"; webhook_port=$port
start_server smtp_sink.py --dir "$work/mail"; smtp_port=$port
export BILLING_SMTP_URL="smtp://127.0.0.1:$smtp_port" BILLING_SMTP_TLS=none

run="b$(date +%s)"
echo "== $TENANTS tenants (run $run), each with a billing address and a webhook endpoint"
"$PG_BIN/psql" -X -q -d "$BILLING_DATABASE_URL" <<SQL
INSERT INTO billing_accounts (stripe_customer_id, tenant_id, company, billing_email, contacts, last_event_created, last_event_id)
SELECT 'cus_${run}_' || i, 'tenant_${run}_' || i, 'Bench Co ' || i, 'billing-' || i || '@${run}.example',
       jsonb_build_object('billing', jsonb_build_array('billing-' || i || '@${run}.example')), 1, 'evt_bench'
  FROM generate_series(1, $TENANTS) i;
INSERT INTO notification_webhooks (tenant_id, url, secret)
SELECT 'tenant_${run}_' || i, 'http://127.0.0.1:$webhook_port/hooks', '$secret' FROM generate_series(1, $TENANTS) i;
SQL

for channel in $CHANNELS; do
  cat >"$work/notifications-$channel.yaml" <<YAML
$(grep -v -e '^templates:' -e '^channels:' -e '^  default:' -e '^    billing:' -e '^    admin:' -e '^    account_manager:' -e '^  account_manager_outreach:' -e '^    account_manager:' -e '^  #' config/notifications.yaml)
channels:
  default:
    billing: [$channel]
templates: $PWD/config/notifications
YAML
  export BILLING_NOTIFICATIONS_FILE="$work/notifications-$channel.yaml"
  deploy/local/services.sh ctl purge_queue billing.notifications >/dev/null
  python3 - "$COUNT" "$TENANTS" "$run-$channel" >"$work/requests.ndjson" <<'PY'
import json, sys
count, tenants, run = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
templates = ["payment_failed", "payment_retry_scheduled", "service_degraded", "payment_recovered"]
for i in range(count):
    tenant = "tenant_%s_%d" % (run.rsplit("-", 1)[0], i % tenants + 1)
    key = "bench:%s:%d" % (run, i)
    print(json.dumps({"id": "notify:" + key, "type": "notification.requested", "occurred_at": "2026-11-25T10:00:00Z",
                      "tenant_id": tenant, "data": {"key": key, "template": templates[i % len(templates)], "roles": ["billing"],
                      "data": {"case_id": "dc_in_%d" % i, "invoice_id": "in_%d" % i, "amount_due": 20000 + i, "currency": "usd",
                               "invoice_url": "https://invoice.stripe.com/i/in_%d" % i, "days_until_suspension": 27,
                               "next_retry_at": 1795800000}}}))
PY
  echo "== $channel: $COUNT requests"
  $BENCH fill --internal --file "$work/requests.ndjson" --consumer notifications
  $BENCH consume --consumer notifications --count "$COUNT"
  if [ "$channel" = webhook ]; then
    echo "receiver: $(wc -l <"$work/webhooks.jsonl") requests, $(grep -c '"verified": true' "$work/webhooks.jsonl") with a verified signature"
    : >"$work/webhooks.jsonl"
  elif [ "$channel" = email ]; then
    echo "SMTP server: $(ls "$work/mail" | grep -c '\.json$') messages"
  fi
  "$PG_BIN/psql" -X -At -d "$BILLING_DATABASE_URL" -c \
    "SELECT 'outbox: ' || string_agg(status || '=' || n, ' ') FROM (SELECT status, count(*) n FROM notifications WHERE request_key LIKE 'bench:$run-$channel:%' GROUP BY status) s"
done
