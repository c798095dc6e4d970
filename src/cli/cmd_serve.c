/* cmd_serve.c: `mmpath serve`: the web page and the HTTP API (docs/web.md,
 * docs/http-api.md) on one port. Loads the knowledge base once, opens (or
 * creates, with demo data and tokens only when --demo asks: a service's
 * standard output goes to the journal) the database (an SQLite file or a
 * PostgreSQL URL), migrating its schema, refuses to start when it cannot be
 * written, prints where to open the page and serves until SIGINT or
 * SIGTERM. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "kb/kb.h"
#include "referral/referral.h"
#include "auth/jwt.h"
#include "auth/token_store.h"
#include "cds/cds.h"
#include "referral/store.h"
#include "server/server.h"

static const char usage_text[] =
    "usage: mmpath serve [--config FILE] [--port 8080] [--bind 127.0.0.1] [--db LOCATION] [--kb DIR]\n"
    "                    [--open-evaluate] [--demo] [--max-body BYTES]\n"
    "                    [--max-connections N] [--max-per-client N] [--idle-timeout S]\n"
    "                    [--time-zone ZONE] [--screen-dir DIR]\n"
    "                    [--public-url URL] [--cds-jwt-issuer 'ISS JWKS-FILE']...\n"
    "                    [--cds-max-body BYTES] [--cds-smart-url URL]\n"
    "                    [--header-timeout S] [--min-body-rate BYTES_PER_S]\n"
    "                    [--auth-failures N] [--workers N] [--log-format logfmt|json|none]\n"
    "                    [--trusted-proxy ADDR] [--token-cache S]\n"
    "  Serves the web page and the HTTP API (docs/http-api.md). --port 0 picks a free\n"
    "  port; when ready it prints a line 'listening on http://ADDR:PORT/'.\n"
    "  A new database is created empty (mode 0600); with --demo (./run.sh) it gets the\n"
    "  demo referrals and one demo token per role, printed once. --open-evaluate lets\n"
    "  evaluate/facts/scores/screen/kb be used without a token. Tokens: mmpath token new.\n"
    "  --config FILE reads the same settings as 'key = value' lines (the options\n"
    "  without '--'; demo = yes for --demo); the command line overrides it.\n"
    "  --time-zone: the centre's IANA zone, whose date is 'today' for the referral\n"
    "  pathway (no event after it); default MMPATH_TIME_ZONE, else Europe/Rome.\n"
    "  --screen-dir DIR: registry files (JSON Lines) that hub and analyst tokens\n"
    "  screen by file name from the page (POST /api/v1/screen?file=NAME).\n"
    "  CDS Hooks (docs/cds-hooks.md): --public-url is the server's address as clients\n"
    "  see it (JWT aud, the cards' links); each --cds-jwt-issuer trusts the JWTs of\n"
    "  one CDS client, checked with the public keys of its JWK Set file.\n"
    "  Limits (docs/deploy.md#limits): --header-timeout S (10) to send a request's\n"
    "  line and headers, --min-body-rate (1024 bytes/s) for a body after that,\n"
    "  --auth-failures N refused tokens a minute from one address before 429 (10),\n"
    "  --workers N threads (0: one per core). --trusted-proxy ADDR: the reverse\n"
    "  proxy whose X-Real-IP names the client. --token-cache S (1): seconds a worker\n"
    "  trusts a token it accepted before reading it again (a revocation counts at\n"
    "  most that late; 0: read at every request). Each request is logged on standard\n"
    "  error as one logfmt (default) or JSON line: no token, no patient data.\n"
    "  --db: an SQLite file (default ./mmpath.db) or postgresql://USER@HOST/DB (several\n"
    "  servers may share one); the schema is migrated at start; a database that\n"
    "  cannot be written is refused. --token-expires (90d, never): the demo tokens'\n"
    "  lifetime, and `mmpath token new --config`'s default.\n";

/* The settings, from --config FILE then the command line (which wins). */
typedef struct serve_opts {
  const char *kb, *db, *bind, *tz, *screen_dir;
  const char *token_expires; /* lifetime of new tokens ("90d", "never") */
  unsigned long long port;
  bool open_eval, demo;
  mm_server_limits limits;
  const char *public_url, *smart_url;
  size_t cds_max_body;
  const char *issuers[16]; /* "ISS JWKS-FILE" */
  size_t n_issuers;
  unsigned workers;
  unsigned token_cache; /* seconds (mm_api.token_ttl) */
  mm_log_format log_format;
  const char *trusted_proxy;
} serve_opts;

static int serve(const serve_opts *o);

/* `where` prefixes every message: "" for the command line, "FILE:LINE: "
 * for the configuration file, whose keys are the options without "--". */
static bool parse_uint(const char *where, const char *name, const char *s,
                       unsigned long long max, unsigned long long *out) {
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end || s[0] == '-' || v > max) {
    fprintf(stderr, "%smmpath serve: %s%s: '%s' is not a number from 0 to %llu\n", where,
            *where ? "" : "--", name, s, max);
    return false;
  }
  *out = v;
  return true;
}

static bool parse_bool(const char *where, const char *name, const char *s, bool *out) {
  if (strcmp(s, "yes") == 0 || strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
    *out = true;
  } else if (strcmp(s, "no") == 0 || strcmp(s, "false") == 0 || strcmp(s, "0") == 0) {
    *out = false;
  } else {
    fprintf(stderr, "%smmpath serve: %s: '%s' is not yes or no\n", where, name, s);
    return false;
  }
  return true;
}

/* Sets option `name` (without "--") to `v`. Returns 0, 1 for an unknown
 * name (the caller says it), -1 for a wrong value (said here). Strings are
 * borrowed: `v` must outlive o. */
static int set_option(serve_opts *o, const char *where, const char *name, const char *v) {
  unsigned long long n;
  if (strcmp(name, "port") == 0) return parse_uint(where, name, v, 65535, &o->port) ? 0 : -1;
  if (strcmp(name, "bind") == 0) return o->bind = v, 0;
  if (strcmp(name, "db") == 0) return o->db = v, 0;
  if (strcmp(name, "trusted-proxy") == 0) {
    struct in_addr a;
    if (inet_pton(AF_INET, v, &a) != 1) {
      fprintf(stderr, "%smmpath serve: %s%s: '%s' is not an IPv4 address\n", where,
              *where ? "" : "--", name, v);
      return -1;
    }
    return o->trusted_proxy = v, 0;
  }
  if (strcmp(name, "kb") == 0) return o->kb = v, 0;
  if (strcmp(name, "screen-dir") == 0) {
    struct stat dst;
    if (!*v || stat(v, &dst) != 0 || !S_ISDIR(dst.st_mode)) {
      fprintf(stderr, "%smmpath serve: %sscreen-dir: '%s' is not a directory\n", where,
              *where ? "" : "--", v);
      return -1;
    }
    return o->screen_dir = v, 0;
  }
  if (strcmp(name, "time-zone") == 0) {
    /* an unknown zone would silently be UTC: refuse it */
    char zpath[512];
    struct stat zst;
    snprintf(zpath, sizeof zpath, "/usr/share/zoneinfo/%s", v);
    if (!*v || strstr(v, "..") || stat(zpath, &zst) != 0 || !S_ISREG(zst.st_mode)) {
      fprintf(stderr, "%smmpath serve: %stime-zone: '%s' is not a time zone (e.g. Europe/Rome)\n",
              where, *where ? "" : "--", v);
      return -1;
    }
    return o->tz = v, 0;
  }
  if (strcmp(name, "open-evaluate") == 0) return parse_bool(where, name, v, &o->open_eval) ? 0 : -1;
  if (strcmp(name, "demo") == 0) return parse_bool(where, name, v, &o->demo) ? 0 : -1;
  if (strcmp(name, "public-url") == 0) {
    if ((strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) ||
        v[strlen(v) - 1] == '/') {
      fprintf(stderr, "%smmpath serve: public-url: '%s' is not an http(s) URL without a "
                      "trailing '/'\n", where, v);
      return -1;
    }
    return o->public_url = v, 0;
  }
  if (strcmp(name, "cds-smart-url") == 0) return o->smart_url = v, 0;
  if (strcmp(name, "cds-jwt-issuer") == 0) {
    if (!strchr(v, ' ') || o->n_issuers == sizeof o->issuers / sizeof *o->issuers) {
      fprintf(stderr, "%smmpath serve: cds-jwt-issuer: '%s': expected 'ISS JWKS-FILE' "
                      "(at most 16 issuers)\n", where, v);
      return -1;
    }
    o->issuers[o->n_issuers++] = v;
    return 0;
  }
  if (strcmp(name, "cds-max-body") == 0) {
    if (!parse_uint(where, name, v, (unsigned long long)1 << 30, &n) || n == 0) return -1;
    o->cds_max_body = (size_t)n;
    return 0;
  }
  if (strcmp(name, "token-expires") == 0) {
    long long secs;
    if (!mm_token_parse_lifetime(v, &secs)) {
      fprintf(stderr, "%smmpath serve: %s%s: '%s' is not a lifetime (30m, 12h, 90d, 2w, never)\n",
              where, *where ? "" : "--", name, v);
      return -1;
    }
    return o->token_expires = v, 0;
  }
  if (strcmp(name, "max-body") == 0) {
    if (!parse_uint(where, name, v, (unsigned long long)1 << 30, &n) || n == 0) return -1;
    o->limits.max_body = (size_t)n;
  } else if (strcmp(name, "max-connections") == 0) {
    if (!parse_uint(where, name, v, 4096, &n) || n == 0) return -1;
    o->limits.max_connections = (unsigned)n;
  } else if (strcmp(name, "max-per-client") == 0) {
    if (!parse_uint(where, name, v, 4096, &n) || n == 0) return -1;
    o->limits.max_per_client = (unsigned)n;
  } else if (strcmp(name, "idle-timeout") == 0) {
    if (!parse_uint(where, name, v, 3600, &n) || n == 0) return -1;
    o->limits.idle_timeout = (unsigned)n;
  } else if (strcmp(name, "header-timeout") == 0) {
    if (!parse_uint(where, name, v, 3600, &n) || n == 0) return -1;
    o->limits.header_timeout = (unsigned)n;
  } else if (strcmp(name, "min-body-rate") == 0) { /* 0: no minimum */
    if (!parse_uint(where, name, v, (unsigned long long)1 << 30, &n)) return -1;
    o->limits.min_body_rate = (unsigned)n;
  } else if (strcmp(name, "auth-failures") == 0) { /* 0: no throttling */
    if (!parse_uint(where, name, v, 100000, &n)) return -1;
    o->limits.auth_failures = (unsigned)n;
  } else if (strcmp(name, "workers") == 0) { /* 0: one per core */
    if (!parse_uint(where, name, v, 64, &n)) return -1;
    o->workers = (unsigned)n;
  } else if (strcmp(name, "token-cache") == 0) { /* 0: every request reads the store */
    if (!parse_uint(where, name, v, 60, &n)) return -1;
    o->token_cache = (unsigned)n;
  } else if (strcmp(name, "log-format") == 0) {
    if (strcmp(v, "logfmt") == 0) o->log_format = MM_LOG_LOGFMT;
    else if (strcmp(v, "json") == 0) o->log_format = MM_LOG_JSON;
    else if (strcmp(v, "none") == 0) o->log_format = MM_LOG_NONE;
    else {
      fprintf(stderr, "%smmpath serve: %s%s: '%s' is not logfmt, json or none\n", where,
              *where ? "" : "--", name, v);
      return -1;
    }
  } else {
    return 1;
  }
  return 0;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) e--;
  *e = '\0';
  return s;
}

/* Reads `key = value` lines of `path` (`#` starts a comment) into o. The
 * file's text is kept in *text_out (malloc'd: the values point into it).
 * Returns an exit code. */
static int read_config(serve_opts *o, const char *path, char **text_out) {
  size_t len;
  char *text = mm_cli_read_file(path, &len);
  *text_out = text;
  if (!text) {
    fprintf(stderr, "mmpath serve: --config: cannot read %s\n", path);
    return MM_EXIT_SETUP;
  }
  if (strlen(text) != len) {
    fprintf(stderr, "%s: mmpath serve: a NUL byte in the configuration file\n", path);
    return MM_EXIT_USAGE;
  }
  int lineno = 0;
  for (char *line = text, *next; line; line = next) {
    lineno++;
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    char *l = trim(line);
    if (!*l) continue;
    char where[512];
    snprintf(where, sizeof where, "%s:%d: ", path, lineno);
    char *eq = strchr(l, '=');
    if (!eq) {
      fprintf(stderr, "%smmpath serve: expected 'key = value', not '%s'\n", where, l);
      return MM_EXIT_USAGE;
    }
    *eq = '\0';
    char *key = trim(l), *val = trim(eq + 1);
    if (!*val) {
      fprintf(stderr, "%smmpath serve: '%s' has no value\n", where, key);
      return MM_EXIT_USAGE;
    }
    int rc = set_option(o, where, key, val);
    if (rc > 0)
      fprintf(stderr, "%smmpath serve: unknown key '%s' (the keys: serve's long options "
                      "without '--', and demo)\n", where, key);
    if (rc != 0) return MM_EXIT_USAGE;
  }
  return MM_EXIT_OK;
}

int mm_cmd_serve(int argc, char **argv) {
  serve_opts o = {.db = "mmpath.db", .bind = "127.0.0.1", .port = 8080,
                  .token_expires = "90d", .limits = MM_SERVER_LIMITS_INIT,
                  .cds_max_body = MM_CDS_MAX_BODY, .log_format = MM_LOG_LOGFMT,
                  .token_cache = 1};
  /* the configuration file first, so that the command line overrides it */
  char *config_text = NULL;
  for (int i = 1; i + 1 < argc; i++)
    if (strcmp(argv[i], "--config") == 0) {
      free(config_text);
      int rc = read_config(&o, argv[i + 1], &config_text);
      if (rc != MM_EXIT_OK) {
        free(config_text);
        return rc;
      }
    }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      free(config_text);
      return MM_EXIT_OK;
    } else if (strcmp(a, "--open-evaluate") == 0) {
      o.open_eval = true;
      continue;
    } else if (strcmp(a, "--demo") == 0 || strcmp(a, "--no-demo") == 0) {
      /* --no-demo: the default since the demo is asked for; still accepted */
      o.demo = strcmp(a, "--demo") == 0;
      continue;
    }
    if (!v || strncmp(a, "--", 2) != 0) {
      fprintf(stderr, "mmpath serve: %s '%s'\n%s", v ? "unexpected argument" : "missing value after", a,
              usage_text);
      free(config_text);
      return MM_EXIT_USAGE;
    }
    i++;
    int rc = strcmp(a, "--config") == 0 ? 0 : set_option(&o, "", a + 2, v);
    if (rc > 0) fprintf(stderr, "mmpath serve: unknown option '%s'\n%s", a, usage_text);
    if (rc != 0) {
      free(config_text);
      return MM_EXIT_USAGE;
    }
  }
  int rc = serve(&o);
  free(config_text);
  return rc;
}

/* CDS Hooks: the trusted clients' JWK Sets, read once, and the store of
 * the evaluations the cards link to (only with a public URL to link from).
 * An exit code; what is wrong is said here. */
static int cds_setup(const serve_opts *o, mm_jwt_verifier **jwt, mm_cds_store **store) {
  if (o->n_issuers && !o->public_url) {
    fprintf(stderr, "mmpath serve: cds-jwt-issuer needs public-url (a JWT's aud is the URL "
                    "of the service called)\n");
    return MM_EXIT_USAGE;
  }
  /* 5 minutes: the lifetime CDS Hooks 2.0 suggests for a client's JWT;
   * 60 s of clock skew; 65,536 live jti values (2 MiB) */
  if (o->n_issuers && mm_jwt_verifier_new(jwt, 60, 300, 65536) != 0) {
    fprintf(stderr, "mmpath serve: out of memory\n");
    return MM_EXIT_INTERNAL;
  }
  for (size_t i = 0; i < o->n_issuers; i++) {
    const char *v = o->issuers[i], *sp = strrchr(v, ' ');
    char iss[1024];
    snprintf(iss, sizeof iss, "%.*s", (int)(sp - v), v);
    while (*++sp == ' ') {}
    size_t len;
    char *text = mm_cli_read_file(sp, &len);
    char err[512];
    int rc = text ? mm_jwt_verifier_add_issuer(*jwt, iss, text, len, err, sizeof err) : -1;
    if (!text) snprintf(err, sizeof err, "cannot read the file");
    free(text);
    if (rc != 0) {
      fprintf(stderr, "mmpath serve: cds-jwt-issuer %s: %s: %s\n", iss, sp, err);
      return MM_EXIT_USAGE;
    }
  }
  /* 15 minutes, 512 pages: a link outlives the card's reading, not the day */
  if (o->public_url && mm_cds_store_new(store, 512, 900) != 0) {
    fprintf(stderr, "mmpath serve: out of memory\n");
    return MM_EXIT_INTERNAL;
  }
  return MM_EXIT_OK;
}

static int count_one(void *ctx, const void *row) {
  (void)row;
  ++*(size_t *)ctx;
  return 1; /* one is enough */
}
static int count_ref(void *ctx, const mm_referral *r) { return count_one(ctx, r); }
static int count_token(void *ctx, const mm_ref_token *t) { return count_one(ctx, t); }

/* Opens the database (migrating it), checks that it takes writes, and fills
 * an empty one with the demo when asked (printing the demo tokens once).
 * -1 after saying why on stderr. */
static int open_database(const char *db, const mm_ref_kb *ref_kb, bool demo,
                         const char *lifetime, bool *fresh) {
  char err[512];
  mm_ref_store *s = NULL;
  int rc = mm_ref_store_open(&s, db, ref_kb, err, sizeof err);
  if (rc != MM_REF_OK) {
    fprintf(stderr, "mmpath serve: %s\n", err);
    return -1;
  }
  char user[64];
  mm_ref_who who = {0, NULL, NULL, mm_cli_os_user(user, sizeof user)};
  mm_ref_store_set_who(s, &who);
  /* a server that cannot store what it is told must not start */
  rc = mm_ref_store_ping(s);
  if (rc != MM_REF_OK) {
    fprintf(stderr, "mmpath serve: %s: %s (%s)\n", db,
            rc == MM_REF_EREADONLY ? "the database cannot be written"
            : rc == MM_REF_EFULL   ? "the disk is full"
                                   : "the database does not take writes",
            mm_ref_store_errmsg(s));
    mm_ref_store_free(s);
    return -1;
  }
  size_t n_refs = 0, n_tokens = 0;
  if ((rc = mm_ref_store_foreach(s, NULL, count_ref, &n_refs)) < 0 ||
      (rc = mm_ref_store_token_foreach(s, count_token, &n_tokens)) < 0) {
    fprintf(stderr, "mmpath serve: %s: %s\n", db, mm_ref_store_errmsg(s));
    mm_ref_store_free(s);
    return -1;
  }
  *fresh = n_refs == 0 && n_tokens == 0;
  if (!*fresh || !demo) {
    mm_ref_store_free(s);
    return 0;
  }
  size_t n = 0;
  if (mm_server_load_demo(db, ref_kb, &n, err, sizeof err) != 0) {
    fprintf(stderr, "mmpath serve: %s\n", err);
    mm_ref_store_free(s);
    return -1;
  }
  long long secs = 0;
  char expires[32];
  mm_token_parse_lifetime(lifetime, &secs);
  if (secs) mm_ref_now(expires, secs);
  printf("new database %s with %zu demo referrals; demo tokens (shown once):\n", db, n);
  static const struct { const char *center; mm_role role; } demo_tokens[] = {
      {"BO-SER", MM_ROLE_HUB}, {"FE-ONC", MM_ROLE_SPOKE}, {"BO-SER", MM_ROLE_ANALYST}};
  for (size_t i = 0; i < sizeof demo_tokens / sizeof *demo_tokens; i++) {
    char token[MM_TOKEN_LEN + 1];
    long long id;
    if (mm_token_new(token, &id, s, demo_tokens[i].center, demo_tokens[i].role,
                     secs ? expires : NULL, true, "mmpath serve (demo)") != 0) {
      fprintf(stderr, "mmpath serve: cannot create the demo tokens: %s\n",
              mm_ref_store_errmsg(s));
      mm_ref_store_free(s);
      return -1;
    }
    printf("  %-8s %-7s %s\n", mm_role_name(demo_tokens[i].role), demo_tokens[i].center,
           token);
  }
  printf("(the demo tokens %s%s)\n", secs ? "expire " : "never expire", secs ? expires : "");
  mm_ref_store_free(s);
  return 0;
}

static int serve(const serve_opts *o) {
  if (o->tz) { /* before any thread: "today" of the referral pathway */
    setenv("TZ", o->tz, 1);
    tzset();
  }
  const char *kb_flag = o->kb, *db = o->db, *bind = o->bind;
  unsigned long long port = o->port;
  bool open_eval = o->open_eval, demo = o->demo;
  mm_server_limits limits = o->limits;

  /* an address we cannot listen on is a usage error: say so before the
   * database is created */
  struct in_addr probe;
  if (strcmp(bind, "localhost") != 0 && inet_pton(AF_INET, bind, &probe) != 1) {
    fprintf(stderr, "mmpath serve: --bind: '%s' is not an IPv4 address\n", bind);
    return MM_EXIT_USAGE;
  }

  /* the knowledge base, every part of it, loaded once */
  const char *kb_dir = mm_cli_kb_dir(kb_flag);
  mm_arena darena;
  mm_arena_init(&darena, 8192);
  mm_diags diags;
  mm_diags_init(&diags, &darena);
  mm_kb *kb = NULL;
  if (mm_kb_load(&kb, kb_dir, &diags) != 0) {
    for (const mm_diag *d = diags.head; d; d = d->next)
      if (d->level == MM_DIAG_ERROR)
        fprintf(stderr, "%s:%d:%d: %s\n", d->source ? d->source : kb_dir, d->line, d->col,
                d->text);
    fprintf(stderr, "mmpath serve: the knowledge base in %s cannot be loaded\n", kb_dir);
    mm_arena_free(&darena);
    return MM_EXIT_SETUP;
  }
  mm_arena_free(&darena);
  const mm_ref_kb *ref_kb = mm_kb_referral(kb);

  /* the database: open (migrating its schema), prove it takes writes; an
   * empty one gets the demo when asked */
  char err[512];
  int rc = MM_EXIT_OK;
  mm_jobs *jobs = NULL;
  mm_jwt_verifier *jwt = NULL;
  mm_cds_store *store = NULL;
  bool fresh = false;
  if (open_database(db, ref_kb, demo, o->token_expires, &fresh) != 0) {
    rc = MM_EXIT_SETUP;
    goto done;
  }

  if (mm_jobs_new(&jobs) != 0) {
    fprintf(stderr, "mmpath serve: out of memory\n");
    rc = MM_EXIT_INTERNAL;
    goto done;
  }
  if (cds_setup(o, &jwt, &store) != MM_EXIT_OK) {
    rc = MM_EXIT_USAGE;
    goto done;
  }
  mm_api api = {.kb = kb, .scores = mm_kb_scores(kb), .ref_kb = ref_kb, .db_path = db,
                .open_evaluate = open_eval, .token_ttl = o->token_cache, .limits = limits,
                .jobs = jobs,
                .fhir = mm_kb_fhir_map(kb), .cds_jwt = jwt, .public_url = o->public_url,
                .cds_max_body = o->cds_max_body, .cds_store = store,
                .cds_smart_url = o->smart_url, .screen_dir = o->screen_dir};
  mm_server_config cfg = {bind,      (unsigned)port,   limits, o->workers,
                          "/api/v1/health", o->log_format, o->trusted_proxy};

  /* SIGINT/SIGTERM are taken by sigwait below: block them before MHD starts
   * its threads so they inherit the mask; a closed client must not kill us. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  mm_server *srv = NULL;
  mm_http_handler handler;
  mm_api_http_handler(&handler, &api);
  if (mm_server_start(&srv, &handler, &cfg, err, sizeof err) != 0) {
    fprintf(stderr, "mmpath serve: %s\n", err);
    rc = MM_EXIT_SETUP;
    goto done;
  }
  printf("listening on http://%s:%u/\n", strcmp(bind, "localhost") == 0 ? "127.0.0.1" : bind,
         mm_server_port(srv));
  printf("open http://%s:%u/ in a browser; API at /api/v1 (knowledge base %s, database %s)%s\n",
         strcmp(bind, "0.0.0.0") == 0 ? "127.0.0.1" : bind, mm_server_port(srv),
         kb->version ? kb->version : "?", db,
         open_eval ? "; evaluation open without a token" : "");
  if (!fresh || !demo)
    printf("API tokens for the referral board and the funnel: mmpath token new --center "
           "CENTRE --role hub|spoke|analyst --db %s\n", db);
  printf("Ctrl-C stops the server\n");
  fflush(stdout);
  int sig = 0;
  sigwait(&sigs, &sig);
  fprintf(stderr, "mmpath serve: stopping (signal %d)\n", sig);
  mm_server_stop(srv);
  mm_jobs_free(jobs); /* waits for streamed screenings to end */
  jobs = NULL;

done:
  mm_jobs_free(jobs);
  mm_jwt_verifier_free(jwt);
  mm_cds_store_free(store);
  mm_kb_free(kb);
  return rc;
}
