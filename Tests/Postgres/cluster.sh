#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the PostgreSQL test suites: a temporary directory, TLS with
# a certificate from a CA generated for this cluster alone, a role `coffer` with a random
# SCRAM-SHA-256 password that owns the database `coffer`, and a free loopback port.
#
#   Tests/Postgres/cluster.sh start    starts it (or finds it running) and prints the variables
#   Tests/Postgres/cluster.sh env      prints the variables of the running cluster
#   Tests/Postgres/cluster.sh status   exits 0 when it runs, 1 when it does not
#   Tests/Postgres/cluster.sh stop     stops it and removes its directory (safe to repeat)
#
#   eval "$(Tests/Postgres/cluster.sh start)" && swift test
#
# The variables (see docs/RELIABILITY.md, "PostgreSQL test cluster"): COFFER_TEST_POSTGRES_HOST,
# _PORT, _DATABASE, _USER, _PASSWORD_FILE, _CA_FILE for the client; _DATADIR, _BIN, _SOCKET_DIR,
# _LOG_FILE and _OS_USER for tests that drive the server itself (CHECKPOINT, scans of base/,
# `pg_ctl restart -m immediate`): its programs run as _OS_USER, with
# `runuser -u "$COFFER_TEST_POSTGRES_OS_USER" --` in front when that is not the current user.
#
# As root the server runs as the user `postgres` (initdb and postgres refuse root); otherwise as
# the current user. The client's files (password, CA certificate, the variables) are kept in
# .build/test-postgres (mode 0700, COFFER_TEST_POSTGRES_STATE overrides), the server's in a
# directory under /tmp that only the server's user can read. POSTGRES_BIN_DIR picks the server
# programs; by default the newest of /usr/lib/postgresql/*/bin (Debian), else those on PATH.
set -euo pipefail
umask 077

repo=$(cd "$(dirname "$0")/../.." && pwd)
state="${COFFER_TEST_POSTGRES_STATE:-$repo/.build/test-postgres}"
minimum_major=15

say() { echo "cluster.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# The OS user the server runs as, and the prefix that runs a command as that user.
if [ "$(id -u)" -eq 0 ]; then
  os_user=postgres
  id -u "$os_user" >/dev/null 2>&1 || die "the user '$os_user' does not exist (install postgresql)"
  as_os_user=(runuser -u "$os_user" --)
else
  os_user=$(id -un)
  as_os_user=()
fi

# Runs a server program as the server's user, from a directory that user may enter, without
# the lock's descriptor (a server started with it would hold the lock for its whole life).
as_server() { (cd / && "${as_os_user[@]}" "$@") 9>&-; }

find_bin() {
  local candidate
  if [ -n "${POSTGRES_BIN_DIR:-}" ]; then
    echo "$POSTGRES_BIN_DIR"; return
  fi
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$candidate" ] && [ -x "$candidate/postgres" ]; then
    echo "$candidate"; return
  fi
  candidate=$(command -v postgres || true)
  [ -n "$candidate" ] || die "no PostgreSQL server found (install postgresql $minimum_major or later, or set POSTGRES_BIN_DIR)"
  dirname "$candidate"
}

# A loopback port that nothing listens on, below Linux's ephemeral range.
free_port() {
  local port attempt
  for attempt in $(seq 1 50); do
    port=$((15000 + $(od -An -N2 -tu2 /dev/urandom) % 17000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"; return
    fi
  done
  die "no free loopback port found"
}

shell_quote() { printf '%q' "$1"; }

is_running() {
  [ -f "$state/root" ] || return 1
  local root; root=$(cat "$state/root")
  [ -f "$root/data/postmaster.pid" ] || return 1
  as_server "$(cat "$state/bin")/pg_ctl" status -D "$root/data" >/dev/null 2>&1
}

# A CA that exists for this cluster alone (its key is deleted once it signed), and a server
# certificate for localhost and 127.0.0.1.
make_certificates() {
  local tls="$1" ca_dir="$2"
  local scratch; scratch=$(mktemp -d)
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$scratch/ca.key" -out "$ca_dir/ca.crt" -days 30 -subj "/CN=Coffer test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$tls/server.key" -out "$scratch/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$scratch/server.ext"
  openssl x509 -req -in "$scratch/server.csr" -CA "$ca_dir/ca.crt" -CAkey "$scratch/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 30 -extfile "$scratch/server.ext" \
    -out "$tls/server.crt" 2>/dev/null
  rm -rf "$scratch"
}

write_settings() {
  local data="$1" root="$2" port="$3"
  install -m 0600 -o "$os_user" /dev/null "$data/coffer-test.conf"
  cat >"$data/coffer-test.conf" <<EOF
# Written by Tests/Postgres/cluster.sh: the settings Coffer needs (docs/OPERATIONS.md).
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$root/socket'
ssl = on
ssl_cert_file = '$root/tls/server.crt'
ssl_key_file = '$root/tls/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
synchronous_commit = on
fsync = on
full_page_writes = on
EOF
}

write_hba() {
  cat >"$1/pg_hba.conf" <<EOF
# Written by Tests/Postgres/cluster.sh. The superuser only over the Unix socket, as its own OS
# user; the role coffer only over TLS with SCRAM-SHA-256; anything else is refused.
# TYPE    DATABASE     USER     ADDRESS        METHOD
local     all          $os_user                peer
local     replication  $os_user                peer
hostssl   all          coffer   127.0.0.1/32   scram-sha-256
hostnossl all          all      0.0.0.0/0      reject
hostnossl all          all      ::/0           reject
EOF
}

# Starts the server on a free port; retries with another one when the port was taken meanwhile.
start_server() {
  local bin="$1" root="$2" port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    write_settings "$root/data" "$root" "$port"
    if as_server "$bin/pg_ctl" start -D "$root/data" -l "$root/postgres.log" -w -t 60 >/dev/null 2>&1; then
      echo "$port"; return
    fi
    if ! grep -q "could not bind\|Address already in use" "$root/postgres.log" 2>/dev/null; then
      tail -20 "$root/postgres.log" >&2 2>/dev/null || true
      die "PostgreSQL did not start (log above: $root/postgres.log)"
    fi
    say "port $port was taken, trying another"
  done
  die "PostgreSQL did not start after 5 ports"
}

superuser_sql() {
  local bin="$1" root="$2" port="$3"
  as_server "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$root/socket" -p "$port" -U "$os_user" -d postgres -f - >/dev/null
}

print_env() { cat "$state/env"; }

start() {
  if is_running; then
    say "already running ($(cat "$state/root"))"
    print_env; return
  fi
  stop_cluster quietly

  local bin major root port password
  bin=$(find_bin)
  [ -x "$bin/postgres" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || die "no PostgreSQL server programs in $bin"
  major=$("$bin/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
  [ "$major" -ge "$minimum_major" ] || die "PostgreSQL $major in $bin is too old: $minimum_major or later is needed"
  command -v openssl >/dev/null || die "openssl is not installed"

  # A start that fails half-way leaves nothing behind.
  trap 'stop_cluster quietly' EXIT
  mkdir -p "$state"; chmod 0700 "$state"
  root=$(mktemp -d /tmp/coffer-test-postgres.XXXXXX)
  echo "$root" >"$state/root"
  echo "$bin" >"$state/bin"
  mkdir -m 0700 "$root/tls" "$root/socket"
  make_certificates "$root/tls" "$state"
  chown -R "$os_user" "$root"
  chmod 0600 "$root/tls/server.key"

  as_server "$bin/initdb" -D "$root/data" -U "$os_user" --auth-host=scram-sha-256 --auth-local=peer \
    -E UTF8 --locale=C --no-instructions >"$root/initdb.log" 2>&1 \
    || { tail -20 "$root/initdb.log" >&2; die "initdb failed"; }
  echo "include 'coffer-test.conf'" >>"$root/data/postgresql.conf"
  write_hba "$root/data"
  port=$(start_server "$bin" "$root")

  # The password goes through a pipe, never an argument; a failing statement is not logged.
  password=$(openssl rand -hex 24)
  printf '%s\n' "$password" >"$state/password"
  printf '%s\n' "SET log_min_error_statement = panic;" \
    "CREATE ROLE coffer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '$password';" \
    "CREATE DATABASE coffer OWNER coffer;" \
    "REVOKE CONNECT, TEMPORARY ON DATABASE coffer FROM PUBLIC;" \
    "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;" \
    | superuser_sql "$bin" "$root" "$port" || die "creating the role and database failed"
  unset password

  {
    echo "export COFFER_TEST_POSTGRES_HOST=127.0.0.1"
    echo "export COFFER_TEST_POSTGRES_PORT=$port"
    echo "export COFFER_TEST_POSTGRES_DATABASE=coffer"
    echo "export COFFER_TEST_POSTGRES_USER=coffer"
    echo "export COFFER_TEST_POSTGRES_PASSWORD_FILE=$(shell_quote "$state/password")"
    echo "export COFFER_TEST_POSTGRES_CA_FILE=$(shell_quote "$state/ca.crt")"
    echo "export COFFER_TEST_POSTGRES_DATADIR=$(shell_quote "$root/data")"
    echo "export COFFER_TEST_POSTGRES_BIN=$(shell_quote "$bin")"
    echo "export COFFER_TEST_POSTGRES_SOCKET_DIR=$(shell_quote "$root/socket")"
    echo "export COFFER_TEST_POSTGRES_LOG_FILE=$(shell_quote "$root/postgres.log")"
    echo "export COFFER_TEST_POSTGRES_OS_USER=$(shell_quote "$os_user")"
  } >"$state/env"
  trap - EXIT
  say "PostgreSQL $("$bin/postgres" --version | sed -E 's/^[^0-9]*//') on 127.0.0.1:$port (TLS, SCRAM-SHA-256), data in $root/data"
  print_env
}

# Stops the server (fast, then immediate, then SIGKILL) and removes both directories.
stop_cluster() {
  local quiet="${1:-}"
  if [ ! -f "$state/root" ]; then
    [ -n "$quiet" ] || say "not running"
    rm -rf "$state"
    return
  fi
  local root bin pid
  root=$(cat "$state/root")
  bin=$(cat "$state/bin" 2>/dev/null || true)
  case "$root" in
    /tmp/coffer-test-postgres.??????) ;;
    *) die "refusing to remove '$root' named in $state/root" ;;
  esac
  if [ -f "$root/data/postmaster.pid" ]; then
    pid=$(head -1 "$root/data/postmaster.pid")
    as_server "$bin/pg_ctl" stop -D "$root/data" -m fast -w -t 30 >/dev/null 2>&1 \
      || as_server "$bin/pg_ctl" stop -D "$root/data" -m immediate -w -t 30 >/dev/null 2>&1 \
      || true
    if kill -0 "$pid" 2>/dev/null && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$root" "$state"
  [ -n "$quiet" ] || say "stopped"
}

main() {
  mkdir -p "$(dirname "$state")"
  # One command at a time per state directory.
  exec 9>"$state.lock"
  flock -w 120 9 || die "another cluster.sh holds $state.lock"
  case "${1:-}" in
    start) start ;;
    stop) stop_cluster ;;
    env) is_running || die "no cluster is running: run $0 start"; print_env ;;
    status) is_running ;;
    *) echo "usage: $0 start|env|status|stop" >&2; exit 2 ;;
  esac
}

main "$@"
