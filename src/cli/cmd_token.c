/* cmd_token.c: `mmpath token new|list|revoke`: the API tokens of the
 * server (per centre, with a role). A new token is printed once; the
 * database keeps only its SHA-256. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "auth/token_store.h"
#include "referral/referral.h"

static const char usage_text[] =
    "usage: mmpath token new --center CENTRE --role hub|spoke|analyst [--db mmpath.db]\n"
    "       mmpath token list [--db mmpath.db]\n"
    "       mmpath token revoke ID [--db mmpath.db]\n"
    "  hub: every referral; spoke: the referrals its centre made; analyst: the funnel\n"
    "  only. Any token may use the evaluation endpoints. `new` prints the token once.\n";

int mm_cmd_token(int argc, char **argv) {
  const char *db = "mmpath.db", *center = NULL, *role_s = NULL, *sub = NULL, *arg = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      return MM_EXIT_OK;
    }
    if (strncmp(a, "--", 2) == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "mmpath token: missing value after %s\n", a);
        return MM_EXIT_USAGE;
      }
      const char *v = argv[++i];
      if (strcmp(a, "--db") == 0) db = v;
      else if (strcmp(a, "--center") == 0) center = v;
      else if (strcmp(a, "--role") == 0) role_s = v;
      else {
        fprintf(stderr, "mmpath token: unknown option '%s'\n%s", a, usage_text);
        return MM_EXIT_USAGE;
      }
    } else if (!sub) {
      sub = a;
    } else if (!arg) {
      arg = a;
    } else {
      fprintf(stderr, "mmpath token: unexpected argument '%s'\n", a);
      return MM_EXIT_USAGE;
    }
  }
  if (!sub) {
    fputs(usage_text, stderr);
    return MM_EXIT_USAGE;
  }
  mm_role role = MM_ROLE_NONE;
  if (strcmp(sub, "new") == 0) {
    if (!center || !*center) {
      fprintf(stderr, "mmpath token new: --center is required\n");
      return MM_EXIT_USAGE;
    }
    const char *why = mm_ref_check_id(center);
    if (why) {
      fprintf(stderr, "mmpath token new: --center '%s': %s\n", center, why);
      return MM_EXIT_USAGE;
    }
    if (!mm_role_parse(role_s, &role)) {
      fprintf(stderr, "mmpath token new: --role must be hub, spoke or analyst\n");
      return MM_EXIT_USAGE;
    }
  } else if (strcmp(sub, "revoke") == 0) {
    if (!arg) {
      fprintf(stderr, "mmpath token revoke: which token id?\n");
      return MM_EXIT_USAGE;
    }
  } else if (strcmp(sub, "list") != 0) {
    fprintf(stderr, "mmpath token: unknown subcommand '%s'\n%s", sub, usage_text);
    return MM_EXIT_USAGE;
  }

  char err[512];
  sqlite3 *sdb = NULL;
  if (mm_store_open(&sdb, db, err, sizeof err) != 0) {
    fprintf(stderr, "mmpath token: %s\n", err);
    return MM_EXIT_SETUP;
  }
  int rc = MM_EXIT_OK;
  if (strcmp(sub, "new") == 0) {
    char token[MM_TOKEN_LEN + 1];
    long long id;
    if (mm_store_token_new(token, &id, sdb, center, role, "mmpath token new") != 0) {
      fprintf(stderr, "mmpath token: cannot store the token: %s\n", sqlite3_errmsg(sdb));
      rc = MM_EXIT_INTERNAL;
    } else {
      printf("%s\n", token);
      fprintf(stderr, "token %lld for %s (%s); shown once, stored hashed in %s\n", id, center,
              mm_role_name(role), db);
    }
  } else if (strcmp(sub, "revoke") == 0) {
    char *end;
    long long id = strtoll(arg, &end, 10);
    int r = *end ? 1 : mm_store_token_revoke(sdb, id, "mmpath token revoke");
    if (r > 0) {
      fprintf(stderr, "mmpath token revoke: no active token '%s'\n", arg);
      rc = MM_EXIT_INVALID;
    } else if (r < 0) {
      fprintf(stderr, "mmpath token revoke: %s\n", sqlite3_errmsg(sdb));
      rc = MM_EXIT_INTERNAL;
    }
  } else {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(sdb,
                           "SELECT id, center, role, created, coalesce(revoked,'')"
                           " FROM api_tokens ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
      fprintf(stderr, "mmpath token list: %s\n", sqlite3_errmsg(sdb));
      rc = MM_EXIT_INTERNAL;
    } else {
      printf("%-4s %-12s %-8s %-21s %s\n", "id", "center", "role", "created", "revoked");
      while (sqlite3_step(st) == SQLITE_ROW)
        printf("%-4lld %-12s %-8s %-21s %s\n", sqlite3_column_int64(st, 0),
               (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2),
               (const char *)sqlite3_column_text(st, 3),
               (const char *)sqlite3_column_text(st, 4));
    }
    sqlite3_finalize(st);
  }
  mm_store_close(sdb);
  return rc;
}
