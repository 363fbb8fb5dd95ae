# Sourced by run.sh and test.sh: puts Swift on PATH and the local services' URLs in the
# environment, starting (and if need be installing) RabbitMQ and PostgreSQL first.

REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$REPO_ROOT"

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { echo "swift not found: install Swift 6.x (https://swift.org/install)" >&2; exit 1; }

deploy/local/services.sh up >/dev/null
eval "$(deploy/local/services.sh env)"
