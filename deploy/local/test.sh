#!/usr/bin/env bash
# Runs every test: starts the project's RabbitMQ and PostgreSQL (installing them with apt
# when missing), then `swift test`. Extra arguments go to `swift test` (e.g. --filter AMQP).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
exec swift test "$@"
