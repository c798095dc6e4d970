/* mmpath.c: the public API of include/mmpath.h over the internal modules:
 * kb (load), patient (read), facts (derive), evaluate (options), renderers. */
#include "mmpath.h"

#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "patient/patient.h"

int mmpath_kb_open(mmpath_kb **out, const char *dir, char **errors_out) {
  *out = NULL;
  if (errors_out) *errors_out = NULL;
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  int rc = mm_kb_load(out, dir, &diags);
  if (rc != 0 && errors_out) {
    mm_strbuf b;
    mm_strbuf_init(&b, 1 << 20);
    mm_render_diags_text(&b, &diags);
    *errors_out = mm_strbuf_steal(&b);
  }
  int status = rc == 0 ? MMPATH_OK
               : diags.errors == 1 && diags.head && strstr(diags.head->text, "missing")
                   ? MMPATH_ENOTFOUND
                   : MMPATH_ESYNTAX;
  mm_arena_free(&arena);
  return status;
}

void mmpath_kb_free(mmpath_kb *kb) { mm_kb_free(kb); }

const char *mmpath_kb_version(const mmpath_kb *kb) { return kb->version; }

static int run(char **out, const mmpath_kb *kb, const char *record, size_t len,
               const mmpath_options *opts, bool options) {
  mmpath_options o = MMPATH_OPTIONS_INIT;
  if (opts) o = *opts;
  mm_lang lang = MM_LANG_EN; /* "it" is Italian, anything else English */
  mm_lang_parse(o.lang, &lang);
  mm_arena arena;
  mm_arena_init(&arena, 1 << 16);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_strbuf b;
  mm_strbuf_init(&b, 64u << 20);
  int rc = MMPATH_OK;
  mm_patient *p = NULL;
  mm_facts *facts = NULL;
  mm_evaluation *ev = NULL;
  if (mm_patient_read(&p, &arena, kb, record, len, NULL, &diags) != 0) {
    rc = arena.failed ? MMPATH_ENOMEM : MMPATH_EINVALID;
    if (o.format == MMPATH_FORMAT_JSON) mm_render_diags_json(&b, &diags);
    else mm_render_diags_text(&b, &diags);
  } else if (mm_facts_derive(&facts, &arena, kb, p, true, &diags) != 0) {
    rc = MMPATH_ENOMEM;
  } else if (!options) {
    if (o.format == MMPATH_FORMAT_JSON) mm_render_facts_json(&b, facts, lang);
    else mm_render_facts_text(&b, facts, lang);
  } else {
    mm_eval_options eo = MM_EVAL_OPTIONS_INIT;
    eo.jurisdiction = o.jurisdiction && strcmp(o.jurisdiction, "us") == 0 ? MM_JURIS_US : MM_JURIS_EU;
    if (mm_evaluate(&ev, &arena, kb, facts, &eo) != 0) rc = MMPATH_ENOMEM;
    else if (o.format == MMPATH_FORMAT_JSON) mm_render_evaluation_json(&b, ev, lang);
    else if (o.format == MMPATH_FORMAT_HTML) mm_render_evaluation_html(&b, ev, lang);
    else mm_render_evaluation_text(&b, ev, lang);
  }
  if (b.failed && rc == MMPATH_OK) rc = MMPATH_ENOMEM;
  mm_strbuf_putc(&b, '\n');
  *out = mm_strbuf_steal(&b);
  mm_arena_free(&arena);
  return rc;
}

int mmpath_evaluate(char **out, const mmpath_kb *kb, const char *record, size_t len,
                    const mmpath_options *opts) {
  return run(out, kb, record, len, opts, true);
}

int mmpath_facts(char **out, const mmpath_kb *kb, const char *record, size_t len,
                 const mmpath_options *opts) {
  return run(out, kb, record, len, opts, false);
}
