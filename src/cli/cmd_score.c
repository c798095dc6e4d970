/* cmd_score.c: `mmpath score NAME [FILE|-] [--format json|text] [--kb DIR]`
 * and `mmpath score --list`: one standard score (src/score/score.h) from a
 * JSON object of inputs (docs/scores.md lists every score's keys). JSON is
 * read here, not in the calculators, so the fact engine can call them on its
 * own values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "json/json.h"
#include "kb/kb.h"
#include "score/score.h"
#include "util/diag.h"
#include "util/strbuf.h"

static void usage(FILE *f) {
  fprintf(f, "usage: mmpath score NAME [FILE|-] [--format json|text] [--kb DIR]\n"
             "       mmpath score --list [--kb DIR]\n"
             "Computes a standard score from a JSON object of inputs (FILE, or standard\n"
             "input). Scores: iss r_iss r2_iss frailty response crs ice icans.\n"
             "Input keys: docs/scores.md.\n");
}

static void print_names(FILE *f) {
  fprintf(f, "scores:");
  for (const char *const *p = mm_score_names; *p; p++) fprintf(f, " %s", *p);
  fprintf(f, "\n");
}

static void put_value(mm_strbuf *b, mm_value v) {
  if (!v.known) mm_strbuf_puts(b, "null");
  else if (v.type == MM_TYPE_BOOL) mm_strbuf_puts(b, v.b ? "true" : "false");
  else if (v.type == MM_TYPE_NUMBER) mm_strbuf_printf(b, "%.6g", v.num == 0 ? 0 : v.num);
  else mm_strbuf_json_string(b, v.str);
}

static void render_json(mm_strbuf *b, const mm_score_result *r) {
  mm_strbuf_puts(b, "{\"score\":");
  mm_strbuf_json_string(b, r->score);
  mm_strbuf_puts(b, ",\"value\":");
  put_value(b, r->value);
  if (r->points.known) {
    mm_strbuf_puts(b, ",\"points\":");
    put_value(b, r->points);
  }
  if (strcmp(r->score, "response") == 0)
    mm_strbuf_printf(b, ",\"confirmed\":%s", r->value.known && r->confirmed ? "true" : "false");
  mm_strbuf_puts(b, ",\"inputs\":{");
  for (size_t i = 0; i < r->n_inputs; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, r->inputs[i].name);
    mm_strbuf_putc(b, ':');
    put_value(b, r->inputs[i].value);
  }
  mm_strbuf_puts(b, "},\"because\":");
  mm_strbuf_json_string(b, r->because);
  mm_strbuf_puts(b, ",\"missing\":[");
  for (size_t i = 0; i < r->n_missing; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, r->missing[i]);
  }
  mm_strbuf_puts(b, "]");
  if (r->note) {
    mm_strbuf_puts(b, ",\"note\":");
    mm_strbuf_json_string(b, r->note);
  }
  mm_strbuf_puts(b, ",\"source\":");
  mm_strbuf_json_string(b, r->source);
  mm_strbuf_printf(b, ",\"review\":%s}\n", r->review ? "true" : "false");
}

static void text_value(mm_strbuf *b, mm_value v, const char *unit) {
  if (!v.known) {
    mm_strbuf_puts(b, "missing");
    return;
  }
  put_value(b, v);
  if (v.type == MM_TYPE_NUMBER && unit) mm_strbuf_printf(b, " %s", unit);
}

static void render_text(mm_strbuf *b, const mm_score_result *r, const char *title) {
  mm_strbuf_printf(b, "%s: ", title ? title : r->score);
  if (r->value.known) {
    if (r->value.type == MM_TYPE_NUMBER) mm_strbuf_printf(b, "%.6g", r->value.num);
    else mm_strbuf_puts(b, r->value.str);
    if (r->points.known)
      mm_strbuf_printf(b, " (%.6g point%s)", r->points.num, r->points.num == 1 ? "" : "s");
    if (strcmp(r->score, "response") == 0) mm_strbuf_puts(b, r->confirmed ? " (confirmed)" : " (unconfirmed)");
  } else {
    mm_strbuf_puts(b, "unknown");
    if (r->n_missing) {
      mm_strbuf_puts(b, " (not evaluable:");
      for (size_t i = 0; i < r->n_missing; i++) mm_strbuf_printf(b, "%s %s", i ? "," : "", r->missing[i]);
      mm_strbuf_puts(b, " missing)");
    }
  }
  mm_strbuf_printf(b, "\n  because: %s\n", r->because ? r->because : "");
  if (r->note) mm_strbuf_printf(b, "  note: %s\n", r->note);
  mm_strbuf_puts(b, "  inputs:");
  for (size_t i = 0; i < r->n_inputs; i++) {
    mm_strbuf_printf(b, "%s %s ", i ? "," : "", r->inputs[i].name);
    text_value(b, r->inputs[i].value, r->inputs[i].unit);
  }
  mm_strbuf_printf(b, "\n  source: %s\n", r->source ? r->source : "");
  if (r->review) mm_strbuf_puts(b, "  NEEDS CLINICIAN REVIEW: the kb entry or a cut-off it used is unverified\n");
}

/* One JSON value as an mm_value of the spec's type; NULL error when fine. */
static const char *json_to_value(mm_arena *a, const mm_json *j, const char *field, mm_type want,
                                 mm_value *out) {
  if (!mm_json_present(j)) {
    *out = mm_value_unknown(want);
    return NULL;
  }
  if (want == MM_TYPE_NUMBER && j->type == MM_JSON_NUMBER) *out = mm_value_number(j->number);
  else if (want == MM_TYPE_BOOL && (j->type == MM_JSON_TRUE || j->type == MM_JSON_FALSE))
    *out = mm_value_bool(j->type == MM_JSON_TRUE);
  else if (want == MM_TYPE_STRING && j->type == MM_JSON_STRING) *out = mm_value_string(j->str);
  else
    return mm_arena_printf(a, "%d:%d: %s: must be %s, got %s", j->line, j->col, field,
                           want == MM_TYPE_NUMBER ? "a number" : want == MM_TYPE_BOOL ? "true or false" : "a string",
                           mm_json_type_name(j->type));
  return NULL;
}

static int response_input(mm_arena *a, const mm_scores *kb, const mm_json *root,
                          mm_response_in *in, const char **err) {
  in->baseline = MM_DATE_NONE;
  for (size_t i = 0; i < root->len; i++) {
    const char *k = root->members[i].key;
    if (strcmp(k, "baseline") != 0 && strcmp(k, "labs") != 0) {
      *err = mm_arena_printf(a, "%d:%d: %s: not an input of response (inputs: baseline labs)",
                             root->members[i].value->line, root->members[i].value->col, k);
      return -1;
    }
  }
  const mm_json *bl = mm_json_get(root, "baseline");
  if (!mm_json_present(bl) || bl->type != MM_JSON_STRING ||
      !mm_date_parse(bl->str, bl->len, &in->baseline)) {
    *err = bl ? mm_arena_printf(a, "%d:%d: baseline: must be a date YYYY-MM-DD", bl->line, bl->col)
              : "baseline: required (start of the current line, YYYY-MM-DD)";
    return -1;
  }
  const mm_json *labs = mm_json_get(root, "labs");
  if (!mm_json_present(labs)) return 0;
  if (labs->type != MM_JSON_ARRAY) {
    *err = mm_arena_printf(a, "%d:%d: labs: must be an array", labs->line, labs->col);
    return -1;
  }
  mm_lab_obs *o = mm_arena_alloc(a, (labs->len + 1) * sizeof *o);
  if (!o) return -1;
  for (size_t i = 0; i < labs->len; i++) {
    const mm_json *x = labs->items[i];
    if (x->type != MM_JSON_OBJECT) {
      *err = mm_arena_printf(a, "%d:%d: labs[%zu]: must be an object", x->line, x->col, i);
      return -1;
    }
    for (size_t m = 0; m < x->len; m++) {
      const char *k = x->members[m].key;
      if (strcmp(k, "date") && strcmp(k, "test") && strcmp(k, "value") && strcmp(k, "unit")) {
        *err = mm_arena_printf(a, "%d:%d: labs[%zu].%s: unknown key (date test value unit)",
                               x->members[m].value->line, x->members[m].value->col, i, k);
        return -1;
      }
    }
    const mm_json *d = mm_json_get(x, "date"), *t = mm_json_get(x, "test"),
                  *v = mm_json_get(x, "value");
    if (!mm_json_present(d) || d->type != MM_JSON_STRING || !mm_date_parse(d->str, d->len, &o[i].date)) {
      *err = mm_arena_printf(a, "%d:%d: labs[%zu].date: must be a date YYYY-MM-DD",
                             d ? d->line : x->line, d ? d->col : x->col, i);
      return -1;
    }
    if (!mm_json_present(t) || t->type != MM_JSON_STRING) {
      *err = mm_arena_printf(a, "%d:%d: labs[%zu].test: must be a string", t ? t->line : x->line,
                             t ? t->col : x->col, i);
      return -1;
    }
    o[i].test = t->str;
    /* values must be in the canonical unit: a unit, when given, must be it */
    const mm_json *u = mm_json_get(x, "unit");
    if (mm_json_present(u)) {
      size_t n_spec = 0;
      const mm_score_input_spec *spec = mm_score_response_tests(kb, &n_spec);
      const char *want = NULL;
      for (size_t j = 0; j < n_spec; j++)
        if (strcmp(spec[j].name, t->str) == 0) want = spec[j].unit;
      if (u->type != MM_JSON_STRING || !want || strcmp(u->str, want) != 0) {
        *err = mm_arena_printf(a, "%d:%d: labs[%zu].unit: %s must be given in %s", u->line,
                               u->col, i, t->str, want ? want : "no unit");
        return -1;
      }
    }
    if (!mm_json_present(v) || (v->type != MM_JSON_NUMBER && v->type != MM_JSON_STRING)) {
      *err = mm_arena_printf(a, "%d:%d: labs[%zu].value: must be a number or a string",
                             v ? v->line : x->line, v ? v->col : x->col, i);
      return -1;
    }
    o[i].value = v->type == MM_JSON_NUMBER ? mm_value_number(v->number) : mm_value_string(v->str);
  }
  in->labs = o;
  in->n_labs = labs->len;
  return 0;
}

int mm_cmd_score(int argc, char **argv) {
  const char *name = NULL, *file = NULL, *kb_flag = NULL, *format = "json";
  bool list = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return MM_EXIT_OK;
    } else if (strcmp(a, "--list") == 0) {
      list = true;
    } else if (strcmp(a, "--format") == 0 || strcmp(a, "--kb") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "mmpath score: %s needs a value\n", a);
        return MM_EXIT_USAGE;
      }
      if (strcmp(a, "--kb") == 0) kb_flag = argv[++i];
      else format = argv[++i];
    } else if (strncmp(a, "--", 2) == 0) {
      fprintf(stderr, "mmpath score: unknown option '%s'\n", a);
      usage(stderr);
      return MM_EXIT_USAGE;
    } else if (!name) {
      name = a;
    } else if (!file) {
      file = a;
    } else {
      fprintf(stderr, "mmpath score: too many arguments\n");
      return MM_EXIT_USAGE;
    }
  }
  if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
    fprintf(stderr, "mmpath score: --format must be json or text, got '%s'\n", format);
    return MM_EXIT_USAGE;
  }
  if (!list && !name) {
    usage(stderr);
    return MM_EXIT_USAGE;
  }
  bool known = list;
  for (const char *const *p = mm_score_names; name && *p; p++) known |= strcmp(*p, name) == 0;
  if (!known) {
    fprintf(stderr, "mmpath score: unknown score '%s'\n", name);
    print_names(stderr);
    return MM_EXIT_USAGE;
  }

  mm_arena arena;
  mm_arena_init(&arena, 1 << 16);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_kb *kbase = NULL;
  const char *kb_dir = mm_cli_kb_dir(kb_flag);
  if (mm_kb_load(&kbase, kb_dir, &diags) < 0) {
    /* the score tables are a part of the one knowledge base: any of its
     * files that does not load stops the command, as for the others */
    mm_cli_print_diags(&diags, MM_LANG_EN);
    fprintf(stderr, "mmpath score: cannot load the knowledge base %s\n", kb_dir);
    mm_arena_free(&arena);
    return MM_EXIT_SETUP;
  }
  const mm_scores *kb = mm_kb_scores(kbase);
  int rc = MM_EXIT_OK;
  mm_strbuf out;
  mm_strbuf_init(&out, 1 << 20);
  char *text = NULL;
  if (list) {
    for (const char *const *p = mm_score_names; *p; p++)
      mm_strbuf_printf(&out, "%-9s %s\n", *p, mm_score_title(kb, *p));
    goto done;
  }
  if (!file) file = "-";
  size_t len = 0;
  text = mm_cli_read_file(file, &len);
  if (!text) {
    fprintf(stderr, "mmpath score: cannot read %s\n", file);
    rc = MM_EXIT_INTERNAL;
    goto done;
  }
  const char *src = strcmp(file, "-") == 0 ? "<stdin>" : file;
  mm_json_error jerr;
  mm_json *root = mm_json_parse(&arena, text, len, &jerr);
  if (!root) {
    fprintf(stderr, "%s:%d:%d: %s\n", src, jerr.line, jerr.col, jerr.text);
    rc = MM_EXIT_INVALID;
    goto done;
  }
  if (root->type != MM_JSON_OBJECT) {
    fprintf(stderr, "%s:%d:%d: the input must be a JSON object\n", src, root->line, root->col);
    rc = MM_EXIT_INVALID;
    goto done;
  }
  mm_score_result r;
  const char *err = NULL;
  int crc;
  if (strcmp(name, "response") == 0) {
    mm_response_in in = {0};
    crc = response_input(&arena, kb, root, &in, &err);
    if (crc == 0) {
      crc = mm_score_response(&r, kb, &in, &arena);
      if (crc < 0) err = r.because;
    }
  } else {
    size_t n_spec = 0;
    const mm_score_input_spec *spec = mm_score_inputs(kb, name, &n_spec);
    mm_score_input *in = mm_arena_alloc(&arena, (root->len + 1) * sizeof *in);
    size_t n = 0;
    crc = in ? 0 : -1;
    for (size_t i = 0; crc == 0 && i < root->len; i++) {
      const char *k = root->members[i].key;
      const mm_json *v = root->members[i].value;
      const mm_score_input_spec *s = NULL;
      for (size_t j = 0; j < n_spec; j++)
        if (strcmp(spec[j].name, k) == 0) s = &spec[j];
      if (!s) {
        mm_strbuf b;
        mm_strbuf_init(&b, 4096);
        mm_strbuf_printf(&b, "%d:%d: %s: not an input of %s (inputs:", v->line, v->col, k, name);
        for (size_t j = 0; j < n_spec; j++) mm_strbuf_printf(&b, " %s", spec[j].name);
        mm_strbuf_puts(&b, ")");
        err = mm_arena_strdup(&arena, b.data ? b.data : "");
        mm_strbuf_free(&b);
        crc = -1;
        break;
      }
      mm_value val;
      err = json_to_value(&arena, v, k, s->type, &val);
      if (err) {
        crc = -1;
        break;
      }
      in[n++] = (mm_score_input){k, val, s->unit};
    }
    if (crc == 0) {
      crc = mm_score_run(&r, kb, name, in, n, &arena, &err);
      /* say where in the input the bad field was */
      if (crc < 0 && err)
        for (size_t i = 0; i < root->len; i++) {
          size_t kl = strlen(root->members[i].key);
          if (strncmp(err, root->members[i].key, kl) == 0 && err[kl] == ':') {
            err = mm_arena_printf(&arena, "%d:%d: %s", root->members[i].value->line,
                                  root->members[i].value->col, err);
            break;
          }
        }
    }
  }
  if (crc < 0) {
    fprintf(stderr, "%s:%s\n", src, err ? (err[0] >= '0' && err[0] <= '9' ? err : mm_arena_printf(&arena, " %s", err)) : " out of memory");
    rc = err ? MM_EXIT_INVALID : MM_EXIT_INTERNAL;
    goto done;
  }
  if (strcmp(format, "json") == 0) render_json(&out, &r);
  else render_text(&out, &r, mm_score_title(kb, name));
done:
  if (out.failed) {
    fprintf(stderr, "mmpath score: out of memory\n");
    rc = MM_EXIT_INTERNAL;
  } else if (out.len && rc == MM_EXIT_OK) {
    fwrite(out.data, 1, out.len, stdout);
  }
  mm_strbuf_free(&out);
  free(text);
  mm_kb_free(kbase);
  mm_arena_free(&arena);
  return rc;
}
