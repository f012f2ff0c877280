#!/usr/bin/env bash
# The long abuse runs behind the figures in docs/RELIABILITY.md (CI runs the same tests smaller):
#   10,000 mutated TLS sessions (MutatedSessionTests) and
#   10,000 generated cross-tenant and cross-subject attempts (CrossTenantAttemptTests).
# Override with COFFER_MUTATED_SESSIONS, COFFER_ISOLATION_ATTEMPTS, COFFER_ABUSE_SEED.
set -euo pipefail
cd "$(dirname "$0")/../.."
export COFFER_MUTATED_SESSIONS="${COFFER_MUTATED_SESSIONS:-10000}"
export COFFER_ISOLATION_ATTEMPTS="${COFFER_ISOLATION_ATTEMPTS:-10000}"
swift build --scratch-path .build-abuse --build-tests
swift test --scratch-path .build-abuse --skip-build \
  --filter 'CofferServerTests\.(MutatedSessionTests|CrossTenantAttemptTests)' 2>&1 \
  | grep -v ' warning failed AUTH ' | grep -E 'mutated TLS sessions|isolation attempts|error|Executed|passed|failed'
