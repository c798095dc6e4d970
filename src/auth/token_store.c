/* token_store.c: see token_store.h. Tokens are 32 random bytes from getrandom(2), shown
 * as "mmp_<64 hex>"; the table keeps their SHA-256 (hex) only. */
#include "auth/token_store.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "auth/sha256.h"
#include "util/file.h"

static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS server_schema(version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS api_tokens("
    " id INTEGER PRIMARY KEY,"
    " hash TEXT NOT NULL UNIQUE,"  /* sha256 hex of the token */
    " center TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK(role IN ('hub','spoke','analyst')),"
    " created TEXT NOT NULL,"
    " created_by TEXT NOT NULL,"
    " revoked TEXT)",
    "CREATE TABLE IF NOT EXISTS api_audit("
    " id INTEGER PRIMARY KEY,"
    " at TEXT NOT NULL,"
    " token_id INTEGER,"           /* NULL: the command line */
    " center TEXT,"
    " role TEXT,"
    " action TEXT NOT NULL,"
    " object TEXT,"
    " detail TEXT)",
};

static void now_iso(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int mm_store_open(sqlite3 **out, const char *path, char *err, size_t err_len) {
  *out = NULL;
  sqlite3 *db = NULL;
  /* tokens and the audit log: a new file is readable by its owner only */
  mm_file_create_private(path);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                     SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
    snprintf(err, err_len, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
  sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
  /* Tables exist after the first open: skip the writes then (cheap check). */
  sqlite3_stmt *st = NULL;
  int have = 0;
  if (sqlite3_prepare_v2(db, "SELECT version FROM server_schema", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    have = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (have < MM_STORE_SCHEMA_VERSION) {
    char *msg = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
    for (size_t i = 0; rc == SQLITE_OK && i < sizeof schema / sizeof *schema; i++)
      rc = sqlite3_exec(db, schema[i], NULL, NULL, &msg);
    if (rc == SQLITE_OK)
      rc = sqlite3_exec(db,
                        "DELETE FROM server_schema;"
                        "INSERT INTO server_schema(version) VALUES (1)",
                        NULL, NULL, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
      snprintf(err, err_len, "%s: %s", path, msg ? msg : sqlite3_errmsg(db));
      sqlite3_free(msg);
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
      sqlite3_close(db);
      return -1;
    }
  } else if (have > MM_STORE_SCHEMA_VERSION) {
    snprintf(err, err_len, "%s: server tables are version %d, this mmpath knows %d", path,
             have, MM_STORE_SCHEMA_VERSION);
    sqlite3_close(db);
    return -1;
  }
  *out = db;
  return 0;
}

int mm_store_open_ro(sqlite3 **out, const char *path) {
  *out = NULL;
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK) {
    sqlite3_close(db);
    return -1;
  }
  sqlite3_busy_timeout(db, 5000);
  *out = db;
  return 0;
}

void mm_store_close(sqlite3 *db) { sqlite3_close(db); }

int mm_store_token_new(char token_out[MM_TOKEN_LEN + 1], long long *id_out, sqlite3 *db,
                       const char *center, mm_role role, const char *by) {
  static const char hex[] = "0123456789abcdef";
  unsigned char raw[32];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n <= 0) return -1;
    got += (size_t)n;
  }
  memcpy(token_out, "mmp_", 4);
  for (size_t i = 0; i < sizeof raw; i++) {
    token_out[4 + 2 * i] = hex[raw[i] >> 4];
    token_out[5 + 2 * i] = hex[raw[i] & 15];
  }
  token_out[MM_TOKEN_LEN] = '\0';
  char hash[65], now[32];
  mm_sha256_hex(hash, token_out, MM_TOKEN_LEN);
  now_iso(now);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db,
                              "INSERT INTO api_tokens(hash,center,role,created,created_by)"
                              " VALUES (?,?,?,?,?)",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, center, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, mm_role_name(role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  }
  sqlite3_finalize(st);
  memset(raw, 0, sizeof raw);
  if (rc != SQLITE_OK) return -1;
  *id_out = sqlite3_last_insert_rowid(db);
  char object[32];
  snprintf(object, sizeof object, "token:%lld", *id_out);
  char detail[200];
  snprintf(detail, sizeof detail, "center=%s role=%s by=%s", center, mm_role_name(role), by);
  mm_principal cli = {0, NULL, MM_ROLE_NONE};
  return mm_store_audit(db, &cli, "token.create", object, detail);
}

int mm_store_token_check(mm_principal *out, sqlite3 *db, const char *token,
                         mm_arena *arena) {
  size_t len = strlen(token);
  if (len != MM_TOKEN_LEN || strncmp(token, "mmp_", 4) != 0) return 1;
  char hash[65];
  mm_sha256_hex(hash, token, len);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT id, center, role FROM api_tokens"
                         " WHERE hash = ? AND revoked IS NULL",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st), ret = 1;
  if (rc == SQLITE_ROW) {
    out->token_id = sqlite3_column_int64(st, 0);
    out->center = mm_arena_strdup(arena, (const char *)sqlite3_column_text(st, 1));
    mm_role_parse((const char *)sqlite3_column_text(st, 2), &out->role);
    ret = out->center ? 0 : -1;
  } else if (rc != SQLITE_DONE) {
    ret = -1;
  }
  sqlite3_finalize(st);
  return ret;
}

int mm_store_token_revoke(sqlite3 *db, long long id, const char *by) {
  char now[32];
  now_iso(now);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked IS NULL",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, id);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return -1;
  if (sqlite3_changes(db) == 0) return 1;
  char object[32];
  snprintf(object, sizeof object, "token:%lld", id);
  mm_principal cli = {0, NULL, MM_ROLE_NONE};
  return mm_store_audit(db, &cli, "token.revoke", object, by);
}

int mm_store_audit(sqlite3 *db, const mm_principal *who, const char *action,
                   const char *object, const char *detail) {
  char now[32];
  now_iso(now);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO api_audit(at,token_id,center,role,action,object,detail)"
                         " VALUES (?,?,?,?,?,?,?)",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
  if (who && who->token_id)
    sqlite3_bind_int64(st, 2, who->token_id);
  else
    sqlite3_bind_null(st, 2);
  sqlite3_bind_text(st, 3, who ? who->center : NULL, -1, SQLITE_STATIC);
  if (who && who->role != MM_ROLE_NONE)
    sqlite3_bind_text(st, 4, mm_role_name(who->role), -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 4);
  sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, object, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, detail, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}
