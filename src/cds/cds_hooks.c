/* cds_hooks.c: the CDS Hooks service's requests (cds.h): discovery, reading
 * a hook request, finding and evaluating its patient, checking feedback.
 * The cards are cds_cards.c (patient-view) and cds_order.c (the orders). */
#include <stdio.h>
#include <string.h>

#include "cds/cds.h"
#include "lib/lib.h"

/* The codes of one mapping kind (kb/fhir.yaml) as a token search value
 * "system|code,system|code": the prefetch asks for what the importer reads,
 * and the codes stay data in kb/. */
static void codes_of(mm_strbuf *b, const mm_fhir_map *map, mm_fhir_kind kind) {
  size_t n = 0;
  for (size_t i = 0; map && i < map->n_maps; i++) {
    const mm_fhir_mapping *m = &map->maps[i];
    if (m->kind != kind || strchr(m->code, ' ') || strchr(m->code, ',')) continue;
    mm_strbuf_printf(b, "%s%s|%s", n++ ? "," : "", m->system, m->code);
  }
}

/* One discovery entry. The prefetch templates are bounded (CDS Hooks 2.0
 * "Prefetch query restrictions": _count, _sort for most recent first, token
 * equality): a full answer fits under MM_CDS_MAX_BODY. */
static void service(mm_strbuf *b, const char *hook, const char *title, const char *what,
                    const mm_fhir_map *map) {
  const char *pid = "{{context.patientId}}";
  mm_strbuf_printf(b, "{\"hook\":\"%s\",\"id\":\"" MM_CDS_SERVICE_ID "\",\"title\":", hook);
  mm_strbuf_json_string(b, title);
  mm_strbuf_puts(b, ",\"description\":");
  mm_strbuf_json_string(b, what);
  mm_strbuf_printf(b, ",\"prefetch\":{\"patient\":\"Patient/%s\","
                      "\"conditions\":\"Condition?patient=%s&_count=200\","
                      "\"labs\":\"Observation?patient=%s&category=laboratory&_sort=-date&_count=500\",",
                   pid, pid, pid);
  mm_strbuf_printf(b, "\"findings\":\"Observation?patient=%s&code=", pid);
  codes_of(b, map, MM_FHIR_OBSERVATION);
  mm_strbuf_printf(b, "&_sort=-date&_count=200\","
                      "\"medicationRequests\":\"MedicationRequest?patient=%s&_sort=-authoredon&_count=500\","
                      "\"statements\":\"MedicationStatement?patient=%s&_count=500\","
                      "\"administrations\":\"MedicationAdministration?patient=%s&_sort=-effective-time&_count=1000\","
                      "\"procedures\":\"Procedure?patient=%s&code=",
                   pid, pid, pid, pid);
  codes_of(b, map, MM_FHIR_PROCEDURE);
  mm_strbuf_puts(b, "&_count=50\"},"
                    "\"usageRequirements\":\"FHIR R4 (mCODE) resources in the prefetch above, or an "
                    "mmpath/patient@1 record in prefetch.mmpathPatient; the service does not query "
                    "the FHIR server. A paged prefetch (Bundle.link next) is read as incomplete. "
                    "Query jurisdiction=eu|us|it and lang=it|en optional\"}");
}

void mm_cds_discovery(mm_strbuf *b, const mm_fhir_map *map) {
  mm_strbuf_puts(b, "{\"services\":[");
  service(b, "patient-view", "mmpath: multiple-myeloma treatment options",
          "Guideline regimens, approved therapies (EU or US label), trials and supportive care "
          "for a patient with multiple myeloma, each with its criteria and sources.",
          map);
  mm_strbuf_putc(b, ',');
  service(b, "order-select", "mmpath: does the myeloma regimen being selected fit the patient?",
          "For a MedicationRequest of a multiple-myeloma regimen: whether the disease is "
          "refractory to a drug of it, the guideline and label verdict of that regimen for the "
          "patient, and the recommended options where it does not fit.",
          map);
  mm_strbuf_putc(b, ',');
  service(b, "order-sign", "mmpath: does the myeloma regimen being signed fit the patient?",
          "As order-select, on the draft orders about to be signed.", map);
  mm_strbuf_puts(b, "]}\n");
}

const char mm_cds_no_patient_text[] =
    "no patient in the prefetch: send the FHIR resources of the discovery's prefetch "
    "templates, or an mmpath/patient@1 record in prefetch.mmpathPatient";

const char mm_cds_mismatch_text[] =
    "the prefetched patient is not the patient of context.patientId";
const char mm_cds_no_patient_id_text[] =
    "the prefetch has no Patient with an id, so it cannot be checked against "
    "context.patientId: send Patient/{{context.patientId}} as the discovery's prefetch asks";

void mm_cds_operation_outcome(mm_strbuf *b, const char *code, const char *text) {
  mm_strbuf_puts(b, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                    "\"code\":");
  mm_strbuf_json_string(b, code);
  mm_strbuf_puts(b, ",\"diagnostics\":");
  mm_strbuf_json_string(b, text);
  mm_strbuf_puts(b, "}]}\n");
}


static const char *str_of(const mm_json *o, const char *k) {
  const mm_json *v = o ? mm_json_get(o, k) : NULL;
  return v && v->type == MM_JSON_STRING ? v->str : NULL;
}

int mm_cds_request_read(mm_cds_request *out, const mm_json *body, mm_diags *problems) {
  memset(out, 0, sizeof *out);
  size_t before = problems->errors;
  if (!body || body->type != MM_JSON_OBJECT) {
    mm_diag_errorc(problems, MM_E_TYPE, NULL, 0, 0, "", "a CDS Hooks request object");
    return MM_CDS_EINVALID;
  }
  out->hook = str_of(body, "hook");
  out->instance = str_of(body, "hookInstance");
  out->context = mm_json_get(body, "context");
  out->prefetch = mm_json_get(body, "prefetch");
  static const char *const hooks[] = {"patient-view", "order-select", "order-sign"};
  bool known = false;
  for (size_t i = 0; out->hook && i < 3; i++)
    if (strcmp(out->hook, hooks[i]) == 0) out->kind = (mm_cds_hook)i, known = true;
  if (!known)
    mm_diag_errorc(problems, out->hook ? MM_E_INVALID : MM_E_MISSING, NULL, 0, 0, "hook",
                   "this service answers the patient-view, order-select and order-sign hooks");
  if (!out->instance || !*out->instance)
    mm_diag_errorc(problems, MM_E_MISSING, NULL, 0, 0, "hookInstance", "required (a UUID)");
  if (!out->context || out->context->type != MM_JSON_OBJECT || !str_of(out->context, "patientId"))
    mm_diag_errorc(problems, MM_E_MISSING, NULL, 0, 0, "context.patientId", "required");
  else
    out->patient_id = str_of(out->context, "patientId");
  if (known && out->kind != MM_CDS_PATIENT_VIEW && out->context &&
      out->context->type == MM_JSON_OBJECT) {
    /* order-select, order-sign (CDS Hooks library): draftOrders, a Bundle of
     * the orders; order-select's selections name the ones just selected */
    const mm_json *d = mm_json_get(out->context, "draftOrders");
    const char *t = str_of(d, "resourceType");
    if (!t || strcmp(t, "Bundle") != 0)
      mm_diag_errorc(problems, d ? MM_E_TYPE : MM_E_MISSING, NULL, 0, 0, "context.draftOrders",
                     "required: a FHIR Bundle of the orders");
    else
      out->draft_orders = d;
    const mm_json *sel = mm_json_get(out->context, "selections");
    if (out->kind == MM_CDS_ORDER_SELECT && (!sel || sel->type != MM_JSON_ARRAY))
      mm_diag_errorc(problems, sel ? MM_E_TYPE : MM_E_MISSING, NULL, 0, 0, "context.selections",
                     "required for order-select: an array of \"MedicationRequest/id\"");
    else if (out->kind == MM_CDS_ORDER_SELECT)
      out->selections = sel;
  }
  return problems->errors > before ? MM_CDS_EINVALID : 0;
}

/* Whether r is one of the request's draft orders (so not history: an EHR's
 * MedicationRequest prefetch may hold the very order being signed). */
static bool is_draft(const mm_json *draft_orders, const mm_json *r) {
  const char *id = str_of(r, "id"), *type = str_of(r, "resourceType");
  const mm_json *e = draft_orders ? mm_json_get(draft_orders, "entry") : NULL;
  for (size_t i = 0; id && type && e && e->type == MM_JSON_ARRAY && i < e->len; i++) {
    const mm_json *d = mm_json_get(e->items[i], "resource");
    const char *did = str_of(d, "id"), *dt = str_of(d, "resourceType");
    if (did && dt && strcmp(did, id) == 0 && strcmp(dt, type) == 0) return true;
  }
  return false;
}

/* A search Bundle with a next page: the client paged the prefetch, and
 * what the service got is not the whole history. */
static bool paged(const mm_json *bundle) {
  const mm_json *links = mm_json_get(bundle, "link");
  for (size_t i = 0; links && links->type == MM_JSON_ARRAY && i < links->len; i++) {
    const char *rel = str_of(links->items[i], "relation");
    if (rel && strcmp(rel, "next") == 0) return true;
  }
  return false;
}

/* The FHIR resources of the prefetch (each a resource or a search Bundle)
 * as one collection Bundle, imported into an mmpath/patient@1 record in
 * out. 0 done; 1 no FHIR resource there; MM_CDS_EFHIR the import refused
 * it (errors in notes); MM_CDS_ENOMEM. Warnings (what was left out) go to
 * notes. The Bundle is text because the importer reads FHIR text. */
static int from_fhir(mm_strbuf *out, const mm_cds_env *env, const mm_cds_request *req,
                     mm_diags *notes) {
  const mm_json *prefetch = req->prefetch;
  if (!env->fhir || !prefetch || prefetch->type != MM_JSON_OBJECT) return 1;
  mm_strbuf bundle;
  mm_strbuf_init(&bundle, env->max_bundle);
  mm_strbuf_puts(&bundle, "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[");
  size_t n = 0;
  for (size_t i = 0; i < prefetch->len; i++) {
    const mm_json *v = prefetch->members[i].value;
    const char *type = str_of(v, "resourceType");
    if (!type) continue;
    const mm_json *entries = strcmp(type, "Bundle") == 0 ? mm_json_get(v, "entry") : NULL;
    if (strcmp(type, "Bundle") == 0) {
      if (paged(v))
        mm_diag_addc2(notes, MM_DIAG_WARNING, MM_E_MISSING, NULL, 0, 0,
                      mm_arena_printf(notes->arena, "prefetch.%s", prefetch->members[i].key),
                      "a paged searchset (link next): only its first page was sent, so the "
                      "history read from it may be incomplete",
                      "una searchset paginata (link next): è stata inviata solo la prima "
                      "pagina, quindi la storia letta da essa può essere incompleta");
      for (size_t k = 0; entries && entries->type == MM_JSON_ARRAY && k < entries->len; k++) {
        const mm_json *r = mm_json_get(entries->items[k], "resource");
        if (!r || r->type != MM_JSON_OBJECT || is_draft(req->draft_orders, r)) continue;
        mm_strbuf_puts(&bundle, n++ ? ",{\"resource\":" : "{\"resource\":");
        mm_json_write(&bundle, r);
        mm_strbuf_putc(&bundle, '}');
      }
    } else {
      mm_strbuf_puts(&bundle, n++ ? ",{\"resource\":" : "{\"resource\":");
      mm_json_write(&bundle, v);
      mm_strbuf_putc(&bundle, '}');
    }
  }
  mm_strbuf_puts(&bundle, "]}");
  int rc;
  if (bundle.failed) rc = MM_CDS_ENOMEM;
  else if (n == 0) rc = 1;
  else {
    mm_fhir_options o = {MM_DATE_NONE, "prefetch"};
    int r = mm_fhir_import(out, env->kb, env->fhir, bundle.data, bundle.len, &o, notes);
    rc = r == 0 ? 0 : r == -1 ? MM_CDS_EFHIR : MM_CDS_ENOMEM;
  }
  mm_strbuf_free(&bundle);
  return rc;
}

/* Whether every FHIR Patient of the prefetch (a resource, or an entry of a
 * search Bundle) is the patient of context.patientId (cds.h): 0 yes;
 * MM_CDS_EMISMATCH one is another; MM_CDS_ENOPATIENTID none, or one
 * without an id (it could be anyone); 1 no FHIR resource at all (that is
 * MM_CDS_ENOPATIENT, said by from_fhir). Checked before the import, which
 * would take an entry's fullUrl for a missing id. */
static int fhir_patient_check(const mm_json *prefetch, const char *patient_id) {
  if (!patient_id) patient_id = ""; /* mm_cds_request_read's requests have one */
  size_t same = 0, unknown = 0, resources = 0;
  for (size_t i = 0; prefetch && prefetch->type == MM_JSON_OBJECT && i < prefetch->len; i++) {
    const mm_json *v = prefetch->members[i].value;
    const char *type = str_of(v, "resourceType");
    const mm_json *entries = type && strcmp(type, "Bundle") == 0 ? mm_json_get(v, "entry") : NULL;
    size_t n = entries && entries->type == MM_JSON_ARRAY ? entries->len : 1;
    for (size_t k = 0; type && k < n; k++) {
      const mm_json *r = entries ? mm_json_get(entries->items[k], "resource") : v;
      const char *rt = str_of(r, "resourceType");
      resources += rt != NULL;
      if (!rt || strcmp(rt, "Patient") != 0) continue;
      const char *id = str_of(r, "id");
      if (!id || !*id) unknown++;
      else if (strcmp(id, patient_id) != 0) return MM_CDS_EMISMATCH;
      else same++;
    }
  }
  return !resources ? 1 : same && !unknown ? 0 : MM_CDS_ENOPATIENTID;
}

/* An mmpath_status of the evaluation as this module's. */
static int evaluated(int rc) {
  if (rc == MMPATH_OK) return 0;
  return rc == MMPATH_EINVALID ? MM_CDS_ERECORD : MM_CDS_EEVAL;
}

int mm_cds_evaluate(mm_cds_patient *out, const mm_cds_env *env, const mm_cds_request *req,
                    mmpath_jurisdiction jurisdiction, mm_arena *arena) {
  memset(out, 0, sizeof *out);
  mm_diags_init(&out->fhir_notes, arena);
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.jurisdiction = jurisdiction;
  const mm_json *prefetch = req->prefetch;
  const mm_json *rec = prefetch && prefetch->type == MM_JSON_OBJECT
                           ? mm_json_get(prefetch, "mmpathPatient")
                           : NULL;
  out->record_path = "prefetch.mmpathPatient";
  if (!mm_json_present(rec)) {
    rec = mm_json_get(req->context, "mmpathPatient");
    out->record_path = "context.mmpathPatient";
  }
  if (mm_json_present(rec)) { /* read where it is: no text in between */
    /* an id that is not a string is left to the record's reader (422) */
    const char *id = str_of(rec, "id");
    if (id && (!req->patient_id || strcmp(id, req->patient_id) != 0)) {
      out->id_path = "context.patientId";
      return MM_CDS_EMISMATCH;
    }
    return evaluated(mm_lib_evaluation_from_json(&out->ev, &out->problems, env->kb, rec, &o));
  }
  out->record_path = "prefetch";
  int rc = env->fhir ? fhir_patient_check(prefetch, req->patient_id) : 1;
  if (rc < 0) { /* no import, no cards */
    out->id_path = rc == MM_CDS_EMISMATCH ? "context.patientId" : "prefetch";
    return rc;
  }
  mm_strbuf text;
  mm_strbuf_init(&text, env->max_bundle);
  rc = from_fhir(&text, env, req, &out->fhir_notes);
  if (rc == 1) rc = MM_CDS_ENOPATIENT;
  else if (rc == 0 && text.failed) rc = MM_CDS_EEVAL;
  else if (rc == 0) /* the importer's record, read as any record is */
    rc = evaluated(mmpath_evaluation_new(&out->ev, &out->problems, env->kb, text.data,
                                              text.len, &o));
  mm_strbuf_free(&text);
  return rc;
}

void mm_cds_patient_free(mm_cds_patient *p) {
  mmpath_evaluation_free(p->ev);
  mmpath_problems_free(p->problems);
  p->ev = NULL;
  p->problems = NULL;
}

/* RFC 3339 §5.6 date-time: 2026-11-25T10:00:00Z, with optional fraction
 * and a Z or +hh:mm offset. */
static bool rfc3339(const char *s) {
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  for (size_t i = 0; shape[i]; i++, s++)
    if (shape[i] == 'd' ? !(*s >= '0' && *s <= '9') : (*s != shape[i] && !(shape[i] == 'T' && *s == 't')))
      return false;
  if (*s == '.') {
    if (!(s[1] >= '0' && s[1] <= '9')) return false;
    for (s++; *s >= '0' && *s <= '9'; s++) {}
  }
  if ((*s == 'Z' || *s == 'z') && !s[1]) return true;
  return (*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
         s[3] == ':' && s[4] >= '0' && s[4] <= '9' && s[5] >= '0' && s[5] <= '9' && !s[6];
}

int mm_cds_feedback_check(const mm_json *body, mm_diags *problems) {
  const mm_json *fb = body && body->type == MM_JSON_OBJECT ? mm_json_get(body, "feedback") : NULL;
  if (!fb || fb->type != MM_JSON_ARRAY || fb->len == 0) {
    mm_diag_errorc(problems, fb ? MM_E_TYPE : MM_E_MISSING, NULL, 0, 0, "feedback",
                   "an array of {card, outcome, outcomeTimestamp}");
    return MM_CDS_EINVALID;
  }
  size_t before = problems->errors;
  mm_arena *a = problems->arena;
  for (size_t i = 0; i < fb->len; i++) {
    const mm_json *f = fb->items[i];
    const char *at = mm_arena_printf(a, "feedback[%zu]", i);
    if (f->type != MM_JSON_OBJECT) {
      mm_diag_errorc(problems, MM_E_TYPE, NULL, 0, 0, at, "a Feedback object");
      continue;
    }
    const char *card = str_of(f, "card"), *oc = str_of(f, "outcome"),
               *ts = str_of(f, "outcomeTimestamp");
    if (!card || !*card)
      mm_diag_errorc(problems, MM_E_MISSING, NULL, 0, 0, mm_arena_printf(a, "%s.card", at),
                     "required: the card's uuid");
    bool accepted = oc && strcmp(oc, "accepted") == 0;
    if (!oc || (!accepted && strcmp(oc, "overridden") != 0))
      mm_diag_errorc(problems, oc ? MM_E_INVALID : MM_E_MISSING, NULL, 0, 0,
                     mm_arena_printf(a, "%s.outcome", at), "required: accepted or overridden");
    if (!ts || !rfc3339(ts))
      mm_diag_errorc(problems, ts ? MM_E_INVALID : MM_E_MISSING, NULL, 0, 0,
                     mm_arena_printf(a, "%s.outcomeTimestamp", at),
                     "required: an RFC 3339 date-time in UTC (2026-11-25T10:00:00Z)");
    const mm_json *as = mm_json_get(f, "acceptedSuggestions");
    if (accepted && (!as || as->type != MM_JSON_ARRAY || as->len == 0))
      mm_diag_errorc(problems, as ? MM_E_TYPE : MM_E_MISSING, NULL, 0, 0,
                     mm_arena_printf(a, "%s.acceptedSuggestions", at),
                     "required for an accepted outcome: [{\"id\": suggestion uuid}]");
    for (size_t k = 0; as && as->type == MM_JSON_ARRAY && k < as->len; k++)
      if (!str_of(as->items[k], "id"))
        mm_diag_errorc(problems, MM_E_MISSING, NULL, 0, 0,
                       mm_arena_printf(a, "%s.acceptedSuggestions[%zu].id", at, k),
                       "required: the suggestion's uuid");
    const mm_json *orr = mm_json_get(f, "overrideReason");
    if (orr && orr->type != MM_JSON_OBJECT) {
      mm_diag_errorc(problems, MM_E_TYPE, NULL, 0, 0, mm_arena_printf(a, "%s.overrideReason", at),
                     "an object {reason: Coding, userComment}");
    } else if (orr) {
      const mm_json *r = mm_json_get(orr, "reason"), *uc = mm_json_get(orr, "userComment");
      if (r && (r->type != MM_JSON_OBJECT || !str_of(r, "code")))
        mm_diag_errorc(problems, MM_E_INVALID, NULL, 0, 0,
                       mm_arena_printf(a, "%s.overrideReason.reason", at),
                       "a Coding with a code (and its system)");
      if (uc && uc->type != MM_JSON_STRING)
        mm_diag_errorc(problems, MM_E_TYPE, NULL, 0, 0,
                       mm_arena_printf(a, "%s.overrideReason.userComment", at), "a string");
    }
  }
  return problems->errors > before ? MM_CDS_EINVALID : 0;
}
