#!/usr/bin/env bash
# Runs every test: starts the project's RabbitMQ and PostgreSQL (installing them with apt
# when missing), installs the Python test tools, then `swift test`, then the fault suite
# (Tests/fault: the real binary under kill -9, broker and database outages, a frozen broker, a
# memory alarm, malformed requests, SIGTERM). Extra arguments go to `swift test` alone (e.g.
# --filter AMQP) and skip the fault suite; FAULTS_ONLY=1 runs the fault suite alone, and
# FAULTS=name[,name] only those scenarios.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/test-tools.sh"
if [[ $# -gt 0 ]]; then
  exec swift test "$@"
fi
if [[ ${FAULTS_ONLY:-0} != 1 ]]; then
  swift test
fi
swift build --product billing
BILLING_BIN="$(swift build --show-bin-path)/billing" python3 Tests/fault/fault_suite.py --runtime-repeats "${FAULT_RUNTIME_REPEATS:-3}" \
  ${FAULTS:+--only "$FAULTS"}
