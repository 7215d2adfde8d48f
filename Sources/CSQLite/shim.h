#ifndef LOGZIO_RESOLVER_CSQLITE_SHIM_H
#define LOGZIO_RESOLVER_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT does not import into Swift; this tells SQLite to copy bound text.
static inline int lr_sqlite3_bind_text_copy(sqlite3_stmt *stmt, int index, const char *text, int length) {
    return sqlite3_bind_text(stmt, index, text, length, SQLITE_TRANSIENT);
}
/// sqlite3_db_config is variadic; this sets one integer option (e.g. SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE).
static inline int lr_sqlite3_db_config_int(sqlite3 *db, int option, int value) {
    return sqlite3_db_config(db, option, value, (int *)0);
}
#endif
