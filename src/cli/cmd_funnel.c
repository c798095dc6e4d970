/* cmd_funnel.c: `mmpath funnel`, the referral funnel report (the deck's two
 * funnel slides) over the registry, as text, mmpath/funnel@1 JSON, an SVG
 * chart or a self-contained HTML page, in Italian or English
 * (docs/referral.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "referral/funnel.h"
#include "referral/store.h"

static const char usage_text[] =
    "usage: mmpath funnel [--db PATH] [--kb DIR] [--to-center C] [--from-center C]\n"
    "                     [--since YYYY-MM-DD] [--until YYYY-MM-DD]\n"
    "                     [--format text|json|svg|html] [--lang it|en] [--out FILE]\n"
    "                     [--recount] [--rebuild]\n"
    "Referrals to C (all centres if omitted) whose referral date is in [since, until];\n"
    "states as they stood at --until. Percentages: docs/referral.md. From the counts the\n"
    "registry keeps as events are written; --recount walks every referral instead (the\n"
    "reference: the same report, slower); --rebuild builds the kept counts again from\n"
    "every history first (one transaction).\n";

int mm_cmd_funnel(int argc, char **argv) {
  const char *db = "mmpath.db", *kbdir = NULL, *to = NULL, *from = NULL, *since = NULL,
             *until = NULL, *format = "text", *lang = "en", *out = NULL;
  bool recount = false, rebuild = false;
  struct { const char *name; const char **slot; } flags[] = {
      {"db", &db},         {"kb", &kbdir},       {"to-center", &to}, {"from-center", &from},
      {"since", &since},   {"until", &until},    {"format", &format}, {"lang", &lang},
      {"out", &out}};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage_text, stdout);
      return MM_EXIT_OK;
    }
    if (strcmp(argv[i], "--recount") == 0) {
      recount = true;
      continue;
    }
    if (strcmp(argv[i], "--rebuild") == 0) {
      rebuild = true;
      continue;
    }
    const char *a = argv[i], *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    bool found = false;
    for (size_t k = 0; k < sizeof flags / sizeof *flags && strncmp(a, "--", 2) == 0; k++) {
      if (strlen(flags[k].name) != len - 2 || strncmp(flags[k].name, a + 2, len - 2)) continue;
      found = true;
      if (eq) *flags[k].slot = eq + 1;
      else if (i + 1 < argc) *flags[k].slot = argv[++i];
      else {
        fprintf(stderr, "mmpath funnel: %s needs a value\n", a);
        return MM_EXIT_USAGE;
      }
    }
    if (!found) {
      fprintf(stderr, "mmpath funnel: unknown argument '%s'\n%s", a, usage_text);
      return MM_EXIT_USAGE;
    }
  }
  mm_ref_filter f = {NULL, NULL, to, from, MM_DATE_NONE, MM_DATE_NONE, NULL, NULL, 0};
  if ((since && !mm_date_parse(since, strlen(since), &f.since)) ||
      (until && !mm_date_parse(until, strlen(until), &f.until))) {
    fprintf(stderr, "mmpath funnel: --since/--until must be dates YYYY-MM-DD\n");
    return MM_EXIT_USAGE;
  }
  if (f.since != MM_DATE_NONE && f.until != MM_DATE_NONE && f.until < f.since) {
    fprintf(stderr, "mmpath funnel: --until %s is before --since %s\n", until, since);
    return MM_EXIT_USAGE;
  }
  int fmt = strcmp(format, "text") == 0 ? 0 : strcmp(format, "json") == 0 ? 1
            : strcmp(format, "svg") == 0  ? 2 : strcmp(format, "html") == 0 ? 3 : -1;
  if (fmt < 0) {
    fprintf(stderr, "mmpath funnel: --format is text, json, svg or html, got '%s'\n", format);
    return MM_EXIT_USAGE;
  }
  mm_lang lg;
  if (strcmp(lang, "en") == 0) lg = MM_LANG_EN;
  else if (strcmp(lang, "it") == 0) lg = MM_LANG_IT;
  else {
    fprintf(stderr, "mmpath funnel: --lang is it or en, got '%s'\n", lang);
    return MM_EXIT_USAGE;
  }

  mm_arena arena;
  mm_arena_init(&arena, 4096);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_kb *kb = NULL;
  mm_ref_store *store = NULL;
  mm_funnel *fn = NULL;
  mm_strbuf b;
  mm_strbuf_init(&b, (size_t)64 << 20);
  char err[512];
  int ex = MM_EXIT_OK;
  if (mm_kb_load(&kb, mm_cli_kb_dir(kbdir), &diags) < 0) {
    mm_cli_print_diags(&diags, MM_LANG_EN);
    ex = MM_EXIT_SETUP;
  } else if (!mm_ref_location_is_pg(db) && access(db, F_OK) != 0) {
    /* A report never creates a registry: a typo in --db is an error. */
    fprintf(stderr, "mmpath funnel: %s: no such registry\n", db);
    ex = MM_EXIT_SETUP;
  } else if (mm_ref_store_open(&store, db, mm_kb_referral(kb), err, sizeof err) != MM_REF_OK) {
    fprintf(stderr, "mmpath funnel: %s\n", err);
    ex = MM_EXIT_SETUP;
  } else if (rebuild && mm_ref_store_funnel_rebuild(store) != MM_REF_OK) {
    fprintf(stderr, "mmpath funnel: rebuilding the kept counts: %s\n", mm_ref_store_errmsg(store));
    ex = MM_EXIT_INTERNAL;
  } else if (mm_funnel_new(&fn, mm_kb_referral(kb), &f) != MM_REF_OK) {
    ex = MM_EXIT_INTERNAL;
  } else {
    int rc = recount ? mm_ref_store_foreach(store, &f, mm_funnel_add, fn)
                     : mm_funnel_kept(fn, store, &f);
    if (rc) {
      fprintf(stderr, "mmpath funnel: %s\n",
              rc == MM_REF_ENOMEM ? "out of memory" : mm_ref_store_errmsg(store));
      ex = MM_EXIT_INTERNAL;
    } else {
      mm_funnel_finish(fn);
      if (fmt == 0) mm_funnel_text(&b, fn, lg);
      else if (fmt == 1) mm_funnel_json(&b, fn);
      else if (fmt == 2) mm_funnel_svg(&b, fn, lg);
      else mm_funnel_html(&b, fn, lg);
      if (b.failed) {
        fprintf(stderr, "mmpath funnel: out of memory\n");
        ex = MM_EXIT_INTERNAL;
      }
    }
  }
  if (ex == MM_EXIT_OK) {
    FILE *o = stdout;
    char *tmp = NULL;
    if (out && strcmp(out, "-") != 0) {
      tmp = mm_arena_printf(&arena, "%s.tmp.%ld", out, (long)getpid());
      o = tmp ? fopen(tmp, "wb") : NULL;
    }
    bool ok = o && fwrite(b.data, 1, b.len, o) == b.len && fflush(o) == 0;
    if (o && o != stdout) ok = fclose(o) == 0 && ok && rename(tmp, out) == 0;
    if (!ok) {
      perror(out ? out : "stdout");
      if (tmp) remove(tmp);
      ex = MM_EXIT_INTERNAL;
    }
  }
  mm_strbuf_free(&b);
  mm_funnel_free(fn);
  mm_ref_store_free(store);
  mm_kb_free(kb);
  mm_arena_free(&arena);
  return ex;
}
