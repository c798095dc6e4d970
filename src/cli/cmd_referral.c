/* cmd_referral.c: `mmpath referral new|move|show|list|import|export|check`,
 * the CAR-T referral registry (docs/referral.md). Every write goes through
 * the store (src/referral/store.h): one transaction, checked by the state
 * machine, nothing stored when refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "referral/pathway.h"
#include "referral/referral.h"
#include "referral/store.h"

#define MAX_OUT ((size_t)1 << 30)

static const char usage_text[] =
    "usage: mmpath referral COMMAND [OPTIONS]   (all take --db PATH, default ./mmpath.db,\n"
    "                                            and --kb DIR)\n"
    "  new --id ID --patient PSEUDONYM --from CENTRE --to CENTRE --target PRODUCT\n"
    "      [--date YYYY-MM-DD] [--note TEXT]     a new referral, state 'referred'\n"
    "  move ID STATE [--date YYYY-MM-DD] [--reason REASON] [--note TEXT]\n"
    "                                            append an event (checked by the pathway)\n"
    "  show ID [--format text|json]              one referral and its events\n"
    "  list [--to C] [--from C] [--patient P] [--since D] [--until D] [--state S]\n"
    "       [--format text|json|count]           referrals, one a line\n"
    "  import FILE|-                             mmpath/referral@1 JSON (one or an array),\n"
    "                                            all or nothing\n"
    "  export [--out FILE] [list filters]        mmpath/referral@1 JSON array\n"
    "  check                                     storage integrity + every history re-checked\n"
    "  record ID KIND --data JSON|@FILE [--date D]  a record: note, bridging, lymphodepletion,\n"
    "                                            product, visit, crs, icans (docs/referral.md)\n"
    "  correct ID SEQ --why TEXT [--date D] [--reason R] [--note T] [--void]\n"
    "                                            corrects event SEQ (0-based) with a new event\n"
    "  next ID [--format text|json]              the moves and records allowed now\n"
    "  letter ID [--lang it|en] [--out FILE]     the letter to the referring centre (HTML)\n"
    "  registry [--format json|csv] [--out FILE] [--to C] [--from C]\n"
    "                                            EBMT / CIBMTR rows of infused patients\n"
    "Without --id, new issues the id FROM-YEAR-NNNN. --date defaults to today in the centre's\n"
    "time zone (MMPATH_TIME_ZONE, default Europe/Rome); no event may be dated after it.\n"
    "Every change records who made it: the operating-system user (cli:USER, with the event\n"
    "and in the audit log, same transaction). PATH may be postgresql://... Patient ids are\n"
    "pseudonyms: the registry holds no names.\n";

/* ---- options ---- */

typedef struct opts {
  const char *db, *kb, *id, *patient, *from, *to, *target, *date, *note, *reason, *format,
      *out, *state, *since, *until, *actor, *data, *why, *lang;
  bool void_;
  char user[64]; /* the operating-system user */
  const char *pos[3];
  int npos;
} opts;

static int parse_opts(int argc, char **argv, opts *o) {
  struct { const char *name; const char **slot; } flags[] = {
      {"db", &o->db},         {"kb", &o->kb},         {"id", &o->id},
      {"patient", &o->patient}, {"from", &o->from},   {"to", &o->to},
      {"target", &o->target}, {"date", &o->date},     {"note", &o->note},
      {"reason", &o->reason}, {"format", &o->format}, {"out", &o->out},
      {"state", &o->state},   {"since", &o->since},   {"until", &o->until},
      {"actor", &o->actor},   {"data", &o->data},     {"why", &o->why},
      {"lang", &o->lang}};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--void") == 0) {
      o->void_ = true;
      continue;
    }
    if (strncmp(a, "--", 2) != 0 || strcmp(a, "-") == 0) {
      if (o->npos == 3) {
        fprintf(stderr, "mmpath referral: unexpected argument '%s'\n", a);
        return -1;
      }
      o->pos[o->npos++] = a;
      continue;
    }
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    bool found = false;
    for (size_t k = 0; k < sizeof flags / sizeof *flags; k++) {
      if (strlen(flags[k].name) != len || strncmp(flags[k].name, name, len) != 0) continue;
      found = true;
      if (eq) *flags[k].slot = eq + 1;
      else if (i + 1 < argc) *flags[k].slot = argv[++i];
      else {
        fprintf(stderr, "mmpath referral: --%s needs a value\n", flags[k].name);
        return -1;
      }
    }
    if (!found) {
      fprintf(stderr, "mmpath referral: unknown option '%s'\n", a);
      return -1;
    }
  }
  if (!o->db) o->db = "mmpath.db";
  return 0;
}

static bool parse_date(const char *flag, const char *s, mm_date *out) {
  if (!s) {
    *out = MM_DATE_NONE;
    return true;
  }
  if (mm_date_parse(s, strlen(s), out)) return true;
  fprintf(stderr, "mmpath referral: --%s must be a date YYYY-MM-DD, got '%s'\n", flag, s);
  return false;
}

/* Everything a subcommand needs: kb, store, an arena, diagnostics. */
typedef struct ctx {
  mm_kb *kbase;        /* the knowledge base, loaded whole */
  const mm_ref_kb *kb; /* its referral vocabulary */
  mm_ref_store *store;
  mm_ref_who who; /* the OS user, for the audit */
  mm_arena arena;
  mm_diags diags;
} ctx;

static int ctx_open(ctx *c, const opts *o) {
  memset(c, 0, sizeof *c);
  if (o->actor) {
    /* free text named nobody for sure: the audit needs the real user */
    fprintf(stderr, "mmpath referral: --actor is no longer taken: the operating-system user "
                    "(%s) is recorded\n", o->user);
    return MM_EXIT_USAGE;
  }
  mm_arena_init(&c->arena, 65536);
  mm_diags_init(&c->diags, &c->arena);
  if (mm_kb_load(&c->kbase, mm_cli_kb_dir(o->kb), &c->diags) < 0) {
    mm_cli_print_diags(&c->diags, MM_LANG_EN);
    return MM_EXIT_SETUP;
  }
  c->kb = mm_kb_referral(c->kbase);
  char err[512];
  if (mm_ref_store_open(&c->store, o->db, c->kb, err, sizeof err) != MM_REF_OK) {
    fprintf(stderr, "mmpath referral: %s\n", err);
    return MM_EXIT_SETUP;
  }
  c->who = (mm_ref_who){0, NULL, NULL, o->user};
  mm_ref_store_set_who(c->store, &c->who);
  return MM_EXIT_OK;
}

static void ctx_close(ctx *c) {
  mm_ref_store_free(c->store);
  mm_kb_free(c->kbase);
  mm_arena_free(&c->arena);
}

/* Maps a store result to an exit code, printing why. */
static int report(ctx *c, int rc) {
  mm_cli_print_diags(&c->diags, MM_LANG_EN);
  switch (rc) {
  case MM_REF_OK: return MM_EXIT_OK;
  case MM_REF_EINVALID:
  case MM_REF_EEXISTS:
  case MM_REF_ENOTFOUND: return MM_EXIT_INVALID;
  default:
    fprintf(stderr, "mmpath referral: %s\n",
            rc == MM_REF_ENOMEM ? "out of memory" : mm_ref_store_errmsg(c->store));
    return MM_EXIT_INTERNAL;
  }
}

static int write_out(const char *path, const mm_strbuf *b) {
  if (b->failed) {
    fprintf(stderr, "mmpath referral: output too large or out of memory\n");
    return MM_EXIT_INTERNAL;
  }
  if (!path || strcmp(path, "-") == 0) {
    fwrite(b->data ? b->data : "", 1, b->len, stdout);
    return fflush(stdout) == 0 ? MM_EXIT_OK : MM_EXIT_INTERNAL;
  }
  /* Never half-written: a temporary file, flushed, then renamed over. */
  size_t n = strlen(path) + 32;
  char *tmp = malloc(n);
  if (!tmp) return MM_EXIT_INTERNAL;
  snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  bool ok = f && fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
  ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
  if (f && fclose(f) != 0) ok = false;
  if (ok && rename(tmp, path) != 0) ok = false;
  if (!ok) {
    perror(path);
    remove(tmp);
  }
  free(tmp);
  return ok ? MM_EXIT_OK : MM_EXIT_INTERNAL;
}

/* ---- subcommands ---- */

/* Who records a change from the command line: the OS user. */
static const char *cli_actor(ctx *c, const opts *o) {
  return mm_arena_printf(&c->arena, "cli:%s", o->user);
}

static int cmd_new(ctx *c, const opts *o) {
  const char *missing = !o->patient ? "--patient" : !o->from ? "--from"
                        : !o->to ? "--to" : !o->target ? "--target" : NULL;
  if (missing) {
    fprintf(stderr, "mmpath referral new: %s is required\n", missing);
    return MM_EXIT_USAGE;
  }
  mm_ref_event ev = {0, MM_RS_REFERRED, NULL, o->note, cli_actor(c, o), NULL, NULL};
  if (!parse_date("date", o->date, &ev.date)) return MM_EXIT_USAGE;
  mm_date today = mm_ref_today();
  if (ev.date == MM_DATE_NONE) ev.date = today;
  if (ev.date > today) {
    fprintf(stderr, "error: date: %s is after today (the centre's time zone)\n", o->date);
    return MM_EXIT_INVALID;
  }
  mm_referral r = {o->id, o->patient, o->from, o->to, o->target, 1, &ev};
  int y, m, d;
  mm_date_to_ymd(today, &y, &m, &d);
  int rc = o->id ? mm_ref_store_create(c->store, &r, &c->diags)
                 : mm_ref_store_create_issued(c->store, &r,
                                              mm_arena_printf(&c->arena, "%s-%d", o->from, y),
                                              &c->arena, &c->diags);
  if (rc == MM_REF_OK) printf("%s: referred\n", r.id);
  return report(c, rc);
}

static int cmd_move(ctx *c, const opts *o) {
  if (o->npos != 2) {
    fprintf(stderr, "usage: mmpath referral move ID STATE [--date D] [--reason R] [--note T]\n");
    return MM_EXIT_USAGE;
  }
  mm_ref_event ev = {0, MM_RS_REFERRED, o->reason, o->note, cli_actor(c, o), NULL, NULL};
  if (!mm_ref_state_parse(o->pos[1], &ev.state)) {
    fprintf(stderr, "mmpath referral move: unknown state '%s'; states:", o->pos[1]);
    for (int s = 0; s < MM_RS_COUNT; s++) fprintf(stderr, " %s", mm_ref_state_name(s));
    fprintf(stderr, "\n");
    return MM_EXIT_USAGE;
  }
  if (!parse_date("date", o->date, &ev.date)) return MM_EXIT_USAGE;
  if (ev.date == MM_DATE_NONE) ev.date = mm_ref_today();
  int rc = mm_ref_pathway_append(c->store, c->kbase, o->pos[0], &ev, MM_REF_BY_HUB,
                                 mm_ref_today(), &c->arena, &c->diags);
  if (rc == MM_REF_OK) printf("%s: %s\n", o->pos[0], o->pos[1]);
  return report(c, rc);
}

/* ---- the pathway beyond moves (src/referral/pathway.h) ---- */

/* --data JSON, or @FILE */
static char *data_text(ctx *c, const char *arg) {
  if (!arg) return NULL;
  if (arg[0] != '@') return mm_arena_strdup(&c->arena, arg);
  size_t len;
  char *t = mm_cli_read_file(arg + 1, &len);
  if (!t) {
    perror(arg + 1);
    return NULL;
  }
  char *out = mm_arena_strdup(&c->arena, t);
  free(t);
  return out;
}

static int append_record(ctx *c, const opts *o, const char *id, mm_ref_event *ev) {
  if (!parse_date("date", o->date, &ev->date)) return MM_EXIT_USAGE;
  if (ev->date == MM_DATE_NONE) ev->date = mm_ref_today();
  int rc = mm_ref_pathway_append(c->store, c->kbase, id, ev, MM_REF_BY_HUB, mm_ref_today(),
                                 &c->arena, &c->diags);
  if (rc == MM_REF_OK) printf("%s: %s recorded\n", id, ev->kind);
  return report(c, rc);
}

static int cmd_record(ctx *c, const opts *o) {
  if (o->npos != 2 || !o->data) {
    fprintf(stderr, "usage: mmpath referral record ID KIND --data JSON|@FILE [--date D]\n");
    return MM_EXIT_USAGE;
  }
  if (mm_ref_kind_parse(o->pos[1]) < 0 || strcmp(o->pos[1], "correction") == 0) {
    fprintf(stderr, "mmpath referral record: unknown kind '%s'; kinds:", o->pos[1]);
    for (int k = 0; k < MM_RK_COUNT; k++)
      if (k != MM_RK_CORRECTION) fprintf(stderr, " %s", mm_ref_kind_name(k));
    fprintf(stderr, " (a correction: mmpath referral correct)\n");
    return MM_EXIT_USAGE;
  }
  mm_ref_event ev = {0, MM_RS_REFERRED, NULL, NULL, cli_actor(c, o), o->pos[1], NULL};
  if (!(ev.data = data_text(c, o->data))) return MM_EXIT_INVALID;
  return append_record(c, o, o->pos[0], &ev);
}

static int cmd_correct(ctx *c, const opts *o) {
  char *end = NULL;
  long seq = o->npos == 2 ? strtol(o->pos[1], &end, 10) : -1;
  if (o->npos != 2 || !end || *end || seq < 0 || !o->why) {
    fprintf(stderr, "usage: mmpath referral correct ID SEQ --why TEXT [--date D] [--reason R] "
                    "[--note T] [--void]\n");
    return MM_EXIT_USAGE;
  }
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_strbuf_printf(&b, "{\"corrects\":%ld,\"why\":", seq);
  mm_strbuf_json_string(&b, o->why);
  /* --date is the corrected date; the correction itself is dated today */
  if (o->date) mm_strbuf_printf(&b, ",\"date\":\"%s\"", o->date);
  if (o->reason) {
    mm_strbuf_puts(&b, ",\"reason\":");
    mm_strbuf_json_string(&b, o->reason);
  }
  if (o->note) {
    mm_strbuf_puts(&b, ",\"note\":");
    mm_strbuf_json_string(&b, o->note);
  }
  if (o->void_) mm_strbuf_puts(&b, ",\"void\":true");
  const char *who = cli_actor(c, o);
  mm_strbuf_puts(&b, ",\"who\":");
  mm_strbuf_json_string(&b, who);
  mm_strbuf_putc(&b, '}');
  mm_ref_event ev = {0, MM_RS_REFERRED, NULL, NULL, who, "correction",
                     mm_arena_strdup(&c->arena, b.data ? b.data : "{}")};
  mm_strbuf_free(&b);
  opts today = *o;
  today.date = NULL;
  return append_record(c, &today, o->pos[0], &ev);
}

static int get_one(ctx *c, const char *id, const char *cmd, mm_referral **r) {
  int rc = mm_ref_store_get(c->store, &c->arena, id, r);
  if (rc == MM_REF_ENOTFOUND) {
    fprintf(stderr, "mmpath referral %s: no referral '%s'\n", cmd, id);
    return MM_EXIT_INVALID;
  }
  return rc ? report(c, rc) : MM_EXIT_OK;
}

static int cmd_next(ctx *c, const opts *o) {
  if (o->npos != 1) {
    fprintf(stderr, "usage: mmpath referral next ID [--format text|json]\n");
    return MM_EXIT_USAGE;
  }
  mm_referral *r;
  int ex = get_one(c, o->pos[0], "next", &r);
  if (ex) return ex;
  mm_ref_next n;
  mm_ref_next_of(c->kbase, r, MM_REF_BY_HUB, mm_ref_today(), &c->arena, &n);
  mm_strbuf b;
  mm_strbuf_init(&b, MAX_OUT);
  if (o->format && strcmp(o->format, "json") == 0) {
    mm_ref_next_json(&b, c->kbase, &n, MM_LANG_EN);
    mm_strbuf_putc(&b, '\n');
  } else {
    char lo[11] = "-", hi[11];
    if (n.min_date != MM_DATE_NONE) mm_date_format(n.min_date, lo);
    mm_date_format(n.max_date, hi);
    mm_strbuf_printf(&b, "state %s; dates %s .. %s\nmoves:", mm_ref_state_name(n.state), lo, hi);
    for (size_t i = 0; i < n.n_next; i++)
      mm_strbuf_printf(&b, " %s%s", mm_ref_state_name(n.next[i]),
                       mm_ref_state_needs_reason(n.next[i]) ? "(reason)" : "");
    mm_strbuf_puts(&b, "\nrecords:");
    for (size_t i = 0; i < n.n_kinds; i++) mm_strbuf_printf(&b, " %s", mm_ref_kind_name(n.kinds[i]));
    mm_strbuf_putc(&b, '\n');
  }
  ex = write_out(NULL, &b);
  mm_strbuf_free(&b);
  return ex;
}

static int cmd_letter(ctx *c, const opts *o) {
  if (o->npos != 1) {
    fprintf(stderr, "usage: mmpath referral letter ID [--lang it|en] [--out FILE]\n");
    return MM_EXIT_USAGE;
  }
  mm_lang lang = MM_LANG_IT;
  if (o->lang && strcmp(o->lang, "en") == 0) lang = MM_LANG_EN;
  else if (o->lang && strcmp(o->lang, "it") != 0) {
    fprintf(stderr, "mmpath referral letter: --lang is it or en\n");
    return MM_EXIT_USAGE;
  }
  mm_referral *r;
  int ex = get_one(c, o->pos[0], "letter", &r);
  if (ex) return ex;
  mm_strbuf b;
  mm_strbuf_init(&b, MAX_OUT);
  int rc = mm_ref_letter_html(&b, c->kbase, r, lang, mm_ref_today(), &c->arena, &c->diags);
  ex = rc ? report(c, rc) : write_out(o->out, &b);
  mm_strbuf_free(&b);
  return ex;
}

typedef struct export_cli {
  mm_ref_export *x;
} export_cli;

static int export_one(void *p, const mm_referral *r) {
  return mm_ref_export_add(((export_cli *)p)->x, r);
}

static int cmd_registry(ctx *c, const opts *o) {
  bool csv = o->format && strcmp(o->format, "csv") == 0;
  if (o->format && !csv && strcmp(o->format, "json") != 0) {
    fprintf(stderr, "mmpath referral registry: --format is json or csv\n");
    return MM_EXIT_USAGE;
  }
  mm_ref_export *x;
  int rc = mm_ref_export_new(&x, c->kbase, &c->arena, &c->diags);
  if (rc) return report(c, rc);
  mm_ref_filter f = {NULL, NULL, o->to, o->from, MM_DATE_NONE, MM_DATE_NONE, NULL, NULL, 0};
  export_cli e = {x};
  rc = mm_ref_store_foreach(c->store, &f, export_one, &e);
  if (rc) return report(c, rc);
  mm_strbuf b;
  mm_strbuf_init(&b, MAX_OUT);
  if (csv) mm_ref_export_csv(&b, x);
  else mm_ref_export_json(&b, x);
  int ex = write_out(o->out, &b);
  mm_strbuf_free(&b);
  return ex;
}

static void show_text(mm_strbuf *b, const mm_ref_kb *kb, const mm_referral *r) {
  const mm_ref_target *t = mm_ref_kb_target(kb, r->target);
  mm_strbuf_printf(b, "%s  patient %s  %s -> %s  %s\n", r->id, r->patient, r->from_center,
                   r->to_center, t ? t->name.en : r->target);
  for (size_t i = 0; i < r->n_events; i++) {
    char d[11];
    mm_date_format(r->events[i].date, d);
    mm_strbuf_printf(b, "  %s  %-20s %s", d, mm_ref_state_name(r->events[i].state),
                     kb->states[r->events[i].state].en);
    if (r->events[i].reason) mm_strbuf_printf(b, "  reason: %s", r->events[i].reason);
    if (r->events[i].note) mm_strbuf_printf(b, "  note: %s", r->events[i].note);
    if (r->events[i].kind)
      mm_strbuf_printf(b, "  [%zu] %s %s", i, r->events[i].kind,
                       r->events[i].data ? r->events[i].data : "");
    mm_strbuf_putc(b, '\n');
  }
}

static int cmd_show(ctx *c, const opts *o) {
  if (o->npos != 1) {
    fprintf(stderr, "usage: mmpath referral show ID [--format text|json]\n");
    return MM_EXIT_USAGE;
  }
  mm_referral *r;
  int rc = mm_ref_store_get(c->store, &c->arena, o->pos[0], &r);
  if (rc == MM_REF_ENOTFOUND) {
    fprintf(stderr, "mmpath referral show: no referral '%s'\n", o->pos[0]);
    return MM_EXIT_INVALID;
  }
  if (rc) return report(c, rc);
  mm_strbuf b;
  mm_strbuf_init(&b, MAX_OUT);
  if (o->format && strcmp(o->format, "json") == 0) {
    mm_referral_to_json(&b, r, 2);
    mm_strbuf_putc(&b, '\n');
  } else {
    show_text(&b, c->kb, r);
  }
  int ex = write_out(NULL, &b);
  mm_strbuf_free(&b);
  return ex;
}

typedef struct list_ctx {
  mm_strbuf *b;
  int format; /* 0 text, 1 json, 2 count */
  bool has_state;
  mm_ref_state state;
  size_t n;
} list_ctx;

static int list_one(void *p, const mm_referral *r) {
  list_ctx *l = p;
  const mm_ref_event *last = &r->events[r->n_events - 1];
  if (l->has_state && last->state != l->state) return 0;
  if (l->format == 1) {
    mm_strbuf_puts(l->b, l->n ? ",\n  " : "\n  ");
    mm_referral_to_json(l->b, r, -1);
  } else if (l->format == 0) {
    char d0[11], d1[11];
    mm_date_format(r->events[0].date, d0);
    mm_date_format(last->date, d1);
    mm_strbuf_printf(l->b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r->id, r->patient,
                     r->from_center, r->to_center, r->target, d0,
                     mm_ref_state_name(last->state), d1);
  }
  l->n++;
  return l->b->failed ? MM_REF_ENOMEM : 0;
}

static int cmd_list(ctx *c, const opts *o, bool export) {
  mm_ref_filter f = {NULL, o->patient, o->to, o->from, MM_DATE_NONE, MM_DATE_NONE, NULL, NULL, 0};
  if (!parse_date("since", o->since, &f.since) || !parse_date("until", o->until, &f.until))
    return MM_EXIT_USAGE;
  list_ctx l = {NULL, export ? 1 : 0, false, MM_RS_REFERRED, 0};
  if (o->format && !export) {
    if (strcmp(o->format, "json") == 0) l.format = 1;
    else if (strcmp(o->format, "count") == 0) l.format = 2;
    else if (strcmp(o->format, "text") != 0) {
      fprintf(stderr, "mmpath referral list: --format is text, json or count\n");
      return MM_EXIT_USAGE;
    }
  }
  if (o->state && !(l.has_state = mm_ref_state_parse(o->state, &l.state))) {
    fprintf(stderr, "mmpath referral: unknown state '%s'\n", o->state);
    return MM_EXIT_USAGE;
  }
  mm_strbuf b;
  mm_strbuf_init(&b, MAX_OUT);
  l.b = &b;
  if (l.format == 1) mm_strbuf_putc(&b, '[');
  int rc = mm_ref_store_foreach(c->store, &f, list_one, &l);
  if (rc) {
    mm_strbuf_free(&b);
    return report(c, rc);
  }
  if (l.format == 1) mm_strbuf_puts(&b, l.n ? "\n]\n" : "]\n");
  if (l.format == 2) mm_strbuf_printf(&b, "%zu\n", l.n);
  int ex = write_out(export ? o->out : NULL, &b);
  mm_strbuf_free(&b);
  if (export && o->out && ex == MM_EXIT_OK)
    fprintf(stderr, "mmpath referral export: %zu referrals to %s\n", l.n, o->out);
  return ex;
}

/* A file read a referral at a time (referral_stream.c): each one's records
 * checked as in the whole-file path before the store writes it. */
typedef struct stream_src {
  ctx *c;
  mm_ref_reader *r;
  const char *src;
  mm_referral x;
} stream_src;

static int stream_next(void *p, mm_arena *a, mm_referral **out, size_t *index, mm_diags *d) {
  stream_src *s = p;
  int g = mm_ref_reader_referral(s->r, a, &s->x, index, NULL, d, s->src);
  if (g == 0) return 0;
  if (g < 0) return g == -2 ? MM_REF_ENOMEM : MM_REF_EINVALID;
  *out = &s->x;
  if (g == 2 || mm_ref_records_validate(s->c->kbase, &s->x, mm_ref_today(), a, d,
                                        mm_arena_printf(a, "[%zu]", *index)) < 0)
    return 2;
  return 1;
}

static int stream_rewind(void *p) {
  return mm_ref_reader_rewind(((stream_src *)p)->r);
}

/* Import from a named file in bounded memory: a first pass checks every
 * referral and the ids, a second writes them in one transaction. 1 when
 * the file is not an array of objects or not JSON: the caller reads it
 * whole, for the exact error. */
static int import_stream(ctx *c, const char *path, int *ex) {
  mm_ref_reader r;
  if (mm_ref_reader_open(&r, path)) return 1;
  size_t n = 0;
  mm_diags saved = c->diags;
  int g = mm_ref_reader_check(&r, c->kb, &c->diags, path, &n);
  if (g == -3) { /* what the first pass said is said again by the whole parse */
    if (saved.tail) saved.tail->next = NULL;
    c->diags = saved;
    mm_ref_reader_close(&r);
    return 1;
  }
  int rc = g == 0 ? MM_REF_OK : g == -2 ? MM_REF_ENOMEM : MM_REF_EINVALID;
  mm_ref_import_stats st = {0};
  stream_src s = {c, &r, path, {0}};
  mm_ref_source in = {stream_next, stream_rewind, &s};
  if (rc == MM_REF_OK) rc = mm_ref_store_import_each(c->store, &in, &c->diags, path, &st, &n);
  mm_ref_reader_close(&r);
  if (rc == MM_REF_OK)
    printf("%s: %zu referrals: %zu created, %zu extended, %zu unchanged; %zu events written\n",
           path, n, st.created, st.extended, st.unchanged, st.events);
  else if (rc == MM_REF_EINVALID)
    fprintf(stderr, "%s: nothing imported (%zu errors)\n", path, c->diags.errors);
  *ex = report(c, rc);
  return 0;
}

static int cmd_import(ctx *c, const opts *o) {
  if (o->npos != 1) {
    fprintf(stderr, "usage: mmpath referral import FILE|-\n");
    return MM_EXIT_USAGE;
  }
  const char *src = strcmp(o->pos[0], "-") == 0 ? "<stdin>" : o->pos[0];
  int ex;
  if (strcmp(o->pos[0], "-") != 0 && import_stream(c, o->pos[0], &ex) == 0) return ex;
  size_t len;
  char *text = mm_cli_read_file(o->pos[0], &len);
  if (!text) {
    perror(o->pos[0]);
    return MM_EXIT_INVALID;
  }
  mm_referral *rs;
  size_t n;
  int rc = mm_referrals_parse(&rs, &n, &c->arena, text, len, c->kb, &c->diags, src);
  mm_ref_import_stats st = {0};
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (mm_ref_records_validate(c->kbase, &rs[i], mm_ref_today(), &c->arena, &c->diags,
                                mm_arena_printf(&c->arena, "[%zu]", i)) < 0)
      rc = -1;
  if (rc == 0) rc = mm_ref_store_import(c->store, rs, n, &c->diags, src, &st);
  else rc = c->arena.failed ? MM_REF_ENOMEM : MM_REF_EINVALID;
  free(text);
  if (rc == MM_REF_OK)
    printf("%s: %zu referrals: %zu created, %zu extended, %zu unchanged; %zu events written\n",
           src, n, st.created, st.extended, st.unchanged, st.events);
  else if (rc == MM_REF_EINVALID)
    fprintf(stderr, "%s: nothing imported (%zu errors)\n", src, c->diags.errors);
  return report(c, rc);
}

typedef struct records_check {
  ctx *c;
  size_t bad;
} records_check;

/* Every stored record re-checked by its kind's schema (a copy: the check
 * rewrites data to its canonical form). */
static int check_records(void *p, const mm_referral *r) {
  records_check *rc = p;
  mm_referral copy = *r;
  copy.events = mm_arena_alloc(&rc->c->arena, (r->n_events + 1) * sizeof *copy.events);
  if (!copy.events) return MM_REF_ENOMEM;
  memcpy(copy.events, r->events, r->n_events * sizeof *copy.events);
  if (mm_ref_records_validate(rc->c->kbase, &copy, mm_ref_today(), &rc->c->arena, &rc->c->diags,
                              r->id) < 0)
    rc->bad++;
  return 0;
}

static int cmd_check(ctx *c) {
  size_t n = 0;
  int rc = mm_ref_store_check(c->store, &c->diags, &n);
  if (rc == MM_REF_OK) {
    records_check k = {c, 0};
    rc = mm_ref_store_foreach(c->store, NULL, check_records, &k);
    if (!rc && k.bad) rc = MM_REF_EINVALID;
  }
  if (rc == MM_REF_OK) printf("registry ok: %zu referrals, every history allowed by the pathway, every record "
                              "valid\n", n);
  if (rc == MM_REF_EBACKEND) {
    mm_cli_print_diags(&c->diags, MM_LANG_EN);
    return MM_EXIT_INVALID;
  }
  return report(c, rc);
}

int mm_cmd_referral(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    fputs(usage_text, argc < 2 ? stderr : stdout);
    return argc < 2 ? MM_EXIT_USAGE : MM_EXIT_OK;
  }
  const char *sub = argv[1];
  static const char *const subs[] = {"new",  "move",    "show", "list",   "import",  "export",
                                     "check", "record", "correct", "next", "letter", "registry"};
  int which = -1;
  for (int i = 0; i < 12; i++)
    if (strcmp(sub, subs[i]) == 0) which = i;
  if (which < 0) {
    fprintf(stderr, "mmpath referral: unknown command '%s'\n%s", sub, usage_text);
    return MM_EXIT_USAGE;
  }
  opts o = {0};
  if (parse_opts(argc - 2, argv + 2, &o) < 0) return MM_EXIT_USAGE;
  mm_cli_os_user(o.user, sizeof o.user);
  /* A flag another subcommand takes is an error here, not silently ignored. */
  static const char *const allowed[] = {
      "db kb id patient from to target date note", "db kb date reason note", "db kb format",
      "db kb to from patient since until state format", "db kb",
      "db kb to from patient since until state out", "db kb", "db kb date data",
      "db kb date why reason note", "db kb format", "db kb lang out", "db kb format out to from"};
  struct { const char *name, *val; } given[] = {
      {"id", o.id},         {"patient", o.patient}, {"from", o.from},     {"to", o.to},
      {"target", o.target}, {"date", o.date},       {"note", o.note},     {"reason", o.reason},
      {"format", o.format}, {"out", o.out},         {"state", o.state},   {"since", o.since},
      {"until", o.until},   {"data", o.data},       {"why", o.why},       {"lang", o.lang}};
  for (size_t k = 0; k < sizeof given / sizeof *given; k++) {
    if (!given[k].val) continue;
    const char *p = strstr(allowed[which], given[k].name);
    size_t len = strlen(given[k].name);
    if (!p || (p != allowed[which] && p[-1] != ' ') || (p[len] && p[len] != ' ')) {
      fprintf(stderr, "mmpath referral %s: --%s does not apply (see mmpath referral --help)\n",
              sub, given[k].name);
      return MM_EXIT_USAGE;
    }
  }
  if (o.void_ && which != 8) {
    fprintf(stderr, "mmpath referral %s: --void does not apply\n", sub);
    return MM_EXIT_USAGE;
  }
  if (which != 1 && which != 2 && which != 4 && which < 7 && o.npos) {
    fprintf(stderr, "mmpath referral %s: unexpected argument '%s'\n", sub, o.pos[0]);
    return MM_EXIT_USAGE;
  }
  ctx c;
  int ex = ctx_open(&c, &o);
  if (ex == MM_EXIT_OK) {
    switch (which) {
    case 0: ex = cmd_new(&c, &o); break;
    case 1: ex = cmd_move(&c, &o); break;
    case 2: ex = cmd_show(&c, &o); break;
    case 3: ex = cmd_list(&c, &o, false); break;
    case 4: ex = cmd_import(&c, &o); break;
    case 5: ex = cmd_list(&c, &o, true); break;
    case 6: ex = cmd_check(&c); break;
    case 7: ex = cmd_record(&c, &o); break;
    case 8: ex = cmd_correct(&c, &o); break;
    case 9: ex = cmd_next(&c, &o); break;
    case 10: ex = cmd_letter(&c, &o); break;
    default: ex = cmd_registry(&c, &o); break;
    }
  }
  ctx_close(&c);
  return ex;
}
