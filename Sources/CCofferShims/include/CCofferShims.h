#ifndef COFFER_SHIMS_H
#define COFFER_SHIMS_H

// The few things Swift cannot import from OpenSSL and SQLite: function-like
// macros and macro constants built from casts. Each is a one-line inline
// wrapper so that the Swift side never re-states a library constant.

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

// MARK: OpenSSL

static inline int coffer_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

static inline int coffer_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

/// The hardening options every Coffer TLS context carries: no compression,
/// no renegotiation, server cipher preference, no pre-TLS-1.2 versions, no session tickets
/// (a resumed session would skip the handshake the idle and cap rules rely on; tickets also
/// weaken forward secrecy in TLS 1.2).
static inline uint64_t coffer_ssl_hardening_options(void) {
    return (uint64_t)(SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                      SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_SSLv3 |
                      SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TICKET);
}

static inline uint64_t coffer_ssl_ctx_set_options(SSL_CTX *ctx, uint64_t options) {
    return (uint64_t)SSL_CTX_set_options(ctx, options);
}

static inline long coffer_ssl_ctx_set_mode_auto_retry(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
}

static inline long coffer_ssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline int coffer_tls1_2_version(void) { return TLS1_2_VERSION; }
static inline int coffer_tls1_3_version(void) { return TLS1_3_VERSION; }

// MARK: Process

/// Sets the core file size limit to 0, soft and hard (so the process cannot raise it again).
/// Returns 0, or -1 with errno set.
static inline int coffer_set_core_limit_zero(void) {
    struct rlimit none = { 0, 0 };
    return setrlimit(RLIMIT_CORE, &none);
}

/// Makes the process not dumpable (Linux `PR_SET_DUMPABLE` 0): no core dump whatever the
/// limit or `core_pattern`, and no `ptrace` attach or `/proc/<pid>/mem` read by other
/// processes of the same user. `prctl` is variadic, which Swift cannot call. A no-op returning
/// 0 elsewhere. Returns 0, or -1 with errno set.
static inline int coffer_set_not_dumpable(void) {
#if defined(__linux__)
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#else
    return 0;
#endif
}

// MARK: SQLite

/// SQLITE_TRANSIENT is `((sqlite3_destructor_type)-1)`, which Swift cannot import.
static inline sqlite3_destructor_type coffer_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

static inline int coffer_sqlite3_bind_blob(sqlite3_stmt *stmt, int index, const void *bytes, int count) {
    return sqlite3_bind_blob(stmt, index, bytes, count, SQLITE_TRANSIENT);
}

static inline int coffer_sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *text, int count) {
    return sqlite3_bind_text(stmt, index, text, count, SQLITE_TRANSIENT);
}

/// Defensive mode: no writable_schema, no direct shadow-table writes. `sqlite3_db_config` is
/// variadic, which Swift cannot call.
static inline int coffer_sqlite3_enable_defensive(sqlite3 *db) {
    return sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)0);
}

/// Watches a connection's write-ahead log (`WALCheckpointer`): after every commit, the number
/// of frames in the WAL is stored where another thread can read it, and the committing thread
/// itself checkpoints (PASSIVE) only once the WAL holds `checkpoint_frames`: SQLite's automatic
/// checkpoint, which this hook replaces, at a higher threshold. Returns NULL when out of memory.
typedef struct coffer_wal_monitor coffer_wal_monitor;
coffer_wal_monitor *coffer_wal_monitor_install(sqlite3 *db, int checkpoint_frames);
/// The frames in the WAL after the latest commit. Safe to call from any thread.
long coffer_wal_monitor_frames(const coffer_wal_monitor *monitor);
/// Frees a monitor whose connection is closed (or whose hook was replaced).
void coffer_wal_monitor_free(coffer_wal_monitor *monitor);

#endif
