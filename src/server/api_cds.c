/* api_cds.c: the HTTP side of CDS Hooks 2.0 (the service itself is src/cds;
 * docs/cds-hooks.md):
 *   GET  /cds-services                          discovery
 *   POST /cds-services/mmpath-options           patient-view, order-select,
 *                                               order-sign (by body.hook)
 *   POST /cds-services/mmpath-options/feedback  accepted / overridden cards,
 *                                               kept in the audit log
 *   GET  /cds-services/evaluations/{id}         the evaluation a card links
 *                                               to (a random id, minutes)
 * and POST /api/v1/fhir/import, the FHIR importer for the web page (a
 * pasted or uploaded Bundle becomes a record, with what was left out).
 * Here: query parameters, status codes, problem+json; src/cds answers with
 * results or problems whose paths are relative to the body. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "referral/store.h"
#include "cds/cds.h"
#include "kb/kb_reimbursement.h"
#include "server/api.h"

/* Problems of src/cds (paths relative to the body) as a problem+json. */
static void problems(mm_call *c, int status, const char *slug, const char *title,
                     const char *prefix, const mm_diags *d, const char *several) {
  mm_kv *errs = mm_arena_alloc(c->req->arena, (d->errors ? d->errors : 1) * sizeof *errs);
  size_t n = 0;
  for (const mm_diag *x = d->head; x && errs; x = x->next) {
    if (x->level != MM_DIAG_ERROR) continue;
    errs[n].key = x->path && *x->path ? mm_arena_printf(c->req->arena, "%s.%s", prefix, x->path)
                                      : prefix;
    errs[n].value = x->text;
    n++;
  }
  mm_problem(c->out, status, slug, title, n == 1 || !several ? (n ? errs[0].value : NULL) : several,
             errs, n);
}

void mm_ep_cds_discovery(mm_call *c) {
  mm_cds_discovery(&c->out->body, c->api->fhir);
  mm_api_json_ok(c, 200);
}

/* The body as JSON: a prefetch over the API's max_body was spooled to a
 * file by the transport (the CDS cap is its own, cds_max_body). */
static mm_json *cds_body(mm_call *c) {
  if (c->req->body_fd < 0) return mm_api_json_body(c);
  size_t len = c->req->body_len;
  char *text = mm_arena_alloc(c->req->arena, len + 1);
  size_t got = 0;
  while (text && got < len) {
    ssize_t r = pread(c->req->body_fd, text + got, len - got, (off_t)got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  if (!text || got != len) {
    mm_api_internal(c, "the request body cannot be read back");
    return NULL;
  }
  text[len] = '\0';
  mm_request copy = *c->req; /* the same request, its body in memory */
  copy.body = text;
  copy.body_fd = -1;
  mm_call cc = *c;
  cc.req = &copy;
  return mm_api_json_body(&cc);
}

/* The evaluation page behind the cards' links: rendered once, kept in the
 * store under a random id. links->* stay NULL when the server has no
 * public URL or store, or the page cannot be made (the cards still go). */
static void make_links(mm_call *c, mm_cds_links *links, const mmpath_evaluation *ev,
                       mmpath_lang lang) {
  memset(links, 0, sizeof *links);
  if (!c->api->public_url || !c->api->cds_store) return;
  char *page = NULL;
  char id[MM_CDS_STORE_ID_LEN + 1];
  if (mmpath_render(&page, ev, MMPATH_FORMAT_HTML, lang) == MMPATH_OK &&
      mm_cds_store_put(c->api->cds_store, page, strlen(page), time(NULL), id) == 0) {
    links->evaluation_url =
        mm_arena_printf(c->req->arena, "%s/cds-services/evaluations/%s", c->api->public_url, id);
    if (c->api->cds_smart_url) {
      links->smart_url = c->api->cds_smart_url;
      links->app_context = mm_arena_printf(c->req->arena, "evaluation=%s", id);
    }
  }
  free(page);
}

void mm_ep_cds_options(mm_call *c) {
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  const char *juris = mm_request_query(c->req, "jurisdiction");
  if (!juris || !*juris) juris = "eu";
  mm_jurisdiction j;
  if (!mm_jurisdiction_parse(juris, &j)) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.jurisdiction",
                "use eu, us or it");
    return;
  }
  mm_json *body = cds_body(c);
  if (!body) return;
  mm_diags bad;
  mm_diags_init(&bad, c->req->arena);
  mm_cds_request rq;
  if (mm_cds_request_read(&rq, body, &bad) != 0) {
    problems(c, 400, "invalid-cds-request", "Invalid CDS Hooks request", "body", &bad,
             "several problems in the request");
    return;
  }
  if (!c->api->kb) {
    mm_problem(c->out, 503, "kb-unavailable", "Knowledge base not loaded", NULL, NULL, 0);
    return;
  }
  size_t cap = c->api->cds_max_body > c->api->limits.max_body ? c->api->cds_max_body
                                                              : c->api->limits.max_body;
  mm_cds_env env = {c->api->kb, c->api->fhir, cap * 2};
  mmpath_lang ml = strcmp(lang, "it") == 0 ? MMPATH_LANG_IT : MMPATH_LANG_EN;
  mm_cds_order order;
  memset(&order, 0, sizeof order);
  if (rq.kind != MM_CDS_PATIENT_VIEW) {
    int r = mm_cds_order_read(&order, &env, &rq, c->req->arena);
    if (r == MM_CDS_ENOMEM) {
      mm_api_internal(c, "out of memory reading the draft orders");
      return;
    }
    if (order.n_drugs == 0) { /* nothing mmpath knows is ordered: no cards */
      mm_strbuf_puts(&c->out->body, "{\"cards\":[]}\n");
      mm_api_json_ok(c, 200);
      return;
    }
  }
  mm_cds_patient pt;
  int rc = mm_cds_evaluate(&pt, &env, &rq, (mmpath_jurisdiction)j, c->req->arena);
  switch (rc) {
  case 0: {
    mm_cds_links links;
    make_links(c, &links, pt.ev, ml);
    if (rq.kind == MM_CDS_PATIENT_VIEW)
      mm_cds_cards(&c->out->body, &rq, pt.ev, &pt.fhir_notes, ml, &links, c->req->arena);
    else
      mm_cds_order_cards(&c->out->body, &rq, pt.ev, &order, &pt.fhir_notes, ml, &links,
                         c->req->arena);
    mm_api_json_ok(c, 200);
    break;
  }
  case MM_CDS_ENOPATIENT:
    mm_strbuf_clear(&c->out->body);
    mm_cds_operation_outcome(&c->out->body, "required", mm_cds_no_patient_text);
    c->out->status = 412;
    c->out->content_type = "application/fhir+json";
    break;
  case MM_CDS_EFHIR:
    problems(c, 422, "invalid-record", "FHIR resources cannot be imported", "body.prefetch",
             &pt.fhir_notes, NULL);
    break;
  case MM_CDS_EMISMATCH: /* no cards: they would be another patient's */
    mm_problem1(c->out, 400, "patient-mismatch", "Prefetched patient is not the patient in context",
                mm_arena_printf(c->req->arena, "body.%s", pt.id_path), mm_cds_mismatch_text);
    break;
  case MM_CDS_ENOPATIENTID:
    mm_problem1(c->out, 422, "patient-id-missing", "Prefetched patient cannot be checked",
                mm_arena_printf(c->req->arena, "body.%s", pt.id_path), mm_cds_no_patient_id_text);
    break;
  case MM_CDS_ERECORD:
    mm_api_invalid_record(c, pt.problems, "Invalid patient record in the CDS request",
                          mm_arena_printf(c->req->arena, "body.%s", pt.record_path));
    break;
  case MM_CDS_ENOMEM:
    mm_api_internal(c, "out of memory importing the FHIR resources");
    break;
  default:
    mm_api_internal(c, "the evaluation failed");
    break;
  }
  mm_cds_patient_free(&pt);
}

/* GET /cds-services/evaluations/{id}: the page a card links to, while it is
 * kept. The id is the key (128 random bits, never derived from the
 * patient), so no token is asked: a CDS client opens it in a browser. */
void mm_ep_cds_evaluation(mm_call *c) {
  int rc = c->api->cds_store ? mm_cds_store_get(c->api->cds_store, c->arg, time(NULL),
                                                &c->out->body)
                             : 1;
  if (rc != 0) {
    mm_strbuf_clear(&c->out->body);
    if (rc < 0) mm_api_internal(c, "out of memory");
    else
      mm_problem1(c->out, 404, "not-found", "Evaluation not found", "path",
                  "no such evaluation, or it has expired: open the card again from the record");
    return;
  }
  c->out->status = 200;
  c->out->content_type = "text/html; charset=utf-8";
  /* the page is self-contained, as /api/v1/evaluate?format=html */
  c->out->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
  c->out->cors = NULL; /* a page for a browser tab, not for scripts elsewhere */
}

void mm_ep_cds_feedback(mm_call *c) {
  mm_json *body = cds_body(c);
  if (!body) return;
  mm_diags bad;
  mm_diags_init(&bad, c->req->arena);
  if (mm_cds_feedback_check(body, &bad) != 0) {
    problems(c, 400, "invalid-cds-request", "Invalid CDS Hooks feedback", "body", &bad,
             "several problems in the feedback");
    return;
  }
  mm_ref_store *s = mm_api_store(c);
  if (!s) return;
  const mm_json *fb = mm_json_get(body, "feedback");
  int rc = 0;
  for (size_t i = 0; i < fb->len && !rc; i++) {
    mm_strbuf d;
    mm_strbuf_init(&d, 1 << 16);
    mm_json_write(&d, fb->items[i]);
    const mm_json *card = mm_json_get(fb->items[i], "card");
    rc = mm_api_audit(c, s, "cds.feedback", card->str, 200, d.data);
    mm_strbuf_free(&d);
  }
  if (rc) {
    mm_api_store_error(c, s, rc); /* feedback not recorded is not a 200 */
  } else {
    mm_strbuf_puts(&c->out->body, "{}\n");
    mm_api_json_ok(c, 200);
  }
  mm_api_store_done(c, s);
}

/* POST /api/v1/fhir/import?as_of=&lang=it|en: {"record": {...}, "warnings":
 * [{path, code, message}]}, each message in lang (English by default, as
 * every endpoint); an input the importer refuses is 422 with every error,
 * its code and its message in lang. */
void mm_ep_fhir_import(mm_call *c) {
  if (!c->api->fhir || !c->api->kb) {
    mm_api_not_implemented(c, "FHIR import (kb/fhir.yaml not loaded)");
    return;
  }
  const char *lang_s = mm_api_lang(c);
  if (!lang_s) return; /* a 400 naming query.lang */
  mm_lang lang = MM_LANG_EN;
  mm_lang_parse(lang_s, &lang);
  mm_fhir_options o = {MM_DATE_NONE, "body"};
  const char *as_of = mm_request_query(c->req, "as_of");
  if (as_of && *as_of && !mm_date_parse(as_of, strlen(as_of), &o.as_of)) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.as_of",
                "a date YYYY-MM-DD");
    return;
  }
  if (!c->req->body || c->req->body_len == 0) {
    mm_problem1(c->out, 400, "invalid-json", "Invalid JSON body", "body",
                "send a FHIR R4 Bundle or resource");
    return;
  }
  mm_diags notes;
  mm_diags_init(&notes, c->req->arena);
  mm_strbuf rec;
  mm_strbuf_init(&rec, c->api->limits.max_body * 4);
  int r = mm_fhir_import(&rec, c->api->kb, c->api->fhir, c->req->body, c->req->body_len, &o,
                         &notes);
  if (r == -1) {
    size_t cap = notes.errors ? notes.errors : 1;
    mm_kv *errs = mm_arena_alloc(c->req->arena, cap * sizeof *errs);
    const char **codes = mm_arena_alloc(c->req->arena, cap * sizeof *codes);
    size_t n = 0;
    for (const mm_diag *x = notes.head; x && errs && codes; x = x->next) {
      if (x->level != MM_DIAG_ERROR) continue;
      const char *text = mm_diag_text(x, lang);
      errs[n].key = x->path ? mm_arena_printf(c->req->arena, "body.%s", x->path) : "body";
      errs[n].value = !x->line ? text
                      : mm_arena_printf(c->req->arena,
                                        lang == MM_LANG_IT ? "%s (riga %d, colonna %d)"
                                                           : "%s (line %d, column %d)",
                                        text, x->line, x->col);
      codes[n] = mm_diag_code_name(x->code);
      n++;
    }
    mm_problem_coded(c->out, 422, "invalid-record", "FHIR input cannot be imported",
                     n ? errs[0].value : NULL, errs, codes, n);
  } else if (r != 0 || rec.failed) {
    mm_api_internal(c, "out of memory importing the FHIR input");
  } else {
    mm_strbuf *b = &c->out->body;
    mm_strbuf_puts(b, "{\"record\":");
    size_t len = rec.len;
    while (len && (rec.data[len - 1] == '\n' || rec.data[len - 1] == ' ')) len--;
    mm_strbuf_add(b, rec.data, len);
    mm_strbuf_puts(b, ",\"warnings\":[");
    size_t n = 0;
    for (const mm_diag *x = notes.head; x; x = x->next) {
      if (x->level != MM_DIAG_WARNING) continue;
      mm_strbuf_puts(b, n++ ? ",{\"path\":" : "{\"path\":");
      mm_strbuf_json_string(b, x->path);
      mm_strbuf_puts(b, ",\"code\":");
      mm_strbuf_json_string(b, mm_diag_code_name(x->code));
      mm_strbuf_puts(b, ",\"message\":");
      mm_strbuf_json_string(b, mm_diag_text(x, lang));
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "]}\n");
    mm_api_json_ok(c, 200);
  }
  mm_strbuf_free(&rec);
}
