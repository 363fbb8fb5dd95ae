#!/usr/bin/env bash
# Project-local RabbitMQ and PostgreSQL for development and CI (Debian 12).
#
# Usage: deploy/local/services.sh up | down [--purge] | status | env | ctl ARGS... | psql ARGS...
#
#   up        install missing apt packages, start both servers, wait until they
#             accept connections, print `export BILLING_*_URL=...` lines (stdout)
#   down      stop both servers and the project epmd (data is kept);
#             --purge also deletes all data
#   status    report each server; exit 0 if both are up, 3 otherwise
#   env       print the `export BILLING_*_URL=...` lines, for
#             eval "$(deploy/local/services.sh env)"
#   ctl ...   rabbitmqctl -n billing@localhost ... against the project broker
#   psql ...  psql as user billing on database billing of the project cluster
#   postgres stop|start|restart|freeze|thaw   stop, start, or SIGSTOP/SIGCONT PostgreSQL alone (fault tests);
#             stop is `pg_ctl stop -m fast`
#   rabbitmq-pid  print the broker's OS process id (fault tests: kill -STOP, kill -9)
#
# Everything (data, logs, pid files, Erlang cookie) lives in the git-ignored
# <repo>/.local/services/. The system clusters (/var/lib/rabbitmq,
# /var/lib/postgresql) and the system epmd (port 4369) are never used, so this
# can run next to them. Progress goes to stderr; stdout carries only output
# meant for callers.
#
# Environment overrides:
#   BILLING_RABBITMQ_PORT  AMQP port           (default 5682)
#   BILLING_POSTGRES_PORT  PostgreSQL port     (default 5442)
#   BILLING_EPMD_PORT      project epmd port   (default 4379)
set -euo pipefail

# --- Settings ----------------------------------------------------------------

# Resolve the checkout from this file's location so any cwd works.
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/../.." && pwd -P)
STATE_DIR="$REPO_ROOT/.local/services"
# Fallback location for PostgreSQL files when the postgres user cannot reach
# the checkout (see choose_pg_base). Derived from the repo path so that
# several checkouts do not share it.
REPO_HASH=$(printf '%s' "$REPO_ROOT" | sha256sum | cut -c1-12)
TMP_BASE="/tmp/billing-services-$REPO_HASH"

RABBIT_PORT=${BILLING_RABBITMQ_PORT:-5682}
# AMQP over TLS (amqps://), with a certificate from a CA made for this checkout.
RABBIT_TLS_PORT=$((RABBIT_PORT - 1))
# Erlang distribution port: RabbitMQ's usual convention is AMQP port + 20000.
RABBIT_DIST_PORT=$((RABBIT_PORT + 20000))
EPMD_PORT=${BILLING_EPMD_PORT:-4379}
PG_PORT=${BILLING_POSTGRES_PORT:-5442}
RABBIT_NODE="billing@localhost"

RMQ_DIR="$STATE_DIR/rabbitmq"
RMQ_HOME="$RMQ_DIR/home"          # holds .erlang.cookie for server and CLI
RMQ_MNESIA="$RMQ_DIR/mnesia"
RMQ_LOG_DIR="$RMQ_DIR/log"
RMQ_PID_FILE="$RMQ_DIR/rabbitmq.pid"
RMQ_CONSOLE_LOG="$RMQ_LOG_DIR/console.log"   # stdout/stderr of the server
RMQ_NODE_LOG="$RMQ_LOG_DIR/$RABBIT_NODE.log" # RabbitMQ's own log file
RMQ_TLS_DIR="$RMQ_DIR/tls"                   # ca.pem, server.pem, server.key

PG_SUPERUSER="postgres"
READY_TIMEOUT=60
REQUIRED_PACKAGES=(rabbitmq-server postgresql librabbitmq-dev libcurl4-openssl-dev libssl-dev openssl iproute2)

AMQP_URL="amqp://guest:guest@127.0.0.1:$RABBIT_PORT/%2f"
# "localhost" because the certificate names it; verified against the local CA.
AMQPS_URL="amqps://guest:guest@localhost:$RABBIT_TLS_PORT/%2f?cacertfile=$RMQ_TLS_DIR/ca.pem&verify=verify_peer"
DATABASE_URL="postgres://billing:billing@127.0.0.1:$PG_PORT/billing"

# Variables inherited from the caller (e.g. a CI image that sets
# RABBITMQ_NODENAME) must not leak into our node.
unset "${!RABBITMQ_@}" "${!ERL_EPMD_@}" 2>/dev/null || true

# Environment for every rabbitmq/erlang command. ERL_EPMD_PORT matters for
# *every* call, even `rabbitmqctl help`: erl starts an epmd on 4369 otherwise.
RMQ_ENV=(
  HOME="$RMQ_HOME"
  ERL_EPMD_PORT="$EPMD_PORT"
  ERL_EPMD_ADDRESS=127.0.0.1
  ERL_CRASH_DUMP="$RMQ_LOG_DIR/erl_crash.dump"
  RABBITMQ_NODENAME="$RABBIT_NODE"
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  RABBITMQ_NODE_PORT="$RABBIT_PORT"
  RABBITMQ_DIST_PORT="$RABBIT_DIST_PORT"
  RABBITMQ_MNESIA_BASE="$RMQ_MNESIA"
  RABBITMQ_LOG_BASE="$RMQ_LOG_DIR"
  RABBITMQ_PID_FILE="$RMQ_PID_FILE"
  RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
  RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
  RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
  # Keep /etc/rabbitmq/rabbitmq-env.conf out of the picture.
  RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
  # Erlang distribution listeners (server and CLI) on loopback only.
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
)

# --- Helpers -----------------------------------------------------------------

log() { printf '[services] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
is_root() { [[ $EUID -eq 0 ]]; }

# True if something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Print the last lines of each given log file (to stderr), for failure reports.
show_logs() {
  local f
  for f in "$@"; do
    [[ -s $f ]] || continue
    log "last 30 lines of $f:"
    tail -n 30 "$f" >&2
  done
}

print_env() {
  printf 'export BILLING_AMQP_URL=%s\n' "$AMQP_URL"
  printf 'export BILLING_DATABASE_URL=%s\n' "$DATABASE_URL"
  # Only the tests use TLS here; production points BILLING_AMQP_URL at its amqps:// broker.
  printf "export BILLING_TEST_AMQPS_URL='%s'\n" "$AMQPS_URL"
}

# True if /proc/$1 is a live (non-zombie) process whose environment or
# command line contains $2. Plain `kill -0` is not enough: pid files survive
# reboots (pids get reused), and in containers whose init does not reap,
# a killed daemon lingers as a zombie that `kill -0` still reports as alive.
# Zombies have an empty environ/cmdline, so they never match.
process_matches() {
  local pid=$1 needle=$2 text
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  text=$({ tr '\0' '\n' <"/proc/$pid/environ"; tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null) || true
  [[ $text == *"$needle"* ]]
}

# --- Packages ----------------------------------------------------------------

package_installed() {
  [[ $(dpkg -s "$1" 2>/dev/null) == *"Status: install ok installed"* ]]
}

ensure_packages() {
  local pkg missing=() sudo=()
  for pkg in "${REQUIRED_PACKAGES[@]}"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  if ! is_root; then
    command -v sudo >/dev/null || die "missing packages (${missing[*]}) and no sudo to install them"
    sudo=(sudo)
  fi
  log "installing ${missing[*]} with apt"
  # apt output goes to stderr: stdout must stay clean for eval "$(... up)".
  # The packages' postinst may start the *system* rabbitmq/postgres; we ignore
  # those and run our own instances on other ports.
  "${sudo[@]}" apt-get update >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}" </dev/null >&2
}

# --- RabbitMQ ----------------------------------------------------------------

rmq() { env "${RMQ_ENV[@]}" "$@"; }
rmqctl() { rmq /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBIT_NODE" "$@"; }

epmd_running() { rmq epmd -names >/dev/null 2>&1; }

start_epmd() {
  epmd_running && return 0
  log "starting epmd on 127.0.0.1:$EPMD_PORT"
  # 9>&-: daemons must not inherit our lock fd (see take_lock).
  rmq epmd -daemon </dev/null >/dev/null 2>&1 9>&-
  local _
  for _ in {1..50}; do epmd_running && return 0; sleep 0.1; done
  die "epmd did not start on port $EPMD_PORT"
}

stop_epmd() {
  epmd_running || return 0
  log "stopping epmd on port $EPMD_PORT"
  rmq epmd -kill >/dev/null 2>&1 || log "warning: could not stop epmd on port $EPMD_PORT"
}

# Cheap check first (is the node registered with our epmd?) so that status
# and down never run the CLI needlessly; then a real ping to be sure it is
# our node (same cookie) and not, say, another checkout's.
rabbit_node_up() {
  local names
  names=$(rmq epmd -names 2>/dev/null) || return 1
  [[ $names == *"name ${RABBIT_NODE%@*} at port"* ]] || return 1
  rmqctl -q ping >/dev/null 2>&1
}

# Pid of our beam process (from the pid file), if it is still alive.
rabbit_server_pid() {
  local pid
  pid=$(cat "$RMQ_PID_FILE" 2>/dev/null) || return 1
  process_matches "$pid" "RABBITMQ_MNESIA_BASE=$RMQ_MNESIA" && echo "$pid"
}

write_rabbit_files() {
  mkdir -p "$RMQ_HOME" "$RMQ_MNESIA" "$RMQ_LOG_DIR"
  # Server and CLI authenticate with this cookie; Erlang insists on 600/400.
  if [[ ! -s $RMQ_HOME/.erlang.cookie ]]; then
    (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F >"$RMQ_HOME/.erlang.cookie")
  fi
  chmod 600 "$RMQ_HOME/.erlang.cookie"

  write_tls_files

  # Regenerated every time so that port overrides take effect.
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# Generated by deploy/local/services.sh; edits are overwritten.
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
listeners.ssl.default = 127.0.0.1:$RABBIT_TLS_PORT
ssl_options.cacertfile = $RMQ_TLS_DIR/ca.pem
ssl_options.certfile = $RMQ_TLS_DIR/server.pem
ssl_options.keyfile = $RMQ_TLS_DIR/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
# guest/guest is allowed, but only over loopback.
loopback_users.guest = true
# Dev machines and CI runners are often low on disk; don't block publishers.
disk_free_limit.absolute = 50MB
EOF
  # No plugins: no management UI, no extra listening ports.
  echo '[].' >"$RMQ_DIR/enabled_plugins"
  echo '# Intentionally empty: isolates us from /etc/rabbitmq/rabbitmq-env.conf' >"$RMQ_DIR/rabbitmq-env.conf"
}

# A throw-away CA and a server certificate for "localhost", made once per checkout, so the
# amqps:// path is tested against a real TLS listener.
write_tls_files() {
  [[ -s $RMQ_TLS_DIR/server.pem && -s $RMQ_TLS_DIR/ca.pem ]] && return 0
  mkdir -p "$RMQ_TLS_DIR"
  (
    cd "$RMQ_TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=billing local CA" \
      -keyout ca.key -out ca.pem >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile server.ext -out server.pem >/dev/null 2>&1
    chmod 644 ca.pem server.pem server.key
  ) || die "could not create the TLS certificates in $RMQ_TLS_DIR (is openssl installed?)"
}

# Waits until the app has booted and the AMQP port accepts connections.
# $1: pid of a server we just started (to fail fast if it dies), or empty.
wait_rabbit_ready() {
  local pid=${1:-} deadline=$((SECONDS + READY_TIMEOUT)) left
  while :; do
    left=$((deadline - SECONDS))
    if ((left > 0)) && rmqctl -q await_startup --timeout "$left" >/dev/null 2>&1 && port_open "$RABBIT_PORT"; then
      return 0
    fi
    if [[ -n $pid ]] && ! process_matches "$pid" "RABBITMQ_MNESIA_BASE=$RMQ_MNESIA"; then
      log "error: RabbitMQ exited during startup"
      show_logs "$RMQ_CONSOLE_LOG" "$RMQ_NODE_LOG"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "error: RabbitMQ did not become ready on 127.0.0.1:$RABBIT_PORT within ${READY_TIMEOUT}s"
      show_logs "$RMQ_CONSOLE_LOG" "$RMQ_NODE_LOG"
      log "(it may still be starting; '$0 down' stops it)"
      return 1
    fi
    sleep 1
  done
}

rabbit_up() {
  write_rabbit_files
  start_epmd

  if rabbit_node_up; then
    # The node can be up with the app stopped (`ctl stop_app`); bring it back.
    if port_open "$RABBIT_PORT"; then
      log "RabbitMQ is already running"
    elif [[ $(rmqctl -q eval 'rabbit:is_running().' 2>/dev/null) == true ]]; then
      die "RabbitMQ is running but not listening on $RABBIT_PORT (started with another BILLING_RABBITMQ_PORT?); run '$0 down' first"
    else
      log "RabbitMQ node is up but the app is stopped; starting it"
      rmqctl -q start_app >&2 || true
    fi
    wait_rabbit_ready "" || exit 1
    return
  fi

  local pid
  if pid=$(rabbit_server_pid); then
    # Process exists but does not answer yet: it is still booting.
    log "RabbitMQ (pid $pid) is starting; waiting"
    wait_rabbit_ready "$pid" || exit 1
    return
  fi

  if port_open "$RABBIT_PORT"; then
    die "port $RABBIT_PORT is used by another process (another checkout?); set BILLING_RABBITMQ_PORT"
  fi
  rm -f "$RMQ_PID_FILE" # stale (e.g. after a reboot or kill -9)

  log "starting RabbitMQ $RABBIT_NODE on 127.0.0.1:$RABBIT_PORT (log: $RMQ_CONSOLE_LOG)"
  # The /usr/sbin wrapper would switch to the rabbitmq user and its dirs, so
  # run the real script. setsid+nohup detach it from our session and stdout,
  # so that $(services.sh up) returns.
  printf '\n=== %s starting ===\n' "$(date -Is)" >>"$RMQ_CONSOLE_LOG"
  (cd "$RMQ_DIR" && exec setsid nohup env "${RMQ_ENV[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server \
    </dev/null >>"$RMQ_CONSOLE_LOG" 2>&1 9>&-) &
  wait_rabbit_ready "$!" || exit 1
}

rabbit_down() {
  local pid=""
  pid=$(rabbit_server_pid) || pid=""
  if rabbit_node_up; then
    log "stopping RabbitMQ"
    # With the pid file, `stop` also waits for the OS process to exit.
    if [[ -n $pid ]]; then
      rmqctl -q stop "$RMQ_PID_FILE" >&2 || log "warning: rabbitmqctl stop failed"
    else
      rmqctl -q stop >&2 || log "warning: rabbitmqctl stop failed"
    fi
  elif [[ -n $pid ]]; then
    # Alive but not answering (hung or half-booted): terminate it.
    log "RabbitMQ (pid $pid) does not answer; sending SIGTERM"
    kill "$pid" 2>/dev/null || true
    local _
    for _ in {1..30}; do process_matches "$pid" "RABBITMQ_MNESIA_BASE=$RMQ_MNESIA" || break; sleep 1; done
    if process_matches "$pid" "RABBITMQ_MNESIA_BASE=$RMQ_MNESIA"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$RMQ_PID_FILE"
  stop_epmd
}

# "running", "app stopped" or "stopped"
rabbit_state() {
  if rabbit_node_up; then
    if port_open "$RABBIT_PORT"; then echo running; else echo "app stopped"; fi
  else
    echo stopped
  fi
}

# --- PostgreSQL --------------------------------------------------------------

PG_BIN="" PG_BASE="" PGDATA="" PG_SOCKET_DIR="" PG_LOG=""

# Run a command as the OS user that owns the cluster. PostgreSQL refuses to
# run as root, so as root that is the `postgres` system user. cd / because
# the postgres user may not be allowed into the caller's cwd.
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Debian keeps each major version under /usr/lib/postgresql/<ver>/bin. Use the
# version the cluster was created with if there is one, else the highest.
find_pg_bin() {
  local ver
  if [[ -f $PGDATA/PG_VERSION ]]; then
    ver=$(<"$PGDATA/PG_VERSION")
    [[ -x /usr/lib/postgresql/$ver/bin/postgres ]] ||
      die "cluster $PGDATA was created by PostgreSQL $ver, which is not installed (or run '$0 down --purge')"
  else
    ver=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/postgres' 2>/dev/null |
      awk -F/ '{print $5}' | sort -V | tail -n 1)
    [[ -n $ver ]] || die "no PostgreSQL server found under /usr/lib/postgresql"
  fi
  PG_BIN="/usr/lib/postgresql/$ver/bin"
}

# First directory on the way to $1 that the postgres user cannot enter.
first_blocked_dir() {
  local dir="" part
  local -a parts
  IFS=/ read -ra parts <<<"${1#/}"
  for part in "${parts[@]}"; do
    dir="$dir/$part"
    runuser -u postgres -- test -x "$dir" 2>/dev/null || { echo "$dir"; return; }
  done
}

# Decide where the PostgreSQL files go. Normally <repo>/.local/services/postgres;
# but as root the server runs as `postgres`, which must be able to traverse
# every parent directory. A checkout under /root (mode 700) is not, so then
# use a private dir under /tmp instead.
choose_pg_base() {
  PG_BASE="$STATE_DIR/postgres"
  if is_root && [[ -d $STATE_DIR ]]; then
    local blocked
    blocked=$(first_blocked_dir "$STATE_DIR")
    if [[ -n $blocked ]]; then
      PG_BASE="$TMP_BASE/postgres"
      [[ ${1:-} == quiet ]] ||
        log "note: user postgres cannot enter $blocked, so PostgreSQL data lives in $PG_BASE (lost on reboot if /tmp is cleared)"
    fi
  fi
  PGDATA="$PG_BASE/data"
  PG_LOG="$PG_BASE/log/postgres.log"
  PG_SOCKET_DIR="$PG_BASE/run"
  # Unix socket paths are limited to ~107 bytes.
  if ((${#PG_SOCKET_DIR} > 90)); then PG_SOCKET_DIR="$TMP_BASE/pg-run"; fi
}

make_pg_dirs() {
  local d
  if [[ $PG_BASE == "$TMP_BASE"/* || $PG_SOCKET_DIR == "$TMP_BASE"/* ]]; then
    # /tmp is shared: refuse a pre-existing dir that someone else created.
    if [[ -e $TMP_BASE && ! -O $TMP_BASE ]]; then
      die "$TMP_BASE exists but is not owned by $(id -un)"
    fi
    mkdir -p "$TMP_BASE"
    chmod 755 "$TMP_BASE"
  fi
  for d in "$PG_BASE" "$PG_BASE/log" "$PG_SOCKET_DIR"; do
    mkdir -p "$d"
    if is_root; then chown postgres:postgres "$d"; fi
  done
  chmod 700 "$PG_SOCKET_DIR"
}

# -U: without it pg_isready logs in as the OS user (root), which makes the
# server log 'role "root" does not exist' on every probe.
pg_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres &&
    "$PG_BIN/pg_isready" -q -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres # proves it is ours
}

# Pid of our postmaster, if alive (postmaster.pid line 1).
pg_server_pid() {
  local pid
  pid=$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null) || return 1
  process_matches "$pid" "$PGDATA" && echo "$pid"
}

init_pg_cluster() {
  [[ -f $PGDATA/PG_VERSION ]] && return 0
  log "creating PostgreSQL cluster in $PGDATA"
  # The superuser is only reachable over the Unix socket (trust, and the
  # socket dir is private); TCP logins need a password (scram), so the
  # password in BILLING_DATABASE_URL is really checked. initdb insists on a
  # superuser password when host auth uses one, so set a random, unused one.
  local pwfile="$PG_BASE/.initdb-pw"
  (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$pwfile")
  if is_root; then chown postgres:postgres "$pwfile"; fi
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_SUPERUSER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_BASE/log/initdb.log" 2>&1 ||
    { rm -f "$pwfile"; show_logs "$PG_BASE/log/initdb.log"; die "initdb failed"; }
  rm -f "$pwfile"
}

start_pg() {
  if [[ -f $PGDATA/postmaster.pid ]] && ! pg_server_pid >/dev/null; then
    # Left over from a reboot or kill -9. PostgreSQL itself would refuse to
    # start if the recorded pid now belongs to another (or zombie) process.
    log "removing stale $PGDATA/postmaster.pid"
    rm -f "$PGDATA/postmaster.pid"
  fi
  if port_open "$PG_PORT"; then
    die "port $PG_PORT is used by another process (another checkout?); set BILLING_POSTGRES_PORT"
  fi
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $PG_LOG)"
  # TLS with the same throw-away CA as the broker (sslmode=verify-full is tested against it);
  # PostgreSQL wants its key readable by its own user only.
  write_tls_files
  local tls_dir="$PG_BASE/tls"
  mkdir -p "$tls_dir"
  cp "$RMQ_TLS_DIR/server.pem" "$tls_dir/server.pem"
  cp "$RMQ_TLS_DIR/server.key" "$tls_dir/server.key"
  chmod 600 "$tls_dir/server.key"
  if is_root; then chown -R postgres "$tls_dir"; fi
  # Settings go on the command line (not postgresql.conf) so that a changed
  # BILLING_POSTGRES_PORT takes effect on the next start.
  as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA" -l "$PG_LOG" -w -t "$READY_TIMEOUT" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories='$PG_SOCKET_DIR' -c fsync=on -c ssl=on -c ssl_cert_file='$tls_dir/server.pem' -c ssl_key_file='$tls_dir/server.key'" \
    >&2 9>&- || true # readiness is judged below, with the log on failure
}

wait_pg_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until pg_ready; do
    if ! pg_server_pid >/dev/null; then
      log "error: PostgreSQL exited during startup"
      show_logs "$PG_LOG"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "error: PostgreSQL did not become ready on 127.0.0.1:$PG_PORT within ${READY_TIMEOUT}s"
      show_logs "$PG_LOG"
      return 1
    fi
    sleep 1
  done
}

# Role and database for the app; safe to run on every `up`.
ensure_pg_role_and_db() {
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" \
    -U "$PG_SUPERUSER" -d postgres >/dev/null <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'billing') THEN
    CREATE ROLE billing LOGIN CREATEDB PASSWORD 'billing';
  ELSE
    ALTER ROLE billing LOGIN CREATEDB PASSWORD 'billing';
  END IF;
END
$$;
SELECT 'CREATE DATABASE billing OWNER billing'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'billing')\gexec
SQL
  # The URL we hand out must really work (TCP + password).
  "$PG_BIN/psql" -X -q -d "$DATABASE_URL" -c 'select 1' >/dev/null ||
    die "cannot log in with $DATABASE_URL"
}

pg_up() {
  choose_pg_base
  make_pg_dirs
  find_pg_bin
  init_pg_cluster
  if pg_ready; then
    log "PostgreSQL is already running"
  else
    if pg_server_pid >/dev/null; then
      # Line 4 of postmaster.pid is the port the server was started with.
      if [[ $(sed -n 4p "$PGDATA/postmaster.pid") != "$PG_PORT" ]]; then
        die "PostgreSQL is running on another port (started with another BILLING_POSTGRES_PORT?); run '$0 down' first"
      fi
      log "PostgreSQL is starting; waiting"
    else
      start_pg
    fi
    wait_pg_ready || exit 1
  fi
  ensure_pg_role_and_db
}

pg_down() {
  choose_pg_base quiet
  [[ -f $PGDATA/PG_VERSION ]] || return 0
  find_pg_bin
  pg_server_pid >/dev/null || { rm -f "$PGDATA/postmaster.pid"; return 0; }
  log "stopping PostgreSQL"
  as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m fast -w -t "$READY_TIMEOUT" >&2 ||
    as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA" -m immediate -w >&2
}

pg_state() {
  choose_pg_base quiet
  [[ -f $PGDATA/PG_VERSION ]] || { echo stopped; return; }
  find_pg_bin
  if pg_ready; then echo running; else echo stopped; fi
}

# --- Commands ----------------------------------------------------------------

# Serialize up/down: two concurrent `up`s (parallel CI steps, several
# terminals) would otherwise both try to start the servers. The lock lives as
# long as fd 9 is open, so servers are started with 9>&- (else they would
# hold it forever).
take_lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w 180 9 || die "another '$0 up/down' is still running (lock $STATE_DIR/.lock)"
}

cmd_up() {
  local started=$SECONDS
  take_lock
  ensure_packages
  # As root, PostgreSQL runs as `postgres` and must traverse our folders.
  if is_root; then chmod go+x "$REPO_ROOT/.local" "$STATE_DIR"; fi
  rabbit_up
  pg_up
  log "RabbitMQ and PostgreSQL are ready ($((SECONDS - started))s)"
  print_env
}

cmd_down() {
  local purge=false
  case "${1:-}" in
    "") ;;
    --purge) purge=true ;;
    *) die "usage: $0 down [--purge]" ;;
  esac
  take_lock
  rabbit_down
  pg_down
  if $purge; then
    local d
    for d in "$STATE_DIR" "$TMP_BASE"; do
      [[ -e $d ]] || continue
      log "removing $d"
      rm -rf "$d"
    done
  fi
}

cmd_status() {
  local r p
  choose_pg_base quiet
  r=$(rabbit_state)
  p=$(pg_state)
  echo "rabbitmq:   $r (node $RABBIT_NODE, amqp 127.0.0.1:$RABBIT_PORT, epmd $EPMD_PORT)"
  echo "postgresql: $p (127.0.0.1:$PG_PORT, data $PGDATA)"
  [[ $r == running && $p == running ]] || exit 3
}

cmd_env() {
  # Cheap port probes only; warn (stderr) but still print, so that eval works.
  port_open "$RABBIT_PORT" || log "warning: RabbitMQ is not listening on $RABBIT_PORT (run '$0 up')"
  port_open "$PG_PORT" || log "warning: PostgreSQL is not listening on $PG_PORT (run '$0 up')"
  print_env
}

cmd_postgres() {
  take_lock
  case "${1:-}" in
    stop) pg_down ;;
    start) pg_up ;;
    restart) pg_down && pg_up ;;  # pg_ctl stop -m fast, then start with our settings
    freeze) pg_signal STOP ;;      # every server process stopped: connections stay open, nothing answers
    thaw) pg_signal CONT ;;
    *) die "usage: $0 postgres stop|start|restart|freeze|thaw" ;;
  esac
}

# Sends SIGSTOP or SIGCONT to the postmaster and every process it started (fault tests).
pg_signal() {
  choose_pg_base quiet
  [[ -s $PGDATA/postmaster.pid ]] || die "no postmaster.pid in $PGDATA: is PostgreSQL running?"
  local main children
  main=$(head -n 1 "$PGDATA/postmaster.pid")
  children=$(pgrep -P "$main" || true)
  if [[ $1 == STOP ]]; then
    kill -STOP $children "$main"
  else
    kill -CONT "$main" $children
  fi
}

cmd_rabbitmq_pid() {
  [[ -s $RMQ_PID_FILE ]] || die "no broker pid file ($RMQ_PID_FILE): is it running?"
  cat "$RMQ_PID_FILE"
}

cmd_psql() {
  choose_pg_base quiet
  find_pg_bin
  exec "$PG_BIN/psql" -d "$DATABASE_URL" "$@"
}

usage() {
  echo "usage: $0 up | down [--purge] | status | env | ctl ARGS... | psql ARGS... | postgres stop|start|restart|freeze|thaw | rabbitmq-pid" >&2
  exit 2
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd=$1
  shift
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    ctl) rmqctl "$@" ;;
    psql) cmd_psql "$@" ;;
    postgres) cmd_postgres "$@" ;;
    rabbitmq-pid) cmd_rabbitmq_pid ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
