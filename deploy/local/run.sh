#!/usr/bin/env bash
# Starts the whole system on this machine: RabbitMQ and PostgreSQL (installed with apt when
# missing), a release build, migrations, the broker topology, then `billing serve` (intake,
# consumers and scheduler in one process). Ctrl-C (SIGINT) or SIGTERM stops it gracefully.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

# Development settings for whatever the environment does not set already.
while IFS='=' read -r key value; do
  case "$key" in ''|\#*) continue ;; esac
  [ -n "${!key:-}" ] || export "$key=$value"
done < config/billing.env.example

swift build -c release --product billing
exec .build/release/billing serve --migrate --declare-topology
