/* cmd_audit.c: `mmpath audit`: the audit log of the server's database
 * (every change through the API and the command line, every read of a
 * referral, every refused request), filtered, oldest first, as text or
 * JSON Lines. And who the command line is: the operating-system user. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "referral/store.h"

const char *mm_cli_os_user(char *buf, size_t len) {
  /* the effective user, from the password database: not $USER, which any
   * caller sets as it likes */
  struct passwd pw, *res = NULL;
  char tmp[1024];
  uid_t uid = geteuid();
  if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res && res->pw_name)
    snprintf(buf, len, "%s", res->pw_name);
  else
    snprintf(buf, len, "uid:%lu", (unsigned long)uid);
  return buf;
}

static const char usage_text[] =
    "usage: mmpath audit [--db LOCATION] [--action A] [--object O] [--center C] [--user U]\n"
    "                    [--token ID] [--since DATE] [--until DATE] [--limit N]\n"
    "                    [--format text|json]\n"
    "  The audit log, oldest first: every change (API and command line) in the same\n"
    "  transaction as the change, every read of a referral, every 401 and 403.\n"
    "  --action referral.move, or a prefix ending in '.' (referral., token., auth.);\n"
    "  --object a referral id or token:ID; --since/--until YYYY-MM-DD (UTC, inclusive).\n"
    "  --format json prints one JSON object a line. LOCATION: an SQLite file (default\n"
    "  ./mmpath.db) or postgresql://...\n";

static int print_text(void *p, const mm_ref_audit *a) {
  (void)p;
  char who[160];
  if (a->who.token_id)
    snprintf(who, sizeof who, "token %lld %s %s", a->who.token_id,
             a->who.center ? a->who.center : "?", a->who.role ? a->who.role : "?");
  else if (a->who.user)
    snprintf(who, sizeof who, "user %s", a->who.user);
  else
    snprintf(who, sizeof who, "anonymous");
  char status[16] = "-";
  if (a->status) snprintf(status, sizeof status, "%d", a->status);
  printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", a->id, a->at, who, a->action,
         a->object ? a->object : "-", status, a->detail ? a->detail : "");
  return 0;
}

static int print_json(void *p, const mm_ref_audit *a) {
  (void)p;
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_strbuf_printf(&b, "{\"id\":%lld,\"at\":", a->id);
  mm_strbuf_json_string(&b, a->at);
  if (a->who.token_id) mm_strbuf_printf(&b, ",\"token\":%lld", a->who.token_id);
  else mm_strbuf_puts(&b, ",\"token\":null");
  const char *keys[] = {"center", "role", "user", "action", "object"};
  const char *vals[] = {a->who.center, a->who.role, a->who.user, a->action, a->object};
  for (int i = 0; i < 5; i++) {
    mm_strbuf_printf(&b, ",\"%s\":", keys[i]);
    mm_strbuf_json_string(&b, vals[i]);
  }
  if (a->status) mm_strbuf_printf(&b, ",\"status\":%d", a->status);
  else mm_strbuf_puts(&b, ",\"status\":null");
  mm_strbuf_puts(&b, ",\"detail\":");
  mm_strbuf_json_string(&b, a->detail);
  mm_strbuf_puts(&b, "}\n");
  int rc = b.failed ? MM_REF_ENOMEM : 0;
  if (!rc) fwrite(b.data, 1, b.len, stdout);
  mm_strbuf_free(&b);
  return rc;
}

static bool is_date(const char *s) {
  mm_date d;
  return s && strlen(s) == 10 && mm_date_parse(s, 10, &d);
}

int mm_cmd_audit(int argc, char **argv) {
  const char *db = "mmpath.db", *format = "text", *token = NULL, *limit = NULL;
  mm_ref_audit_filter f = {0};
  struct { const char *name; const char **slot; } opts[] = {
      {"--db", &db},         {"--action", &f.action}, {"--object", &f.object},
      {"--center", &f.center}, {"--user", &f.user},   {"--token", &token},
      {"--since", &f.since}, {"--until", &f.until},   {"--limit", &limit},
      {"--format", &format}};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage_text, stdout);
      return MM_EXIT_OK;
    }
    bool found = false;
    for (size_t k = 0; k < sizeof opts / sizeof *opts && !found; k++)
      if (strcmp(argv[i], opts[k].name) == 0) {
        if (i + 1 >= argc) {
          fprintf(stderr, "mmpath audit: missing value after %s\n", argv[i]);
          return MM_EXIT_USAGE;
        }
        *opts[k].slot = argv[++i];
        found = true;
      }
    if (!found) {
      fprintf(stderr, "mmpath audit: unknown argument '%s'\n%s", argv[i], usage_text);
      return MM_EXIT_USAGE;
    }
  }
  char *end;
  if (token) {
    f.token_id = strtoll(token, &end, 10);
    if (*end || f.token_id <= 0) {
      fprintf(stderr, "mmpath audit: --token: '%s' is not a token id\n", token);
      return MM_EXIT_USAGE;
    }
  }
  if (limit) {
    long long n = strtoll(limit, &end, 10);
    if (*end || n <= 0) {
      fprintf(stderr, "mmpath audit: --limit: '%s' is not a positive number\n", limit);
      return MM_EXIT_USAGE;
    }
    f.limit = (size_t)n;
  }
  if ((f.since && !is_date(f.since)) || (f.until && !is_date(f.until))) {
    fprintf(stderr, "mmpath audit: --%s must be a date YYYY-MM-DD\n",
            f.since && !is_date(f.since) ? "since" : "until");
    return MM_EXIT_USAGE;
  }
  bool json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "text") != 0) {
    fprintf(stderr, "mmpath audit: --format is text or json\n");
    return MM_EXIT_USAGE;
  }
  char err[512];
  mm_ref_store *s = NULL;
  if (mm_ref_store_open(&s, db, NULL, err, sizeof err) != MM_REF_OK) {
    fprintf(stderr, "mmpath audit: %s\n", err);
    return MM_EXIT_SETUP;
  }
  if (!json) printf("id\tat\twho\taction\tobject\tstatus\tdetail\n");
  int rc = mm_ref_store_audit_foreach(s, &f, json ? print_json : print_text, NULL);
  int ex = MM_EXIT_OK;
  if (rc) {
    fprintf(stderr, "mmpath audit: %s\n", mm_ref_store_errmsg(s));
    ex = MM_EXIT_INTERNAL;
  }
  mm_ref_store_free(s);
  if (fflush(stdout) != 0) ex = MM_EXIT_INTERNAL;
  return ex;
}
