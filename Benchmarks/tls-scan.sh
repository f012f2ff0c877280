#!/usr/bin/env bash
# Coffer's TLS configuration, checked by two scanners that are not ours (issue 7, item 4):
#
#   sslyze --mozilla_config=modern   (PyPI)     must report the server compliant
#   testssl.sh                       (Debian)   must report nothing above LOW
#
# What it does: installs what is missing (`pip install sslyze`, `apt-get install -y testssl.sh`),
# creates a throwaway CA and an EC P-256 server certificate for localhost and 127.0.0.1 signed by
# it (90 days, the Mozilla "modern" lifespan; with a CRL and an OCSP URI, as a CA-issued
# certificate has them: testssl.sh rates a certificate without either HIGH), starts `coffer serve` on a free loopback port with
# a config in a temporary directory that uses that certificate, runs both scanners against it
# (the CA is passed to them: sslyze `--certinfo_ca_file`, testssl.sh `--add-ca`), prints a
# summary and exits non-zero when either scanner finds something. Not part of CI: it installs
# packages and takes a few minutes (testssl.sh alone runs for a minute or two).
#
# Usage: Benchmarks/tls-scan.sh                 (from anywhere; builds coffer in debug mode)
# Environment (all optional):
#   COFFER_BIN=/path/to/coffer      use this binary instead of building one
#   SCRATCH_PATH=.build             swift build --scratch-path
#   MIN_TLS=1.3                     tls.minimumVersion of the scanned server (1.2 scans the
#                                   TLS 1.2 policy; Mozilla "modern" is TLS 1.3 only, so with 1.2
#                                   only testssl.sh's verdict counts and sslyze is run against
#                                   the "intermediate" profile instead)
#   KEEP=1                          keep the work directory (scanner output) for inspection
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIN_TLS=${MIN_TLS:-1.3}
log() { printf '[tls-scan] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

# ---------------------------------------------------------------- scanners
if ! command -v sslyze >/dev/null 2>&1; then
    log "installing sslyze with pip"
    python3 -m pip install --quiet sslyze >&2
    hash -r
fi
TESTSSL=$(command -v testssl 2>/dev/null || command -v testssl.sh 2>/dev/null || true)
if [[ -z $TESTSSL ]]; then
    log "installing testssl.sh with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq testssl.sh >/dev/null
    TESTSSL=$(command -v testssl 2>/dev/null || command -v testssl.sh 2>/dev/null) || die "testssl.sh did not install"
fi
command -v sslyze >/dev/null || die "sslyze is not on PATH after installing it"
command -v python3 >/dev/null || die "python3 is needed to read the scanners' JSON"
log "sslyze $(python3 -m pip show sslyze 2>/dev/null | sed -n 's/^Version: //p'), testssl.sh $(dpkg-query -W -f='${Version}' testssl.sh 2>/dev/null || echo '?')"

# ---------------------------------------------------------------- workspace and cleanup
WORK=$(mktemp -d /tmp/coffer-tls-scan.XXXXXX)
SERVER_PID=""
cleanup() {
    local status=$?
    if [[ -n $SERVER_PID ]]; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ ${KEEP:-0} == 1 ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# ---------------------------------------------------------------- TLS material
log "creating a throwaway CA and a server certificate (EC P-256, localhost and 127.0.0.1, 90 days)"
TLS=$WORK/tls
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 90 -subj /CN=coffer-tls-scan-ca \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$TLS/ca.key" -out "$TLS/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
    -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' 'basicConstraints=critical,CA:FALSE' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' \
    'subjectKeyIdentifier=hash' 'authorityKeyIdentifier=keyid:always' \
    'crlDistributionPoints=URI:http://127.0.0.1/coffer-test-ca.crl' \
    'authorityInfoAccess=OCSP;URI:http://127.0.0.1/coffer-test-ca-ocsp' > "$TLS/ext.cnf"
openssl x509 -req -sha256 -in "$TLS/server.csr" -CA "$TLS/ca.crt" -CAkey "$TLS/ca.key" -CAcreateserial -days 90 \
    -extfile "$TLS/ext.cnf" -out "$TLS/server.crt" 2>/dev/null
chmod 600 "$TLS/server.key" "$TLS/ca.key"

# ---------------------------------------------------------------- coffer serve
if [[ -z ${COFFER_BIN:-} ]]; then
    log "building coffer"
    (cd "$REPO" && swift build --product coffer --scratch-path "${SCRATCH_PATH:-.build}" >&2)
    COFFER_BIN=$(cd "$REPO" && swift build --scratch-path "${SCRATCH_PATH:-.build}" --show-bin-path)/coffer
fi
[[ -x $COFFER_BIN ]] || die "no coffer binary at $COFFER_BIN"
PORT=$(free_port)
mkdir -p "$WORK/config"
cat > "$WORK/config/coffer.json" <<EOF
{
  "listen": { "host": "127.0.0.1", "port": $PORT },
  "tls": { "certificate": "$TLS/server.crt", "privateKey": "$TLS/server.key", "minimumVersion": "$MIN_TLS" }
}
EOF
"$COFFER_BIN" serve --config "$WORK/config/coffer.json" 2> "$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 300); do grep -q "listening on" "$WORK/serve.log" 2>/dev/null && break; sleep 0.1; done
grep -q "listening on" "$WORK/serve.log" || die "coffer serve did not start: $(cat "$WORK/serve.log")"
log "coffer serve listening on 127.0.0.1:$PORT (tls.minimumVersion $MIN_TLS)"

FAILED=0

# ---------------------------------------------------------------- sslyze
PROFILE=modern
[[ $MIN_TLS == 1.3 ]] || PROFILE=intermediate
log "sslyze --mozilla_config=$PROFILE"
set +e
sslyze --mozilla_config="$PROFILE" --certinfo_ca_file "$TLS/ca.crt" --json_out "$WORK/sslyze.json" \
    "127.0.0.1:$PORT" > "$WORK/sslyze.txt" 2>&1
SSLYZE_STATUS=$?
set -e
# The compliance section is the end of sslyze's text output.
sed -n '/COMPLIANCE AGAINST MOZILLA TLS CONFIGURATION/,$p' "$WORK/sslyze.txt" >&2
if [[ $SSLYZE_STATUS -ne 0 ]] || ! grep -q "OK - Compliant" "$WORK/sslyze.txt"; then
    log "sslyze: NOT compliant with the Mozilla $PROFILE configuration (exit status $SSLYZE_STATUS)"
    grep -v '^ *$' "$WORK/sslyze.txt" | tail -n 40 >&2
    FAILED=1
else
    log "sslyze: compliant with the Mozilla $PROFILE configuration"
fi

# ---------------------------------------------------------------- testssl.sh
log "testssl.sh --add-ca (this takes a minute or two)"
set +e
# The service speaks a line protocol, not HTTP: no HTTP header checks (--protocols etc. are the
# default set). --ip one: only the address given. --warnings off: never stop to ask.
"$TESTSSL" --quiet --color 0 --warnings off --add-ca "$TLS/ca.crt" --ip one \
    --severity LOW --jsonfile "$WORK/testssl.json" \
    "127.0.0.1:$PORT" > "$WORK/testssl.txt" 2>&1
TESTSSL_STATUS=$?
set -e
# Summary: every finding at LOW or above, by severity; anything above LOW fails the run.
python3 - "$WORK/testssl.json" <<'PY' >&2 || FAILED=1
import json, sys
order = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}
try:
    findings = json.load(open(sys.argv[1]))
except Exception as error:
    print(f"[tls-scan] testssl.sh wrote no readable JSON: {error}")
    sys.exit(1)
if isinstance(findings, dict):
    findings = findings.get("scanResult", findings.get("findings", []))
counts = {name: 0 for name in order}
worst = 0
for item in findings:
    severity = str(item.get("severity", "")).upper()
    if severity in order:
        counts[severity] += 1
        worst = max(worst, order[severity])
        print(f"[tls-scan] testssl.sh {severity:8} {item.get('id')}: {item.get('finding')}")
print("[tls-scan] testssl.sh findings: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
sys.exit(1 if worst > order["LOW"] else 0)
PY
if [[ $TESTSSL_STATUS -ge 240 ]]; then
    log "testssl.sh failed to run (status $TESTSSL_STATUS):"
    tail -n 20 "$WORK/testssl.txt" >&2
    FAILED=1
fi

# ---------------------------------------------------------------- verdict
if [[ $FAILED -eq 0 ]]; then
    log "PASS: sslyze compliant with Mozilla $PROFILE; testssl.sh reports nothing above LOW"
else
    log "FAIL: see the findings above"
    KEEP=1
fi
exit "$FAILED"
