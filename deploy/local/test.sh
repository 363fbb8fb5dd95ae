#!/usr/bin/env bash
# Runs every test: starts the project's RabbitMQ and PostgreSQL (installing them with apt
# when missing), installs the Python test tools, then `swift test`. Extra arguments go to
# `swift test` (e.g. --filter AMQP).
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname -- "${BASH_SOURCE[0]}")/test-tools.sh"
exec swift test "$@"
