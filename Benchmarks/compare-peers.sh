#!/usr/bin/env bash
# Coffer against two peers on the same workload, over TLS on loopback, in one run on this
# machine (issue 6, item 3). Each system is driven by its own standard load tool:
#
#   Coffer                      coffer bench net          every field AES-GCM encrypted, every OK durable
#   PostgreSQL 15 + pgcrypto    pgbench, custom scripts   pgp_sym_encrypt/decrypt, synchronous_commit=on, ssl=on
#   Redis 7                     redis-benchmark --tls     appendonly yes, appendfsync always, no encryption at rest
#
# Workloads, the same shape for all three: a directory of SUBJECTS subjects with a phone, an
# e-mail and an address (values 20 to 120 bytes; redis-benchmark only does fixed sizes, so
# Redis gets the 70-byte mean), then
#   write   durable update of one field of a random subject
#   read    read of one field of a random subject
# with CLIENTS connections. Coffer and Redis run with PIPELINE requests in flight per
# connection; pgbench has no pipelining of separate transactions (its \startpipeline would put
# the statements into one transaction and one commit), so PostgreSQL runs one request per
# connection, and Coffer is also measured that way for a like-for-like ratio.
#
# Missing packages are installed with apt-get. Every server listens on 127.0.0.1 on a free
# port, keeps its data in a temporary directory, and is stopped and removed on exit.
# Not part of CI: it takes several minutes and needs root for apt-get (and runs PostgreSQL
# as the `postgres` user when started as root).
#
# Usage: Benchmarks/compare-peers.sh            (from anywhere; builds coffer in release mode)
# Environment (all optional):
#   CLIENTS=16 PIPELINE=32 SUBJECTS=100000      workload shape
#   REQUESTS=200000                             requests per Coffer phase
#   REDIS_REQUESTS=1000000                      requests per Redis phase (Redis is much faster:
#                                               fewer would measure little more than start-up)
#   PG_SECONDS=20                               seconds per pgbench phase
#   COFFER_BIN=/path/to/coffer                  use this binary instead of building one
#   SCRATCH_PATH=.build                         swift build --scratch-path for the release build
set -euo pipefail

CLIENTS=${CLIENTS:-16}
PIPELINE=${PIPELINE:-32}
SUBJECTS=${SUBJECTS:-100000}
REQUESTS=${REQUESTS:-200000}
REDIS_REQUESTS=${REDIS_REQUESTS:-1000000}
PG_SECONDS=${PG_SECONDS:-20}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[compare-peers] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---------------------------------------------------------------- packages
need_packages=()
for package in postgresql-15 postgresql-contrib redis-server redis-tools openssl jq; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || need_packages+=("$package")
done
if ((${#need_packages[@]})); then
    log "installing ${need_packages[*]}"
    [[ $(id -u) -eq 0 ]] || die "missing packages (${need_packages[*]}) and not root"
    # The Debian packages start their own default instances where a service manager runs;
    # policy-rc.d keeps them from starting, since this script starts its own.
    added_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        added_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
    [[ $added_policy -eq 0 ]] || rm -f /usr/sbin/policy-rc.d
fi
redis-server --version | grep -q ' v=7\.' || die "redis-server is not version 7: $(redis-server --version)"
"$PG_BIN/postgres" --version | grep -q ' 15\.' || die "PostgreSQL 15 not found in $PG_BIN"

# Other work on the machine skews every figure: the load average is printed with the table.
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- workspace and cleanup
WORK=$(mktemp -d /tmp/coffer-peers.XXXXXX)
chmod 755 "$WORK"
PIDS_TO_STOP=()
PG_DATA=""
cleanup() {
    local status=$?
    for pid in "${PIDS_TO_STOP[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    if [[ -n $PG_DATA && -f $PG_DATA/postmaster.pid ]]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    for pid in "${PIDS_TO_STOP[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root: run its programs as `postgres` when we are root.
as_postgres() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
fi

# A free TCP port on 127.0.0.1 (nothing answers a connection to it).
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# Waits up to $2 seconds for "$1" to appear in file $3.
wait_for_text() {
    local text=$1 seconds=$2 file=$3
    for _ in $(seq $((seconds * 10))); do
        grep -q "$text" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------- TLS material
log "creating a throwaway CA and server certificate (EC P-256, localhost and 127.0.0.1)"
TLS=$WORK/tls
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=coffer-peers-ca \
    -keyout "$TLS/ca.key" -out "$TLS/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' > "$TLS/ext.cnf"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 2 \
    -extfile "$TLS/ext.cnf" -out "$TLS/server.crt" 2>/dev/null
chmod 600 "$TLS/server.key" "$TLS/ca.key"
chmod 644 "$TLS/ca.crt" "$TLS/server.crt"

# ---------------------------------------------------------------- results
RESULTS=$WORK/results.tsv   # workload  system  shape  ops/s  p99-ms
: > "$RESULTS"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; log "result: $*"; }

# ---------------------------------------------------------------- Coffer
# The commit the binary is built from, taken now: the tree may move while the script runs.
COFFER_COMMIT=$(git -C "$REPO" log --oneline -1 2>/dev/null | cut -c1-60)
if [[ -n ${COFFER_BIN:-} ]]; then
    COFFER_LABEL="$COFFER_BIN (tree at $COFFER_COMMIT)"
else
    log "building coffer (release) at $COFFER_COMMIT"
    (cd "$REPO" && swift build -c release --product coffer --scratch-path "${SCRATCH_PATH:-.build}" >&2)
    COFFER_BIN=$(cd "$REPO" && swift build -c release --scratch-path "${SCRATCH_PATH:-.build}" --show-bin-path)/coffer
    COFFER_LABEL="release build at $COFFER_COMMIT"
fi
[[ -x $COFFER_BIN ]] || die "no coffer binary at $COFFER_BIN"

COFFER_PORT=$(free_port)
COFFER_ROOT=$WORK/coffer
mkdir -p "$COFFER_ROOT/config" "$COFFER_ROOT/keys/tls"
install -m 600 "$TLS/server.key" "$COFFER_ROOT/keys/tls/server.key"
install -m 644 "$TLS/server.crt" "$COFFER_ROOT/keys/tls/server.crt"
cat > "$COFFER_ROOT/config/coffer.json" <<EOF
{
  "listen": { "host": "127.0.0.1", "port": $COFFER_PORT },
  "paths": { "data": "../data", "keys": "../keys" },
  "tls": { "certificate": "../keys/tls/server.crt", "privateKey": "../keys/tls/server.key", "minimumVersion": "1.3" }
}
EOF
log "starting coffer serve on 127.0.0.1:$COFFER_PORT"
"$COFFER_BIN" serve --config "$COFFER_ROOT/config/coffer.json" 2> "$COFFER_ROOT/serve.log" &
COFFER_PID=$!
PIDS_TO_STOP+=("$COFFER_PID")
wait_for_text "listening on" 30 "$COFFER_ROOT/serve.log" || die "coffer serve did not start: $(cat "$COFFER_ROOT/serve.log")"

# coffer_run WORKLOAD MIX CLIENTS PIPELINE: one `coffer bench net` run (fresh tenant, loaded,
# measured, shredded); records ops/s and p99 of every operation together.
coffer_run() {
    local workload=$1 mix=$2 clients=$3 pipeline=$4 output=$COFFER_ROOT/bench-$1-$3x$4.json
    log "coffer: $workload, $clients clients x pipeline $pipeline, $REQUESTS requests, $SUBJECTS subjects"
    "$COFFER_BIN" bench net --config "$COFFER_ROOT/config/coffer.json" --ca "$TLS/ca.crt" \
        --token-file "$COFFER_ROOT/keys/operator.token" --clients "$clients" --pipeline "$pipeline" \
        --requests "$REQUESTS" --subjects "$SUBJECTS" --mix "$mix" --json > "$output" \
        || die "coffer bench net failed: $(cat "$output")"
    [[ $(jq '.all.errors' "$output") == 0 ]] || die "coffer reported errors: $(jq -c '.errorCodes' "$output")"
    record "$workload" coffer "${clients}x${pipeline}" "$(jq '.all.opsPerSecond' "$output")" "$(jq '.all.p99Ms' "$output")"
}
coffer_run write set=1 "$CLIENTS" "$PIPELINE"
coffer_run read get=1 "$CLIENTS" "$PIPELINE"
coffer_run write set=1 "$CLIENTS" 1
coffer_run read get=1 "$CLIENTS" 1
kill -TERM "$COFFER_PID"; wait "$COFFER_PID" || true

# ---------------------------------------------------------------- PostgreSQL 15 + pgcrypto
PG_PORT=$(free_port)
PG_ROOT=$WORK/postgres
PG_DATA=$PG_ROOT/data
mkdir -p "$PG_ROOT"
install -m 600 "$TLS/server.key" "$PG_ROOT/server.key"
install -m 644 "$TLS/server.crt" "$PG_ROOT/server.crt"
[[ $(id -u) -ne 0 ]] || chown -R postgres: "$PG_ROOT"
log "initdb and starting PostgreSQL on 127.0.0.1:$PG_PORT (ssl=on, synchronous_commit=on)"
as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
cat >> "$PG_DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_ROOT'
ssl = on
ssl_cert_file = '$PG_ROOT/server.crt'
ssl_key_file = '$PG_ROOT/server.key'
fsync = on
synchronous_commit = on
shared_buffers = 256MB
max_connections = 100
EOF
# TLS only: no plain host lines, so a connection without TLS is refused.
printf 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n' > "$PG_DATA/pg_hba.conf"
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/server.log" -w start >/dev/null

export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres PGSSLMODE=verify-full PGSSLROOTCERT=$TLS/ca.crt
PG_KEY=bench-$(openssl rand -hex 16)   # the pgcrypto passphrase: throwaway, like the data
psql -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE bench' >/dev/null
psql -q -v ON_ERROR_STOP=1 -d bench >/dev/null <<EOF
CREATE EXTENSION pgcrypto;
CREATE TABLE vault (subject integer NOT NULL, field text NOT NULL, value bytea NOT NULL, PRIMARY KEY (subject, field));
EOF
log "postgres: loading $SUBJECTS subjects x 3 fields with pgp_sym_encrypt"
# Two loaders in parallel (two cores); the value is 20 to 120 bytes, like Coffer's.
for half in 0 1; do
    psql -q -v ON_ERROR_STOP=1 -d bench -c "
        INSERT INTO vault
        SELECT s, f, pgp_sym_encrypt(left(repeat(md5(s::text || f), 4), 20 + (s * 7 + length(f)) % 101), '$PG_KEY')
        FROM generate_series($half, $SUBJECTS - 1, 2) AS s, unnest(ARRAY['phone', 'email', 'address']) AS f" >/dev/null &
done
wait
psql -q -d bench -c 'VACUUM ANALYZE vault' >/dev/null

cat > "$PG_ROOT/write.sql" <<EOF
\set s random(0, $SUBJECTS - 1)
\set f random(1, 3)
\set n random(20, 120)
INSERT INTO vault (subject, field, value)
  VALUES (:s, (ARRAY['phone', 'email', 'address'])[:f], pgp_sym_encrypt(left(repeat(md5(random()::text), 4), :n), '$PG_KEY'))
  ON CONFLICT (subject, field) DO UPDATE SET value = EXCLUDED.value;
EOF
cat > "$PG_ROOT/read.sql" <<EOF
\set s random(0, $SUBJECTS - 1)
\set f random(1, 3)
SELECT pgp_sym_decrypt(value, '$PG_KEY') FROM vault WHERE subject = :s AND field = (ARRAY['phone', 'email', 'address'])[:f];
EOF

# pg_run WORKLOAD: pgbench for PG_SECONDS with CLIENTS connections; tps from its summary,
# p99 from the per-transaction log (third column: latency in microseconds).
pg_run() {
    local workload=$1 output=$PG_ROOT/pgbench-$1.txt
    log "postgres: $workload, $CLIENTS clients, $PG_SECONDS s"
    (cd "$PG_ROOT" && rm -f pgbench_log.* && pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$PG_SECONDS" -P 5 \
        --report-per-command -l -f "$PG_ROOT/$workload.sql" bench > "$output" 2>&1) \
        || die "pgbench failed: $(tail -5 "$output")"
    local tps p99
    tps=$(sed -nE 's/^tps = ([0-9.]+) .*/\1/p' "$output" | head -1)
    p99=$(cat "$PG_ROOT"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{v[NR]=$1} END {i=int(NR*0.99); if (i<NR*0.99) i++; printf "%.3f", v[i]/1000}')
    [[ -n $tps ]] || die "no tps in pgbench output: $(tail -5 "$output")"
    record "$workload" postgresql15-pgcrypto "${CLIENTS}x1" "$tps" "$p99"
}
pg_run write
pg_run read
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
PG_DATA=""

# ---------------------------------------------------------------- Redis 7, TLS, appendfsync always
REDIS_PORT=$(free_port)
REDIS_ROOT=$WORK/redis
mkdir -p "$REDIS_ROOT"
log "starting redis-server on 127.0.0.1:$REDIS_PORT (TLS only, appendonly yes, appendfsync always)"
redis-server --bind 127.0.0.1 --port 0 --tls-port "$REDIS_PORT" \
    --tls-cert-file "$TLS/server.crt" --tls-key-file "$TLS/server.key" --tls-ca-cert-file "$TLS/ca.crt" \
    --tls-auth-clients no --dir "$REDIS_ROOT" --appendonly yes --appendfsync always --save '' \
    --daemonize no --logfile "$REDIS_ROOT/server.log" &
REDIS_PID=$!
PIDS_TO_STOP+=("$REDIS_PID")
wait_for_text "Ready to accept connections" 30 "$REDIS_ROOT/server.log" || die "redis-server did not start"
REDIS_TLS=(--tls --cacert "$TLS/ca.crt" -h 127.0.0.1 -p "$REDIS_PORT")

log "redis: loading $SUBJECTS keys (70-byte values) for the reads"
VALUE=$(printf 'x%.0s' $(seq 70))
awk -v n="$SUBJECTS" -v v="$VALUE" 'BEGIN { for (i = 0; i < n; i++) printf "SET key:%012d %s\r\n", i, v }' \
    | redis-cli "${REDIS_TLS[@]}" --pipe >/dev/null

# redis_run WORKLOAD TEST: redis-benchmark with CLIENTS connections x PIPELINE; rps and p99
# from its CSV line ("test","rps","avg","min","p50","p95","p99","max").
redis_run() {
    local workload=$1 test=$2 output=$REDIS_ROOT/benchmark-$1.csv
    log "redis: $workload ($test), $CLIENTS clients x pipeline $PIPELINE, $REDIS_REQUESTS requests"
    redis-benchmark "${REDIS_TLS[@]}" -c "$CLIENTS" -P "$PIPELINE" -n "$REDIS_REQUESTS" -r "$SUBJECTS" -d 70 \
        -t "$test" --csv > "$output" 2>&1 || die "redis-benchmark failed: $(tail -3 "$output")"
    local line
    line=$(grep -i "^\"$test\"" "$output" | head -1)
    [[ -n $line ]] || die "no CSV line for $test: $(tail -3 "$output")"
    record "$workload" redis7-tls-fsync-always "${CLIENTS}x${PIPELINE}" \
        "$(echo "$line" | awk -F'"' '{print $4}')" "$(echo "$line" | awk -F'"' '{print $14}')"
}
redis_run write set
redis_run read get

# ---------------------------------------------------------------- table
value_of() { awk -F'\t' -v w="$1" -v s="$2" -v p="$3" '$1 == w && $2 == s && $3 == p { print $4 }' "$RESULTS"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
echo
echo "Coffer and peers over TLS on loopback: $CLIENTS clients, $SUBJECTS subjects, values of 20 to 120 bytes"
echo "coffer: $COFFER_LABEL"
echo "$REQUESTS requests per Coffer phase, $REDIS_REQUESTS per Redis phase, $PG_SECONDS s per pgbench phase"
echo "load average (1, 5, 15 min): $LOAD_AT_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "machine: $(nproc) cores, $(sed -nE 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)"
echo
printf '| %-8s | %-25s | %-9s | %10s | %9s | %-34s |\n' workload system clients×P ops/s "p99 ms" "Coffer / peer, ops/s"
printf '|%s|%s|%s|%s|%s|%s|\n' ---------- --------------------------- ----------- -----------: ----------: ------------------------------------
while IFS=$'\t' read -r workload system shape ops p99; do
    comparison=""
    case $system in
        postgresql15-pgcrypto)
            comparison="$(ratio "$(value_of "$workload" coffer "${CLIENTS}x1")" "$ops") same shape, $(ratio "$(value_of "$workload" coffer "${CLIENTS}x${PIPELINE}")" "$ops") at ${CLIENTS}x${PIPELINE}" ;;
        redis7-tls-fsync-always)
            comparison="$(ratio "$(value_of "$workload" coffer "$shape")" "$ops") same shape" ;;
    esac
    # The shape column holds a 2-byte ×, which printf counts as two characters.
    printf '| %-8s | %-25s | %-10s | %10.0f | %9s | %-34s |\n' "$workload" "$system" "${shape/x/×}" "$ops" "$p99" "$comparison"
done < <(sort -t$'\t' -k1,1r -k2,2 "$RESULTS")
