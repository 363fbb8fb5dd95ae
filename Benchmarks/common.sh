# Sourced by the benchmarks after deploy/local/common.sh: builds the release binaries ($BIN, the
# shipped `billing`, and $BENCH, the benchmark drivers of `billing-bench`) and takes every
# setting of config/billing.env.example not already in the environment.
# BIN and BENCH already set measure another build instead (e.g. an earlier commit's, to
# compare): BENCH may be a command with arguments, such as "OLD/billing bench".
if [ -n "${BIN:-}" ] && [ -z "${BENCH:-}" ]; then
  echo "BIN is set but BENCH is not: set both to measure another build" >&2; exit 64
fi
if [ -z "${BIN:-}" ]; then
  swift build -c release --product billing >&2
  swift build -c release --product billing-bench >&2
  BIN=.build/release/billing
  BENCH=.build/release/billing-bench
fi
while IFS='=' read -r key value; do
  case "$key" in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < config/billing.env.example
export BILLING_LOG_LEVEL=warning
