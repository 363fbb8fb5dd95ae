# Sourced by the benchmarks after deploy/local/common.sh: builds the release binary ($BIN) and
# takes every setting of config/billing.env.example not already in the environment.
swift build -c release --product billing >&2
BIN=.build/release/billing
while IFS='=' read -r key value; do
  case "$key" in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < config/billing.env.example
export BILLING_LOG_LEVEL=warning
