/* cmd_token.c: `mmpath token new|list|revoke`: the API tokens of the
 * server (per centre of the network, with a role and an expiry). A new
 * token is printed once; the database (SQLite file or PostgreSQL) keeps
 * only its SHA-256. Every change is audited with the operating-system user
 * in the same transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token_store.h"
#include "cli/cli.h"
#include "referral/store.h"

/* Without --expires nor a configuration's token-expires. */
#define DEFAULT_LIFETIME "90d"

static const char usage_text[] =
    "usage: mmpath token new --center CENTRE --role hub|spoke|analyst [--expires 90d|never]\n"
    "                        [--add-center] [--db LOCATION] [--config FILE]\n"
    "       mmpath token list [--db LOCATION] [--config FILE]\n"
    "       mmpath token revoke ID [--db LOCATION] [--config FILE]\n"
    "  hub: every referral; spoke: the referrals its centre made; analyst: the funnel\n"
    "  only. Any token may use the evaluation endpoints. `new` prints the token once.\n"
    "  --expires: a lifetime (30m, 12h, 90d, 2w) or never; default: the configuration's\n"
    "  token-expires, else " DEFAULT_LIFETIME ". The centre must be one of the network's (a centre of\n"
    "  a stored referral, or one added before); --add-center adds a new one.\n"
    "  LOCATION: an SQLite file (default ./mmpath.db) or postgresql://...; --config reads\n"
    "  `db` and `token-expires` from serve's configuration file.\n";

/* Reads `db` and `token-expires` of a serve configuration file (other keys
 * are serve's). The values point into *text (malloc'd). */
static int read_config(const char *path, char **text, const char **db, const char **expires) {
  size_t len;
  *text = mm_cli_read_file(path, &len);
  if (!*text) {
    fprintf(stderr, "mmpath token: --config: cannot read %s\n", path);
    return MM_EXIT_SETUP;
  }
  for (char *line = *text, *next; line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *eq = strchr(line, '=');
    if (!eq) continue;
    *eq = '\0';
    char *k = line, *v = eq + 1;
    while (*k == ' ' || *k == '\t') k++;
    while (*v == ' ' || *v == '\t') v++;
    for (char *e = k + strlen(k); e > k && (e[-1] == ' ' || e[-1] == '\t'); e--) e[-1] = '\0';
    for (char *e = v + strlen(v);
         e > v && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
      e[-1] = '\0';
    if (strcmp(k, "db") == 0) *db = v;
    else if (strcmp(k, "token-expires") == 0) *expires = v;
  }
  return MM_EXIT_OK;
}

typedef struct list_ctx {
  const char *now;
} list_ctx;

static int list_one(void *p, const mm_ref_token *t) {
  list_ctx *l = p;
  const char *state = t->revoked                                       ? "revoked"
                      : t->expires && strcmp(t->expires, l->now) <= 0 ? "expired"
                                                                        : "active";
  printf("%-4lld %-12s %-8s %-21s %-21s %-8s %s\n", t->id, t->center, t->role, t->created,
         t->expires ? t->expires : "never", state, t->revoked ? t->revoked : "");
  return 0;
}

int mm_cmd_token(int argc, char **argv) {
  const char *db = NULL, *center = NULL, *role_s = NULL, *sub = NULL, *arg = NULL,
             *expires_s = NULL, *config = NULL;
  bool add_center = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      return MM_EXIT_OK;
    }
    if (strcmp(a, "--add-center") == 0) {
      add_center = true;
    } else if (strncmp(a, "--", 2) == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "mmpath token: missing value after %s\n", a);
        return MM_EXIT_USAGE;
      }
      const char *v = argv[++i];
      if (strcmp(a, "--db") == 0) db = v;
      else if (strcmp(a, "--center") == 0) center = v;
      else if (strcmp(a, "--role") == 0) role_s = v;
      else if (strcmp(a, "--expires") == 0) expires_s = v;
      else if (strcmp(a, "--config") == 0) config = v;
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
  char *config_text = NULL;
  const char *cfg_db = NULL, *cfg_expires = NULL;
  if (config) {
    int rc = read_config(config, &config_text, &cfg_db, &cfg_expires);
    if (rc != MM_EXIT_OK) return rc;
  }
  if (!db) db = cfg_db ? cfg_db : "mmpath.db";
  int ex = MM_EXIT_OK;
  mm_role role = MM_ROLE_NONE;
  long long lifetime = 0;
  char expires[32];
  if (strcmp(sub, "new") == 0) {
    const char *life = expires_s ? expires_s : cfg_expires ? cfg_expires : DEFAULT_LIFETIME;
    const char *why = center && *center ? mm_ref_check_id(center) : "is required";
    if (why) {
      fprintf(stderr, "mmpath token new: --center '%s': %s\n", center ? center : "", why);
      ex = MM_EXIT_USAGE;
    } else if (!mm_role_parse(role_s, &role)) {
      fprintf(stderr, "mmpath token new: --role must be hub, spoke or analyst\n");
      ex = MM_EXIT_USAGE;
    } else if (!mm_token_parse_lifetime(life, &lifetime)) {
      fprintf(stderr, "mmpath token new: %s '%s': a lifetime such as 30m, 12h, 90d, 2w, or "
              "never\n", expires_s ? "--expires" : "token-expires", life);
      ex = MM_EXIT_USAGE;
    }
    if (lifetime) mm_ref_now(expires, lifetime);
  } else if (strcmp(sub, "revoke") == 0) {
    if (!arg) {
      fprintf(stderr, "mmpath token revoke: which token id?\n");
      ex = MM_EXIT_USAGE;
    }
  } else if (strcmp(sub, "list") != 0) {
    fprintf(stderr, "mmpath token: unknown subcommand '%s'\n%s", sub, usage_text);
    ex = MM_EXIT_USAGE;
  }
  if ((expires_s || add_center || center || role_s) && strcmp(sub, "new") != 0) {
    fprintf(stderr, "mmpath token %s: --center, --role, --expires and --add-center are for "
            "`token new`\n", sub);
    ex = MM_EXIT_USAGE;
  }
  if (ex != MM_EXIT_OK) {
    free(config_text);
    return ex;
  }

  char err[512], user[64];
  mm_ref_store *s = NULL;
  if (mm_ref_store_open(&s, db, NULL, err, sizeof err) != MM_REF_OK) {
    fprintf(stderr, "mmpath token: %s\n", err);
    free(config_text);
    return MM_EXIT_SETUP;
  }
  mm_ref_who who = {0, NULL, NULL, mm_cli_os_user(user, sizeof user)};
  mm_ref_store_set_who(s, &who);
  if (strcmp(sub, "new") == 0) {
    char token[MM_TOKEN_LEN + 1];
    long long id;
    int rc = mm_token_new(token, &id, s, center, role, lifetime ? expires : NULL, add_center,
                          user);
    if (rc == MM_REF_ENOTFOUND) {
      fprintf(stderr, "mmpath token new: %s: check the spelling, or add it with "
              "--add-center\n", mm_ref_store_errmsg(s));
      ex = MM_EXIT_INVALID;
    } else if (rc) {
      fprintf(stderr, "mmpath token: cannot store the token: %s\n", mm_ref_store_errmsg(s));
      ex = MM_EXIT_INTERNAL;
    } else {
      printf("%s\n", token);
      fprintf(stderr, "token %lld for %s (%s), %s%s; shown once, stored hashed in %s\n", id,
              center, mm_role_name(role), lifetime ? "expires " : "never expires",
              lifetime ? expires : "", db);
    }
  } else if (strcmp(sub, "revoke") == 0) {
    char *end;
    long long id = strtoll(arg, &end, 10);
    int r = *end || id <= 0 ? MM_REF_ENOTFOUND : mm_ref_store_token_revoke(s, id);
    if (r == MM_REF_ENOTFOUND) {
      fprintf(stderr, "mmpath token revoke: no active token '%s'\n", arg);
      ex = MM_EXIT_INVALID;
    } else if (r) {
      fprintf(stderr, "mmpath token revoke: %s\n", mm_ref_store_errmsg(s));
      ex = MM_EXIT_INTERNAL;
    }
  } else {
    char now[32];
    mm_ref_now(now, 0);
    list_ctx l = {now};
    printf("%-4s %-12s %-8s %-21s %-21s %-8s %s\n", "id", "center", "role", "created",
           "expires", "state", "revoked");
    if (mm_ref_store_token_foreach(s, list_one, &l) != MM_REF_OK) {
      fprintf(stderr, "mmpath token list: %s\n", mm_ref_store_errmsg(s));
      ex = MM_EXIT_INTERNAL;
    }
  }
  mm_ref_store_free(s);
  free(config_text);
  return ex;
}
