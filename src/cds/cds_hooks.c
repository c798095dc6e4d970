/* cds_hooks.c: CDS Hooks (HL7; shared clinical/landscape.md §4.2):
 *   GET  /cds-services                          discovery
 *   POST /cds-services/mmpath-options           the patient-view service
 *   POST /cds-services/mmpath-options/feedback  accepted / overridden cards
 * The patient comes as mmpath/patient@1 in prefetch.mmpathPatient (or
 * context.mmpathPatient), or as the FHIR R4 resources of the discovery's
 * prefetch templates (Patient, Conditions, Observations, medications),
 * which src/fhir imports into a record (what it leaves out becomes a card).
 * Without either the answer is 412 with an OperationOutcome, as the
 * convention says; the service never queries the EHR's FHIR server. The
 * evaluation becomes a few stable cards: eligible options, options that
 * missing data leaves undecided, supportive care, trials. A card's uuid is
 * derived from hookInstance and the card's kind, so a repeated call gives
 * the same cards.
 * Also here: POST /api/v1/fhir/import, the same importer for the web page
 * (a pasted or uploaded Bundle becomes a record, with what was left out). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir.h"
#include "mmpath.h"
#include "server/api.h"
#include "auth/sha256.h"
#include "auth/token_store.h"

#define SERVICE_ID "mmpath-options"

void mm_ep_cds_discovery(mm_call *c) {
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b,
                 "{\"services\":[{\"hook\":\"patient-view\",\"id\":\"" SERVICE_ID "\","
                 "\"title\":\"mmpath: multiple-myeloma treatment options\","
                 "\"description\":\"Guideline regimens, approved therapies (EU or US label), "
                 "trials and supportive care for a patient with multiple myeloma, each with "
                 "its criteria and sources.\","
                 "\"prefetch\":{"
                 "\"patient\":\"Patient/{{context.patientId}}\","
                 "\"conditions\":\"Condition?patient={{context.patientId}}\","
                 "\"observations\":\"Observation?patient={{context.patientId}}\","
                 "\"statements\":\"MedicationStatement?patient={{context.patientId}}\","
                 "\"administrations\":\"MedicationAdministration?patient={{context.patientId}}\"},"
                 "\"usageRequirements\":\"FHIR R4 (mCODE) resources in the prefetch above, or an "
                 "mmpath/patient@1 record in prefetch.mmpathPatient; the service does not query "
                 "the FHIR server. Query jurisdiction=eu|us and lang=it|en optional\"}]}\n");
  mm_api_json_ok(c, 200);
}

/* ---- the record back to JSON text (the public API takes text) ---- */
static void write_json(mm_strbuf *b, const mm_json *v) {
  switch (v->type) {
  case MM_JSON_NULL: mm_strbuf_puts(b, "null"); break;
  case MM_JSON_FALSE: mm_strbuf_puts(b, "false"); break;
  case MM_JSON_TRUE: mm_strbuf_puts(b, "true"); break;
  case MM_JSON_NUMBER:
    if (v->is_integer) mm_strbuf_printf(b, "%lld", (long long)v->integer);
    else mm_strbuf_printf(b, "%.17g", v->number);
    break;
  case MM_JSON_STRING: mm_strbuf_json_string(b, v->str); break;
  case MM_JSON_ARRAY:
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < v->len; i++) {
      if (i) mm_strbuf_putc(b, ',');
      write_json(b, v->items[i]);
    }
    mm_strbuf_putc(b, ']');
    break;
  case MM_JSON_OBJECT:
    mm_strbuf_putc(b, '{');
    for (size_t i = 0; i < v->len; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, v->members[i].key);
      mm_strbuf_putc(b, ':');
      write_json(b, v->members[i].value);
    }
    mm_strbuf_putc(b, '}');
    break;
  }
}

static void outcome(mm_call *c, int status, const char *code, const char *text) {
  mm_strbuf *b = &c->out->body;
  mm_strbuf_clear(b);
  mm_strbuf_printf(b,
                   "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                   "\"code\":\"%s\",\"diagnostics\":",
                   code);
  mm_strbuf_json_string(b, text);
  mm_strbuf_puts(b, "}]}\n");
  c->out->status = status;
  c->out->content_type = "application/fhir+json";
}

static const char *str_of(const mm_json *o, const char *k) {
  const mm_json *v = o ? mm_json_get(o, k) : NULL;
  return v && v->type == MM_JSON_STRING ? v->str : NULL;
}

/* A UUID (RFC 4122 layout, version 5-like) from hookInstance and a kind. */
static const char *card_uuid(mm_call *c, const char *instance, const char *kind) {
  char *s = mm_arena_printf(c->req->arena, "%s/%s", instance, kind);
  char hex[65];
  mm_sha256_hex(hex, s, strlen(s));
  hex[12] = '5';
  static const char variant[] = "89ab";
  hex[16] = variant[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
  return mm_arena_printf(c->req->arena, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
                         hex + 16, hex + 20);
}

typedef struct cards {
  mm_call *c;
  const char *instance, *source_label;
  size_t n;
} cards;

static void card(cards *cs, const char *kind, const char *indicator, const char *summary,
                 const char *detail) {
  mm_strbuf *b = &cs->c->out->body;
  if (cs->n++) mm_strbuf_putc(b, ',');
  mm_strbuf_puts(b, "{\"uuid\":");
  mm_strbuf_json_string(b, card_uuid(cs->c, cs->instance, kind));
  /* CDS Hooks: summary under 140 characters */
  char sum[140];
  snprintf(sum, sizeof sum, "%s", summary);
  mm_strbuf_puts(b, ",\"summary\":");
  mm_strbuf_json_string(b, sum);
  mm_strbuf_puts(b, ",\"detail\":");
  mm_strbuf_json_string(b, detail);
  mm_strbuf_printf(b, ",\"indicator\":\"%s\",\"source\":{\"label\":", indicator);
  mm_strbuf_json_string(b, cs->source_label);
  mm_strbuf_puts(b, ",\"topic\":{\"system\":\"urn:mmpath:cds\",\"code\":");
  mm_strbuf_json_string(b, kind);
  mm_strbuf_puts(b, "}}}");
}

static bool is_lang_it(const char *lang) { return strcmp(lang, "it") == 0; }

/* Lists option names with the given status, as markdown; *n counts them. */
static void options_md(mm_strbuf *md, const mm_json *list, const char *status, size_t *n,
                       bool with_missing) {
  for (size_t i = 0; list && list->type == MM_JSON_ARRAY && i < list->len; i++) {
    const mm_json *o = list->items[i];
    const char *st = str_of(o, "status");
    if (!st || strcmp(st, status) != 0) continue;
    (*n)++;
    const char *name = str_of(o, "name") ? str_of(o, "name") : str_of(o, "id");
    mm_strbuf_printf(md, "- **%s**", name ? name : "?");
    const char *src = str_of(o, "source");
    if (src) mm_strbuf_printf(md, " (%s)", src);
    if (with_missing) {
      const mm_json *crit = mm_json_get(o, "criteria");
      bool first = true;
      for (size_t k = 0; crit && crit->type == MM_JSON_ARRAY && k < crit->len; k++) {
        const mm_json *miss = mm_json_get(crit->items[k], "missing");
        for (size_t m = 0; miss && miss->type == MM_JSON_ARRAY && m < miss->len; m++) {
          if (miss->items[m]->type != MM_JSON_STRING) continue;
          mm_strbuf_printf(md, "%s`%s`", first ? ": missing " : ", ", miss->items[m]->str);
          first = false;
        }
      }
    }
    mm_strbuf_putc(md, '\n');
  }
}

/* The FHIR resources of the prefetch (each a resource or a search Bundle)
 * as one collection Bundle, imported into an mmpath/patient@1 record in
 * out. 0 done; 1 no FHIR resource there; -1 the import refused it (errors
 * in notes); -2 out of memory. Warnings (what was left out) go to notes. */
static int from_fhir(mm_call *c, mm_strbuf *out, const mm_json *prefetch, mm_diags *notes) {
  if (!c->api->fhir || !prefetch || prefetch->type != MM_JSON_OBJECT) return 1;
  mm_strbuf bundle;
  mm_strbuf_init(&bundle, c->api->limits.max_body * 2);
  mm_strbuf_puts(&bundle, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
  size_t n = 0;
  for (size_t i = 0; i < prefetch->len; i++) {
    const mm_json *v = prefetch->members[i].value;
    const char *type = str_of(v, "resourceType");
    if (!type) continue;
    const mm_json *entries = strcmp(type, "Bundle") == 0 ? mm_json_get(v, "entry") : NULL;
    if (strcmp(type, "Bundle") == 0) {
      for (size_t k = 0; entries && entries->type == MM_JSON_ARRAY && k < entries->len; k++) {
        const mm_json *r = mm_json_get(entries->items[k], "resource");
        if (!r || r->type != MM_JSON_OBJECT) continue;
        mm_strbuf_puts(&bundle, n++ ? ",{\"resource\":" : "{\"resource\":");
        write_json(&bundle, r);
        mm_strbuf_putc(&bundle, '}');
      }
    } else {
      mm_strbuf_puts(&bundle, n++ ? ",{\"resource\":" : "{\"resource\":");
      write_json(&bundle, v);
      mm_strbuf_putc(&bundle, '}');
    }
  }
  mm_strbuf_puts(&bundle, "]}");
  int rc;
  if (bundle.failed) rc = -2;
  else if (n == 0) rc = 1;
  else {
    mm_fhir_options o = {MM_DATE_NONE, "prefetch"};
    int r = mm_fhir_import(out, c->api->kb, c->api->fhir, bundle.data, bundle.len, &o, notes);
    rc = r == 0 ? 0 : r == -1 ? -1 : -2;
  }
  mm_strbuf_free(&bundle);
  return rc;
}

static void notes_problem(mm_call *c, const mm_diags *notes) {
  mm_kv *errs = mm_arena_alloc(c->req->arena, (notes->errors ? notes->errors : 1) * sizeof *errs);
  size_t n = 0;
  for (const mm_diag *x = notes->head; x && errs; x = x->next) {
    if (x->level != MM_DIAG_ERROR) continue;
    errs[n].key = x->path ? mm_arena_printf(c->req->arena, "body.prefetch.%s", x->path)
                          : "body.prefetch";
    errs[n].value = x->text;
    n++;
  }
  mm_problem(c->out, 422, "invalid-record", "FHIR resources cannot be imported",
             n ? errs[0].value : NULL, errs, n);
}

void mm_ep_cds_options(mm_call *c) {
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  const char *juris = mm_request_query(c->req, "jurisdiction");
  if (!juris || !*juris) juris = "eu";
  if (strcmp(juris, "eu") != 0 && strcmp(juris, "us") != 0) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.jurisdiction",
                "use eu or us");
    return;
  }
  mm_json *body = mm_api_json_body(c);
  if (!body) return;
  mm_kv errs[4];
  size_t ne = 0;
  const char *hook = str_of(body, "hook"), *instance = str_of(body, "hookInstance");
  const mm_json *context = mm_json_get(body, "context");
  if (body->type != MM_JSON_OBJECT) errs[ne++] = (mm_kv){"body", "a CDS Hooks request object"};
  else {
    if (!hook || strcmp(hook, "patient-view") != 0)
      errs[ne++] = (mm_kv){"body.hook", "this service answers the patient-view hook"};
    if (!instance || !*instance) errs[ne++] = (mm_kv){"body.hookInstance", "required (a UUID)"};
    if (!context || context->type != MM_JSON_OBJECT || !str_of(context, "patientId"))
      errs[ne++] = (mm_kv){"body.context.patientId", "required"};
  }
  if (ne) {
    mm_problem(c->out, 400, "invalid-cds-request", "Invalid CDS Hooks request",
               ne == 1 ? errs[0].value : "several problems in the request", errs, ne);
    return;
  }
  const mm_json *prefetch = mm_json_get(body, "prefetch");
  const mm_json *rec = prefetch && prefetch->type == MM_JSON_OBJECT
                           ? mm_json_get(prefetch, "mmpathPatient")
                           : NULL;
  const char *rec_path = "body.prefetch.mmpathPatient";
  if (!mm_json_present(rec)) {
    rec = mm_json_get(context, "mmpathPatient");
    rec_path = "body.context.mmpathPatient";
  }
  if (!c->api->kb) {
    mm_problem(c->out, 503, "kb-unavailable", "Knowledge base not loaded", NULL, NULL, 0);
    return;
  }
  mm_strbuf text;
  mm_strbuf_init(&text, c->api->limits.max_body * 2);
  mm_diags fhir_notes;
  mm_diags_init(&fhir_notes, c->req->arena);
  if (mm_json_present(rec)) {
    write_json(&text, rec);
  } else {
    int r = from_fhir(c, &text, prefetch, &fhir_notes);
    if (r != 0) {
      mm_strbuf_free(&text);
      if (r == 1)
        outcome(c, 412, "required",
                "no patient in the prefetch: send the FHIR resources of the discovery's "
                "prefetch templates, or an mmpath/patient@1 record in prefetch.mmpathPatient");
      else if (r == -1)
        notes_problem(c, &fhir_notes);
      else
        mm_api_internal(c, "out of memory importing the FHIR resources");
      return;
    }
    rec_path = "body.prefetch";
  }
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.lang = lang;
  o.jurisdiction = juris;
  char *out = NULL;
  int rc = text.failed ? MMPATH_ENOMEM
                       : mmpath_evaluate(&out, c->api->kb, text.data, text.len, &o);
  mm_strbuf_free(&text);
  if (rc == MMPATH_EINVALID) {
    mm_api_invalid_report(c, out, "Invalid patient record in the CDS request", rec_path);
    free(out);
    return;
  }
  if (rc != MMPATH_OK) {
    free(out);
    mm_api_internal(c, "the evaluation failed");
    return;
  }
  mm_json_error jerr;
  mm_json *ev = mm_json_parse(c->req->arena, out, strlen(out), &jerr);
  free(out);
  if (!ev) {
    mm_api_internal(c, "the evaluation cannot be read back");
    return;
  }
  bool it = is_lang_it(lang);
  const mm_json *kbv = mm_json_get(ev, "knowledge_base");
  const char *kb_version = str_of(kbv, "version");
  const mm_json *facts = mm_json_get(ev, "facts");
  const mm_json *setting = facts ? mm_json_get(mm_json_get(facts, "setting"), "value") : NULL;
  const char *setting_s = setting && setting->type == MM_JSON_STRING ? setting->str : NULL;
  cards cs = {c, instance,
              mm_arena_printf(c->req->arena, "mmpath %s, knowledge base %s (%s)", MMPATH_VERSION,
                              kb_version ? kb_version : "?", strcmp(juris, "us") == 0 ? "US" : "EU"),
              0};
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"cards\":[");
  const mm_json *options = mm_json_get(ev, "options"), *trials = mm_json_get(ev, "trials");
  mm_strbuf md;
  size_t n = 0;

  mm_strbuf_init(&md, 0);
  options_md(&md, options, "eligible", &n, false);
  if (n)
    card(&cs, "eligible", "info",
         mm_arena_printf(c->req->arena,
                         it ? "%zu opzioni terapeutiche indicate (%s)"
                            : "%zu treatment options the patient is eligible for (%s)",
                         n, setting_s ? setting_s : "?"),
         md.data);
  mm_strbuf_free(&md);

  n = 0;
  mm_strbuf_init(&md, 0);
  options_md(&md, options, "unknown", &n, true);
  if (n)
    card(&cs, "undecided", "warning",
         mm_arena_printf(c->req->arena,
                         it ? "%zu opzioni non determinabili: mancano dati"
                            : "%zu options cannot be decided: data missing",
                         n),
         md.data);
  mm_strbuf_free(&md);

  n = 0;
  mm_strbuf_init(&md, 0);
  const mm_json *sc = mm_json_get(ev, "supportive_care");
  for (size_t i = 0; sc && sc->type == MM_JSON_ARRAY && i < sc->len; i++) {
    const char *st = str_of(sc->items[i], "status");
    if (!st || strcmp(st, "indicated") != 0) continue;
    n++;
    const char *because = str_of(sc->items[i], "because");
    mm_strbuf_printf(&md, "- **%s**%s%s\n", str_of(sc->items[i], "id"),
                     because ? ": " : "", because ? because : "");
  }
  if (n)
    card(&cs, "supportive", "warning",
         mm_arena_printf(c->req->arena,
                         it ? "Terapia di supporto: %zu misure indicate"
                            : "Supportive care: %zu measures indicated",
                         n),
         md.data);
  mm_strbuf_free(&md);

  n = 0;
  mm_strbuf_init(&md, 0);
  options_md(&md, trials, "eligible", &n, false);
  size_t n_unknown = 0;
  options_md(&md, trials, "unknown", &n_unknown, true);
  if (n + n_unknown)
    card(&cs, "trials", "info",
         mm_arena_printf(c->req->arena,
                         it ? "Studi clinici: %zu possibili, %zu da verificare"
                            : "Clinical trials: %zu matching, %zu to check",
                         n, n_unknown),
         md.data);
  mm_strbuf_free(&md);

  /* what the FHIR import left out: a clinician must know what was not read */
  if (fhir_notes.warnings) {
    mm_strbuf_init(&md, 0);
    size_t k = 0;
    for (const mm_diag *x = fhir_notes.head; x; x = x->next) {
      if (x->level != MM_DIAG_WARNING) continue;
      if (k++ == 30) {
        mm_strbuf_puts(&md, "- ...\n");
        break;
      }
      mm_strbuf_printf(&md, "- %s%s%s\n", x->path ? x->path : "", x->path ? ": " : "", x->text);
    }
    card(&cs, "fhir-import", "warning",
         mm_arena_printf(c->req->arena,
                         it ? "FHIR: %zu elementi non letti, verificare"
                            : "FHIR: %zu items were not read; check them",
                         fhir_notes.warnings),
         md.data);
    mm_strbuf_free(&md);
  }
  mm_strbuf_puts(b, "]}\n");
  mm_api_json_ok(c, 200);
}

void mm_ep_cds_feedback(mm_call *c) {
  mm_json *body = mm_api_json_body(c);
  if (!body) return;
  const mm_json *fb = mm_json_get(body, "feedback");
  if (!fb || fb->type != MM_JSON_ARRAY || fb->len == 0) {
    mm_problem1(c->out, 400, "invalid-cds-request", "Invalid CDS Hooks feedback",
                "body.feedback", "an array of {card, outcome, outcomeTimestamp}");
    return;
  }
  for (size_t i = 0; i < fb->len; i++) {
    const char *card_id = str_of(fb->items[i], "card");
    const char *oc = str_of(fb->items[i], "outcome");
    if (!card_id || !oc || (strcmp(oc, "accepted") != 0 && strcmp(oc, "overridden") != 0)) {
      mm_problem1(c->out, 400, "invalid-cds-request", "Invalid CDS Hooks feedback",
                  mm_arena_printf(c->req->arena, "body.feedback[%zu]", i),
                  "card (uuid) and outcome (accepted or overridden) are required");
      return;
    }
  }
  sqlite3 *db = mm_api_db(c);
  if (!db) return;
  for (size_t i = 0; i < fb->len; i++) {
    mm_strbuf d;
    mm_strbuf_init(&d, 1 << 16);
    write_json(&d, fb->items[i]);
    mm_store_audit(db, &c->who, "cds.feedback", str_of(fb->items[i], "card"), d.data);
    mm_strbuf_free(&d);
  }
  mm_store_close(db);
  mm_strbuf_puts(&c->out->body, "{}\n");
  mm_api_json_ok(c, 200);
}

/* POST /api/v1/fhir/import?as_of=: {"record": {...}, "warnings": [{path,
 * message}]}; an input the importer refuses is 422 with every error. */
void mm_ep_fhir_import(mm_call *c) {
  if (!c->api->fhir || !c->api->kb) {
    mm_api_not_implemented(c, "FHIR import (kb/fhir.yaml not loaded)");
    return;
  }
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
    mm_kv *errs = mm_arena_alloc(c->req->arena, (notes.errors ? notes.errors : 1) * sizeof *errs);
    size_t n = 0;
    for (const mm_diag *x = notes.head; x && errs; x = x->next) {
      if (x->level != MM_DIAG_ERROR) continue;
      errs[n].key = x->path ? mm_arena_printf(c->req->arena, "body.%s", x->path) : "body";
      errs[n].value = x->line ? mm_arena_printf(c->req->arena, "%s (line %d, column %d)", x->text,
                                                x->line, x->col)
                              : x->text;
      n++;
    }
    mm_problem(c->out, 422, "invalid-record", "FHIR input cannot be imported",
               n ? errs[0].value : NULL, errs, n);
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
      mm_strbuf_puts(b, ",\"message\":");
      mm_strbuf_json_string(b, x->text);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "]}\n");
    mm_api_json_ok(c, 200);
  }
  mm_strbuf_free(&rec);
}
