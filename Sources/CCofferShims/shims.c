// Most shims are static inline functions in CCofferShims.h; the WAL monitor needs a callback
// and an atomic, so it lives here.
#include "CCofferShims.h"
#include <stdatomic.h>
#include <stdlib.h>

struct coffer_wal_monitor {
    _Atomic long frames;
    int checkpoint_frames;
};

static int coffer_wal_hook(void *context, sqlite3 *db, const char *schema, int frames) {
    coffer_wal_monitor *monitor = context;
    atomic_store_explicit(&monitor->frames, frames, memory_order_relaxed);
    if (frames >= monitor->checkpoint_frames) {
        // As SQLite's own automatic checkpoint does: a failure is not the commit's failure.
        sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, 0, 0);
    }
    return SQLITE_OK;
}

coffer_wal_monitor *coffer_wal_monitor_install(sqlite3 *db, int checkpoint_frames) {
    coffer_wal_monitor *monitor = malloc(sizeof *monitor);
    if (monitor == NULL) return NULL;
    atomic_init(&monitor->frames, 0);
    monitor->checkpoint_frames = checkpoint_frames;
    sqlite3_wal_hook(db, coffer_wal_hook, monitor);
    return monitor;
}

long coffer_wal_monitor_frames(const coffer_wal_monitor *monitor) {
    return atomic_load_explicit(&((coffer_wal_monitor *)monitor)->frames, memory_order_relaxed);
}

void coffer_wal_monitor_free(coffer_wal_monitor *monitor) {
    free(monitor);
}
