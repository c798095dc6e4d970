/* api_eval.c: the evaluation endpoints, which need no stored data:
 *   POST /api/v1/evaluate?lang=&jurisdiction=eu|us|it&format=json|html|text|compact
 *   POST /api/v1/facts?lang=
 *   GET  /api/v1/scores, POST /api/v1/scores/{name}
 * A record goes to the public API as sent: evaluate through the worker's
 * warm context (mmpath_context_evaluate), facts through a tree of their own
 * (mm_lib_facts_new); an invalid one is answered 422 with every problem's
 * field path and code. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kb/kb_reimbursement.h"
#include "lib/lib.h"
#include "mmpath.h"
#include "score/score.h"
#include "server/api.h"

/* The body as text: checks the media type and that there is one. */
static bool body_text(mm_call *c) {
  const char *ct = c->req->content_type;
  if (ct && strncasecmp(ct, "application/json", 16) != 0 && strncasecmp(ct, "text/plain", 10) != 0) {
    mm_problem1(c->out, 415, "unsupported-media-type", "Unsupported media type",
                "header.Content-Type",
                mm_arena_printf(c->req->arena, "'%s': send application/json", ct));
    return false;
  }
  if (!c->req->body || c->req->body_len == 0) {
    mm_problem1(c->out, 400, "invalid-json", "Invalid JSON body", "body",
                "the request has no body: send one patient record (mmpath/patient@1)");
    return false;
  }
  return true;
}

static bool have_kb(mm_call *c) {
  if (c->api->kb) return true;
  mm_problem(c->out, 503, "kb-unavailable", "Knowledge base not loaded",
             "the server runs without a knowledge base", NULL, 0);
  return false;
}

/* The facts as the body, handed over (*facts NULL after). */
static bool send_facts(mm_call *c, char **facts, size_t len) {
  if (c->out->body.max && len > c->out->body.max) {
    c->out->body.failed = true; /* as the strbuf would: 500, over the cap */
    return false;
  }
  mm_response_ext(c->out, *facts, len, free, *facts);
  *facts = NULL;
  return true;
}

/* The context's answer as the body: the lease is the transport's now
 * (*lease NULL after, sent or not). */
static bool send_lease(mm_call *c, mm_api_lease **lease, const char *text, size_t len) {
  mm_api_lease *l = *lease;
  *lease = NULL;
  return mm_api_send_lease(c, l, text, len) == 0;
}

/* One evaluation answers both ways: the document, or the record's problems
 * as a 422 (whatever the format asked: problem details are JSON). */
static void run(mm_call *c, bool options) {
  static const char *const formats[] = {"json", "html", "text", "compact", NULL};
  static const char *const facts_formats[] = {"json", "text", NULL};
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  const char *fmt = mm_api_format(c, options ? formats : facts_formats);
  if (!fmt) return;
  const char *juris = mm_request_query(c->req, "jurisdiction");
  if (!juris || !*juris) juris = "eu";
  mm_jurisdiction j;
  if (!mm_jurisdiction_parse(juris, &j)) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.jurisdiction",
                mm_arena_printf(c->req->arena, "'%s' is not a jurisdiction: use eu, us or it",
                                juris));
    return;
  }
  if (!body_text(c) || !have_kb(c)) return;
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.lang = strcmp(lang, "it") == 0 ? MMPATH_LANG_IT : MMPATH_LANG_EN;
  o.jurisdiction = (mmpath_jurisdiction)j; /* the same values (lib/evaluation.c) */
  o.format = strcmp(fmt, "html") == 0      ? MMPATH_FORMAT_HTML
             : strcmp(fmt, "text") == 0    ? MMPATH_FORMAT_TEXT
             : strcmp(fmt, "compact") == 0 ? MMPATH_FORMAT_COMPACT /* verdicts only */
                                           : MMPATH_FORMAT_JSON;
  const char *text = NULL;
  size_t len = 0;
  char *facts = NULL;
  mm_api_lease *lease = NULL;
  mmpath_problems *problems = NULL;
  int rc;
  if (options) {
    /* a warm context of the worker's: its arena and answer buffer are
     * reused, the kb's own pieces rendered once (mmpath.h "Many
     * evaluations"); the answer is sent from its buffer */
    if (!(lease = mm_api_lease_take(c))) {
      mm_api_internal(c, "out of memory");
      return;
    }
    rc = mmpath_context_evaluate(mm_api_lease_context(lease), &text, &len, c->req->body,
                                 c->req->body_len, &o);
  } else {
    mmpath_evaluation *ev = NULL;
    rc = mm_lib_facts_new(&ev, &problems, c->api->kb, c->req->body, c->req->body_len, &o);
    if (rc == MMPATH_OK) rc = mmpath_render_facts(&facts, ev, o.format, o.lang);
    mmpath_evaluation_free(ev);
    text = facts;
    len = facts ? strlen(facts) : 0;
  }
  if (rc == MMPATH_EINVALID && !problems) {
    /* the context rendered the problems as a document: the problem+json of
     * the API wants them as a list, from the same check (rare: read again) */
    mmpath_evaluation *ev = NULL;
    if (mmpath_evaluation_new(&ev, &problems, c->api->kb, c->req->body, c->req->body_len, &o) !=
        MMPATH_EINVALID)
      rc = MMPATH_ERROR;
    mmpath_evaluation_free(ev);
  }
  if (rc == MMPATH_EINVALID && problems) {
    mm_api_invalid_record(c, problems, "Invalid patient record", "body");
  } else if (rc != MMPATH_OK) {
    mm_api_internal(c, rc == MMPATH_ENOMEM ? "out of memory (or over the output cap)"
                                           : "the evaluation failed");
  } else if (lease ? send_lease(c, &lease, text, len) : send_facts(c, &facts, len)) {
    c->out->status = 200;
    if (o.format == MMPATH_FORMAT_HTML) {
      c->out->content_type = "text/html; charset=utf-8";
      /* the page is self-contained: its own inline style, nothing else */
      c->out->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
    } else if (o.format == MMPATH_FORMAT_TEXT) {
      c->out->content_type = "text/plain; charset=utf-8";
    } else {
      c->out->content_type = "application/json";
    }
  }
  free(facts);
  mmpath_problems_free(problems);
  mm_api_lease_give(lease);
}

void mm_ep_evaluate(mm_call *c) { run(c, true); }
void mm_ep_facts(mm_call *c) { run(c, false); }

/* ---- scores ---- */

static bool have_scores(mm_call *c) {
  if (c->api->scores) return true;
  mm_problem(c->out, 503, "kb-unavailable", "Scores not loaded",
             "the server runs without the score tables (kb/scores)", NULL, 0);
  return false;
}

static void put_value(mm_strbuf *b, mm_value v) {
  if (!v.known) mm_strbuf_puts(b, "null");
  else if (v.type == MM_TYPE_BOOL) mm_strbuf_puts(b, v.b ? "true" : "false");
  else if (v.type == MM_TYPE_NUMBER) mm_strbuf_printf(b, "%.6g", v.num == 0 ? 0 : v.num);
  else mm_strbuf_json_string(b, v.str);
}

static const char *type_name(mm_type t) {
  return t == MM_TYPE_BOOL ? "boolean" : t == MM_TYPE_NUMBER ? "number" : "string";
}

void mm_ep_scores(mm_call *c) {
  if (!have_scores(c)) return;
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"scores\":[");
  for (size_t i = 0; mm_score_names[i]; i++) {
    const char *name = mm_score_names[i];
    mm_strbuf_puts(b, i ? ",{\"name\":" : "{\"name\":");
    mm_strbuf_json_string(b, name);
    mm_strbuf_puts(b, ",\"title\":");
    mm_strbuf_json_string(b, mm_score_title(c->api->scores, name));
    size_t n = 0;
    const mm_score_input_spec *in = mm_score_inputs(c->api->scores, name, &n);
    mm_strbuf_puts(b, ",\"inputs\":[");
    for (size_t k = 0; in && k < n; k++) {
      mm_strbuf_puts(b, k ? ",{\"name\":" : "{\"name\":");
      mm_strbuf_json_string(b, in[k].name);
      mm_strbuf_printf(b, ",\"type\":\"%s\"", type_name(in[k].type));
      if (in[k].unit) {
        mm_strbuf_puts(b, ",\"unit\":");
        mm_strbuf_json_string(b, in[k].unit);
      }
      if (in[k].has_min) mm_strbuf_printf(b, ",\"min\":%.6g", in[k].min);
      if (in[k].has_max) mm_strbuf_printf(b, ",\"max\":%.6g", in[k].max);
      if (in[k].values) {
        mm_strbuf_puts(b, ",\"values\":[");
        for (size_t v = 0; in[k].values[v]; v++) {
          if (v) mm_strbuf_putc(b, ',');
          mm_strbuf_json_string(b, in[k].values[v]);
        }
        mm_strbuf_putc(b, ']');
      }
      mm_strbuf_puts(b, ",\"text\":");
      mm_strbuf_json_string(b, in[k].text);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "]}");
  }
  mm_strbuf_puts(b, "]}\n");
  mm_api_json_ok(c, 200);
}

static void score_json(mm_call *c, const mm_score_result *r);

/* The calculators name the field first ("age: ..."): that is the path. */
static void score_error(mm_call *c, const char *err) {
  const char *colon = err ? strchr(err, ':') : NULL;
  const char *path =
      colon ? mm_arena_printf(c->req->arena, "body.%.*s", (int)(colon - err), err) : "body";
  mm_problem1(c->out, 422, "invalid-input", "Invalid score input", path,
              err ? err : "invalid input");
}

/* IMWG response: {"baseline": date, "labs": [{date, test, value, unit}]},
 * values in the canonical unit of each test (docs/scores.md). */
static void response(mm_call *c, const mm_json *body) {
  mm_arena *a = c->req->arena;
  mm_response_in in = {MM_DATE_NONE, NULL, 0};
  for (size_t i = 0; i < body->len; i++) {
    const char *k = body->members[i].key;
    if (strcmp(k, "baseline") != 0 && strcmp(k, "labs") != 0) {
      mm_problem1(c->out, 422, "invalid-input", "Invalid score input",
                  mm_arena_printf(a, "body.%s", k), "not an input of response (baseline, labs)");
      return;
    }
  }
  const mm_json *bl = mm_json_get(body, "baseline");
  if (!mm_json_present(bl) || bl->type != MM_JSON_STRING ||
      !mm_date_parse(bl->str, bl->len, &in.baseline)) {
    mm_problem1(c->out, 422, "invalid-input", "Invalid score input", "body.baseline",
                "required: the start of the current line, YYYY-MM-DD");
    return;
  }
  const mm_json *labs = mm_json_get(body, "labs");
  if (mm_json_present(labs)) {
    if (labs->type != MM_JSON_ARRAY) {
      mm_problem1(c->out, 422, "invalid-input", "Invalid score input", "body.labs",
                  "an array of {date, test, value, unit}");
      return;
    }
    size_t n_spec = 0;
    const mm_score_input_spec *spec = mm_score_response_tests(c->api->scores, &n_spec);
    mm_lab_obs *o = mm_arena_alloc(a, (labs->len + 1) * sizeof *o);
    if (!o) {
      mm_api_internal(c, "out of memory");
      return;
    }
    for (size_t i = 0; i < labs->len; i++) {
      const mm_json *x = labs->items[i];
      const char *at = mm_arena_printf(a, "body.labs[%zu]", i);
      const mm_json *d = mm_json_get(x, "date"), *t = mm_json_get(x, "test"),
                    *v = mm_json_get(x, "value"), *u = mm_json_get(x, "unit");
      const char *field = NULL, *why = NULL;
      if (x->type != MM_JSON_OBJECT) field = "", why = "must be an object";
      else if (!mm_json_present(d) || d->type != MM_JSON_STRING ||
               !mm_date_parse(d->str, d->len, &o[i].date))
        field = ".date", why = "must be a date YYYY-MM-DD";
      else if (!mm_json_present(t) || t->type != MM_JSON_STRING)
        field = ".test", why = "must be a test name";
      else if (!mm_json_present(v) || (v->type != MM_JSON_NUMBER && v->type != MM_JSON_STRING))
        field = ".value", why = "must be a number or a string";
      else if (mm_json_present(u)) {
        const char *want = NULL;
        for (size_t j = 0; spec && j < n_spec; j++)
          if (strcmp(spec[j].name, t->str) == 0) want = spec[j].unit;
        if (u->type != MM_JSON_STRING || !want || strcmp(u->str, want) != 0) {
          field = ".unit";
          why = mm_arena_printf(a, "%s must be given in %s", t->str, want ? want : "no unit");
        }
      }
      if (field) {
        mm_problem1(c->out, 422, "invalid-input", "Invalid score input",
                    mm_arena_printf(a, "%s%s", at, field), why);
        return;
      }
      o[i].test = t->str;
      o[i].value = v->type == MM_JSON_NUMBER ? mm_value_number(v->number) : mm_value_string(v->str);
    }
    in.labs = o;
    in.n_labs = labs->len;
  }
  mm_score_result r;
  if (mm_score_response(&r, c->api->scores, &in, a) != 0) {
    score_error(c, r.because);
    return;
  }
  score_json(c, &r);
}

void mm_ep_score(mm_call *c) {
  bool known = false;
  for (size_t i = 0; mm_score_names[i]; i++) known |= strcmp(mm_score_names[i], c->arg) == 0;
  if (!known) {
    mm_problem1(c->out, 404, "not-found", "No such score", "path",
                mm_arena_printf(c->req->arena, "no score '%s' (see GET /api/v1/scores)", c->arg));
    return;
  }
  if (!have_scores(c)) return;
  mm_json *body = mm_api_json_body(c);
  if (!body) return;
  if (body->type != MM_JSON_OBJECT) {
    mm_problem1(c->out, 422, "invalid-input", "Invalid score input", "body",
                "send an object of named inputs (GET /api/v1/scores lists them)");
    return;
  }
  if (strcmp(c->arg, "response") == 0) {
    response(c, body);
    return;
  }
  size_t n_spec = 0;
  const mm_score_input_spec *spec = mm_score_inputs(c->api->scores, c->arg, &n_spec);
  if (!spec) {
    mm_api_not_implemented(c, mm_arena_printf(c->req->arena, "the '%s' score over HTTP",
                                              c->arg));
    return;
  }
  mm_score_input *in = mm_arena_alloc(c->req->arena, (body->len + 1) * sizeof *in);
  mm_kv *errs = mm_arena_alloc(c->req->arena, (body->len + 1) * sizeof *errs);
  if (!in || !errs) {
    mm_api_internal(c, "out of memory");
    return;
  }
  size_t n = 0, ne = 0;
  for (size_t i = 0; i < body->len; i++) {
    const char *k = body->members[i].key;
    const mm_json *v = body->members[i].value;
    const mm_score_input_spec *sp = NULL;
    for (size_t j = 0; j < n_spec; j++)
      if (strcmp(spec[j].name, k) == 0) sp = &spec[j];
    const char *path = mm_arena_printf(c->req->arena, "body.%s", k);
    if (!sp) {
      errs[ne++] = (mm_kv){path, mm_arena_printf(c->req->arena, "not an input of %s", c->arg)};
      continue;
    }
    mm_value val = mm_value_unknown(sp->type);
    if (!mm_json_present(v)) {
      /* null: absent */
    } else if (sp->type == MM_TYPE_NUMBER && v->type == MM_JSON_NUMBER) {
      val = mm_value_number(v->number);
    } else if (sp->type == MM_TYPE_BOOL && (v->type == MM_JSON_TRUE || v->type == MM_JSON_FALSE)) {
      val = mm_value_bool(v->type == MM_JSON_TRUE);
    } else if (sp->type == MM_TYPE_STRING && v->type == MM_JSON_STRING) {
      val = mm_value_string(v->str);
    } else {
      errs[ne++] = (mm_kv){path, mm_arena_printf(c->req->arena, "must be a %s, got %s",
                                                 type_name(sp->type), mm_json_type_name(v->type))};
      continue;
    }
    in[n++] = (mm_score_input){sp->name, val, sp->unit};
  }
  if (ne) {
    mm_problem(c->out, 422, "invalid-input", "Invalid score input",
               ne == 1 ? errs[0].value : "several inputs are invalid", errs, ne);
    return;
  }
  mm_score_result r;
  const char *err = NULL;
  int rc = mm_score_run(&r, c->api->scores, c->arg, in, n, c->req->arena, &err);
  if (rc != 0) {
    score_error(c, err);
    return;
  }
  score_json(c, &r);
}

static void score_json(mm_call *c, const mm_score_result *rp) {
  const mm_score_result r = *rp;
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"score\":");
  mm_strbuf_json_string(b, r.score);
  mm_strbuf_puts(b, ",\"value\":");
  put_value(b, r.value);
  if (r.points.known) {
    mm_strbuf_puts(b, ",\"points\":");
    put_value(b, r.points);
  }
  mm_strbuf_puts(b, ",\"inputs\":{");
  for (size_t i = 0; i < r.n_inputs; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, r.inputs[i].name);
    mm_strbuf_putc(b, ':');
    put_value(b, r.inputs[i].value);
  }
  mm_strbuf_puts(b, "},\"because\":");
  mm_strbuf_json_string(b, r.because);
  mm_strbuf_puts(b, ",\"missing\":[");
  for (size_t i = 0; i < r.n_missing; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, r.missing[i]);
  }
  mm_strbuf_puts(b, "],\"note\":");
  mm_strbuf_json_string(b, r.note);
  mm_strbuf_puts(b, ",\"source\":");
  mm_strbuf_json_string(b, r.source);
  if (strcmp(r.score, "response") == 0)
    mm_strbuf_printf(b, ",\"confirmed\":%s", r.value.known && r.confirmed ? "true" : "false");
  mm_strbuf_printf(b, ",\"review\":%s}\n", r.review ? "true" : "false");
  mm_api_json_ok(c, 200);
}
