/* cmd_trials.c: `mmpath trials [--lang it|en] [--format text|json]`: the
 * trials of the knowledge base with phase, status and population. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "kb/kb.h"
#include "util/strbuf.h"

int mm_cmd_trials(int argc, char **argv) {
  const char *dir = NULL, *lang = "en";
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--kb") == 0 && i + 1 < argc) dir = argv[++i];
    else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) lang = argv[++i];
    else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) json = strcmp(argv[++i], "json") == 0;
    else if (strcmp(argv[i], "--json") == 0) json = true;
    else {
      fprintf(stderr, "usage: mmpath trials [--format text|json] [--lang it|en] [--kb DIR]\n");
      return strcmp(argv[i], "--help") == 0 ? MM_EXIT_OK : MM_EXIT_USAGE;
    }
  }
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_kb *kb;
  if (mm_kb_load(&kb, mm_cli_kb_dir(dir), &diags) != 0) {
    fprintf(stderr, "mmpath trials: the knowledge base has errors (run mmpath kb check)\n");
    mm_arena_free(&arena);
    return MM_EXIT_SETUP;
  }
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  if (json) mm_strbuf_puts(&b, "[");
  bool first = true;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    if (o->kind != MM_OPT_TRIAL) continue;
    char d[11];
    mm_date_format(o->status_date, d);
    if (json) {
      if (!first) mm_strbuf_putc(&b, ',');
      mm_strbuf_puts(&b, "{\"id\":");
      mm_strbuf_json_string(&b, o->id);
      mm_strbuf_puts(&b, ",\"name\":");
      mm_strbuf_json_string(&b, o->name.en);
      mm_strbuf_puts(&b, ",\"phase\":");
      mm_strbuf_json_string(&b, o->phase);
      mm_strbuf_puts(&b, ",\"status\":");
      mm_strbuf_json_string(&b, o->status);
      mm_strbuf_printf(&b, ",\"status_date\":\"%s\",\"population\":", d);
      mm_strbuf_json_string(&b, mm_text_get(o->population, lang));
      mm_strbuf_printf(&b, ",\"inclusion\":%zu,\"exclusion\":%zu,\"source\":", o->n_criteria,
                       o->n_exclusion);
      mm_strbuf_json_string(&b, o->prov.n_sources ? o->prov.sources[0] : NULL);
      mm_strbuf_putc(&b, '}');
    } else {
      mm_strbuf_printf(&b, "%-12s %-20s phase %-5s %-24s (%s)\n", o->id, o->name.en, o->phase,
                       o->status, d);
      if (o->population.en) mm_strbuf_printf(&b, "             %s\n", mm_text_get(o->population, lang));
    }
    first = false;
  }
  if (json) mm_strbuf_puts(&b, "]\n");
  fputs(b.data ? b.data : "", stdout);
  mm_strbuf_free(&b);
  mm_kb_free(kb);
  mm_arena_free(&arena);
  return MM_EXIT_OK;
}
