/* fhir_import.c: a FHIR R4 Bundle (or one resource) of one patient into an
 * mmpath/patient@1 record, through the code map of kb/fhir.yaml.
 *
 * What is read (docs/fhir.md has the table): Patient (logical id, birthDate,
 * gender; never names, addresses or other identifiers), Condition (the
 * myeloma diagnosis date; comorbidities), MedicationStatement /
 * MedicationAdministration / MedicationRequest (drug periods, grouped into
 * lines by the IMWG definition, provisional where the records cannot
 * decide), Procedure (ASCT, CAR-T leukapheresis), Observation (labs with
 * UCUM units, ECOG, disease progression, cytogenetics, ISS, R-ISS,
 * comorbidities). Bundles of every type; a history at its latest versions.
 * Whatever cannot
 * be mapped is reported as a warning naming the resource and JSON path, and
 * left out; malformed input is an error with its path. The record written is
 * read back with the patient reader before it is returned, so what leaves
 * here is a valid record.
 *
 * This file: the entry point, the input's resources (a Bundle's entries) and
 * the helpers every reader uses (typed members, dates, mapped codes). The
 * readers, the lines of therapy and the record writer are in the other
 * fhir_*.c files (fhir_internal.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir_internal.h"
#include "json/json.h"
#include "patient/patient.h"

/* Both forward their arguments to the diagnostics: formatted once, there. */
void mm_fhir_warn(mm_fhir_imp *im, mm_diag_code code, const mm_json *at, const char *path,
                  const char *fmt_en, const char *fmt_it, ...) {
  va_list ap;
  va_start(ap, fmt_it);
  mm_diag_vadd2(im->d, MM_DIAG_WARNING, code, im->src, at ? at->line : 0, at ? at->col : 0, path,
                fmt_en, fmt_it, ap);
  va_end(ap);
}
void mm_fhir_bad(mm_fhir_imp *im, mm_diag_code code, const mm_json *at, const char *path,
                 const char *fmt_en, const char *fmt_it, ...) {
  va_list ap;
  va_start(ap, fmt_it);
  mm_diag_vadd2(im->d, MM_DIAG_ERROR, code, im->src, at ? at->line : 0, at ? at->col : 0, path,
                fmt_en, fmt_it, ap);
  va_end(ap);
}

const char *mm_fhir_sub(mm_fhir_imp *im, const char *path, const char *key) {
  return mm_arena_printf(im->a, "%s.%s", path, key);
}
const char *mm_fhir_idx(mm_fhir_imp *im, const char *path, size_t i) {
  return mm_arena_printf(im->a, "%s[%zu]", path, i);
}

/* A member of the wanted type, NULL when absent or null; a wrong type is an
 * error (invalid FHIR) with the path. */
const mm_json *mm_fhir_get(mm_fhir_imp *im, const mm_json *obj, const char *key, mm_json_type t,
                           const char *path) {
  if (!obj || obj->type != MM_JSON_OBJECT) return NULL;
  const mm_json *v = mm_json_get(obj, key);
  if (!mm_json_present(v)) return NULL;
  if (v->type != t) {
    mm_fhir_bad(im, MM_E_TYPE, v, mm_fhir_sub(im, path, key), "expected %s, got %s",
                "atteso %s, trovato %s", mm_json_type_name(t), mm_json_type_name(v->type));
    return NULL;
  }
  return v;
}

const char *mm_fhir_get_str(mm_fhir_imp *im, const mm_json *obj, const char *key,
                            const char *path) {
  const mm_json *v = mm_fhir_get(im, obj, key, MM_JSON_STRING, path);
  return v ? v->str : NULL;
}

/* ---- dates --------------------------------------------------------------- */

static bool all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* A FHIR date or dateTime as a calendar day (the date as written, before any
 * time or zone). A partial date (YYYY or YYYY-MM) is not a day: reported and
 * MM_DATE_NONE. A date after as_of is reported and MM_DATE_NONE. */
mm_date mm_fhir_date(mm_fhir_imp *im, const mm_json *v, const char *path, const char *what_en,
                     const char *what_it) {
  if (!v) return MM_DATE_NONE;
  if (v->type != MM_JSON_STRING) {
    mm_fhir_bad(im, MM_E_TYPE, v, path, "expected a date string, got %s",
                "attesa una data (stringa), trovato %s", mm_json_type_name(v->type));
    return MM_DATE_NONE;
  }
  const char *s = v->str;
  size_t n = v->len;
  mm_date d;
  if (n >= 10 && (n == 10 || s[10] == 'T') && mm_date_parse(s, 10, &d)) {
    if (d > im->as_of) {
      char buf[11];
      mm_date_format(im->as_of, buf);
      mm_fhir_warn(im, MM_E_RANGE, v, path, "%s%.0s %.10s is after as_of %s: left out",
                   "%.0s%s %.10s è successiva ad as_of %s: non importata", what_en, what_it, s,
                   buf);
      return MM_DATE_NONE;
    }
    return d;
  }
  if ((n == 4 && all_digits(s, 4)) || (n == 7 && all_digits(s, 4) && s[4] == '-' &&
                                       all_digits(s + 5, 2))) {
    mm_fhir_warn(im, MM_E_INVALID, v, path, "%s%.0s '%s' is a partial date, not a day: left out",
                 "%.0s%s '%s' è incompleta (manca il giorno): non importata", what_en,
                 what_it, s);
    return MM_DATE_NONE;
  }
  mm_fhir_bad(im, MM_E_SYNTAX, v, path, "not a FHIR date or dateTime: '%s'",
              "non è un valore date o dateTime FHIR: '%s'", s);
  return MM_DATE_NONE;
}

/* ---- codes --------------------------------------------------------------- */

const char *mm_fhir_kind_word(mm_fhir_kind k, mm_lang lang) {
  static const char *const w[][2] = {
      {"a diagnosis", "una diagnosi"},
      {"a drug", "un farmaco"},
      {"a lab test", "un esame di laboratorio"},
      {"a comorbidity", "una comorbidità"},
      {"a fish finding", "un reperto FISH"},
      {"an observation kind", "un tipo di Observation"},
      {"a disease status", "uno stato di malattia"},
      {"an ISS stage", "uno stadio ISS"},
      {"a stop reason", "un motivo di sospensione"},
      {"a test result", "un esito di test"},
      {"a procedure", "una procedura"},
      {"an R-ISS stage", "uno stadio R-ISS"}};
  return w[k][lang == MM_LANG_IT];
}

/* The first coding of a CodeableConcept that kb/fhir.yaml maps (its path in
 * *hit). When none maps and report is set, each coding is reported. */
const mm_fhir_mapping *mm_fhir_concept(mm_fhir_imp *im, const mm_json *cc, const char *path,
                                       const char **hit, bool report) {
  if (hit) *hit = path;
  if (!cc) return NULL;
  if (cc->type != MM_JSON_OBJECT) {
    mm_fhir_bad(im, MM_E_TYPE, cc, path, "expected a CodeableConcept object, got %s",
                "atteso un oggetto CodeableConcept, trovato %s", mm_json_type_name(cc->type));
    return NULL;
  }
  const char *cpath = mm_fhir_sub(im, path, "coding");
  const mm_json *codings = mm_fhir_get(im, cc, "coding", MM_JSON_ARRAY, path);
  size_t n = codings ? codings->len : 0;
  for (size_t i = 0; i < n; i++) {
    const mm_json *c = codings->items[i];
    const char *p = mm_fhir_idx(im, cpath, i);
    if (c->type != MM_JSON_OBJECT) {
      mm_fhir_bad(im, MM_E_TYPE, c, p, "expected a Coding object, got %s",
                  "atteso un oggetto Coding, trovato %s", mm_json_type_name(c->type));
      continue;
    }
    const mm_fhir_mapping *m = mm_fhir_map_find(im->map, mm_fhir_get_str(im, c, "system", p),
                                                mm_fhir_get_str(im, c, "code", p));
    if (m) {
      if (hit) *hit = p;
      if (m->verification == MM_UNVERIFIED)
        mm_fhir_warn(im, MM_E_INVALID, c, p,
                     "%s %s: the kb/fhir.yaml mapping (line %d) is unverified: check it",
                     "%s %s: la corrispondenza in kb/fhir.yaml (riga %d) non è verificata: "
                     "controllarla",
                     mm_fhir_system_label(im->map, m->system), m->code, m->line);
      return m;
    }
  }
  if (!report) return NULL;
  for (size_t i = 0; i < n; i++) {
    const mm_json *c = codings->items[i];
    if (c->type != MM_JSON_OBJECT) continue;
    const char *p = mm_fhir_idx(im, cpath, i);
    const char *sys = mm_fhir_get_str(im, c, "system", p),
               *code = mm_fhir_get_str(im, c, "code", p);
    const char *disp = mm_fhir_get_str(im, c, "display", p);
    if (!code)
      mm_fhir_warn(im, MM_E_MISSING, c, p, "a coding without a code: left out",
                   "un coding senza code: non importato");
    else
      mm_fhir_warn(im, MM_E_UNKNOWN_NAME, c, p, "%s %s%s%s%s not in kb/fhir.yaml",
                   "%s %s%s%s%s non presente in kb/fhir.yaml",
                   mm_fhir_system_label(im->map, sys), code, disp ? " (" : "",
                   disp ? disp : "",
                   disp ? ")" : "");
  }
  if (n == 0 && !mm_json_present(mm_json_get(cc, "coding"))) {
    const char *text = mm_fhir_get_str(im, cc, "text", path);
    mm_fhir_warn(im, MM_E_MISSING, cc, path, "no coding%s%s%s: left out",
                 "nessun coding%s%s%s: non importato", text ? " (text '" : "", text ? text : "",
                 text ? "')" : "");
  }
  return NULL;
}

/* ---- the input ----------------------------------------------------------- */

static void add_resource(mm_fhir_imp *im, const mm_json *r, const char *where,
                         const char *full_url) {
  if (r->type != MM_JSON_OBJECT) {
    mm_fhir_bad(im, MM_E_TYPE, r, where, "expected a resource object, got %s",
                "atteso un oggetto risorsa, trovato %s", mm_json_type_name(r->type));
    return;
  }
  const mm_json *t = mm_json_get(r, "resourceType");
  if (!t || t->type != MM_JSON_STRING || !*t->str) {
    mm_fhir_bad(im, MM_E_MISSING, t ? t : r, mm_fhir_sub(im, where, "resourceType"),
                "a resource needs a resourceType string",
                "una risorsa deve avere resourceType (stringa)");
    return;
  }
  const mm_json *id = mm_json_get(r, "id");
  if (mm_json_present(id) && id->type != MM_JSON_STRING) {
    mm_fhir_bad(im, MM_E_TYPE, id, mm_fhir_sub(im, where, "id"), "expected string, got %s",
                "attesa una stringa, trovato %s", mm_json_type_name(id->type));
    id = NULL;
  }
  mm_fhir_res *x = &im->res[im->n_res++];
  x->r = r;
  x->type = t->str;
  x->id = mm_json_present(id) ? id->str : NULL;
  x->name = x->id ? mm_arena_printf(im->a, "%s/%s", x->type, x->id)
                  : mm_arena_printf(im->a, "%s(%s)", where, x->type);
  x->full_url = full_url;
}

/* A history bundle (FHIR R4 http.html#history) holds every version of each
 * resource: only the latest (highest meta.versionId, else the first listed:
 * history is sorted newest first) is read, and a resource whose latest
 * entry is a DELETE is not read at all. Both said. */
static const char *entry_key(mm_fhir_imp *im, const mm_json *e, long *version, bool *deleted) {
  const mm_json *r = mm_json_get(e, "resource");
  const mm_json *req = mm_json_get(e, "request");
  const mm_json *method = mm_json_get(req, "method"), *url = mm_json_get(req, "url");
  *deleted = method && method->type == MM_JSON_STRING && strcmp(method->str, "DELETE") == 0;
  *version = -1;
  const mm_json *vid = mm_json_get(mm_json_get(r, "meta"), "versionId");
  if (vid && vid->type == MM_JSON_STRING) {
    char *end;
    long v = strtol(vid->str, &end, 10);
    if (!*end && end != vid->str) *version = v;
  }
  if (*version < 0 && url && url->type == MM_JSON_STRING) { /* DELETE Type/id/_history/N */
    const char *h = strstr(url->str, "/_history/");
    char *end;
    long v = h ? strtol(h + 10, &end, 10) : -1;
    if (h && !*end && end != h + 10) *version = v;
  }
  const mm_json *t = mm_json_get(r, "resourceType"), *id = mm_json_get(r, "id");
  if (t && t->type == MM_JSON_STRING && id && id->type == MM_JSON_STRING)
    return mm_arena_printf(im->a, "%s/%s", t->str, id->str);
  if (url && url->type == MM_JSON_STRING) {
    /* "Observation/123/_history/2" -> "Observation/123" */
    const char *h = strstr(url->str, "/_history");
    return h ? mm_arena_strndup(im->a, url->str, (size_t)(h - url->str)) : url->str;
  }
  return NULL;
}

/* One entry of a history bundle: its resource's key, version, position. */
typedef struct hist_entry {
  const char *key;
  long version;
  size_t pos;
  bool deleted;
} hist_entry;

/* By key, then the latest first: highest version, then the first listed. */
static int hist_cmp(const void *x, const void *y) {
  const hist_entry *a = x, *b = y;
  int c = strcmp(a->key, b->key);
  if (c) return c;
  if (a->version != b->version) return a->version > b->version ? -1 : 1;
  return a->pos < b->pos ? -1 : a->pos > b->pos;
}

/* Which entries of a history bundle are read (keep[i]); the others are
 * reported. Sorting keeps it O(n log n) for long histories. */
static bool *history_keep(mm_fhir_imp *im, const mm_json *entries) {
  size_t n = entries->len;
  bool *keep = mm_arena_alloc(im->a, (n + 1) * sizeof *keep);
  hist_entry *h = mm_arena_alloc(im->a, (n + 1) * sizeof *h);
  if (!keep || !h) return NULL;
  size_t nh = 0;
  for (size_t i = 0; i < n; i++) {
    keep[i] = true;
    if (entries->items[i]->type != MM_JSON_OBJECT) continue;
    hist_entry e = {.pos = i};
    e.key = entry_key(im, entries->items[i], &e.version, &e.deleted);
    if (e.key) h[nh++] = e;
  }
  if (nh) qsort(h, nh, sizeof *h, hist_cmp);
  for (size_t k = 0; k < nh; k++) {
    const char *path = mm_fhir_idx(im, "Bundle.entry", h[k].pos);
    const mm_json *at = entries->items[h[k].pos];
    if (k > 0 && strcmp(h[k].key, h[k - 1].key) == 0) {
      size_t w = k - 1;
      while (w > 0 && strcmp(h[w - 1].key, h[k].key) == 0) w--;
      keep[h[k].pos] = false;
      mm_fhir_warn(im, MM_E_DUPLICATE, at, path,
                   "%s: an older version in this history bundle (Bundle.entry[%zu] is newer): "
                   "left out",
                   "%s: una versione precedente in questo history bundle (Bundle.entry[%zu] è "
                   "più recente): non importata",
                   h[k].key, h[w].pos);
    } else if (h[k].deleted) {
      keep[h[k].pos] = false;
      mm_fhir_warn(im, MM_E_STATE, at, path,
                   "%s was deleted (request.method DELETE, the latest version): not read",
                   "%s è stata cancellata (request.method DELETE, l'ultima versione): non letta",
                   h[k].key);
    }
  }
  return keep;
}

static void report_outcome(mm_fhir_imp *im, const mm_json *oo, const char *path) {
  const mm_json *issues = mm_json_get(oo, "issue");
  size_t n = issues && issues->type == MM_JSON_ARRAY ? issues->len : 0;
  for (size_t i = 0; i < n; i++) {
    const mm_json *is = issues->items[i];
    const mm_json *sev = mm_json_get(is, "severity"), *diag = mm_json_get(is, "diagnostics");
    const mm_json *text = mm_json_get(mm_json_get(is, "details"), "text");
    const char *what = diag && diag->type == MM_JSON_STRING   ? diag->str
                       : text && text->type == MM_JSON_STRING ? text->str
                                                              : "(no text)";
    mm_fhir_warn(im, MM_E_INVALID, is, mm_fhir_idx(im, mm_fhir_sub(im, path, "issue"), i),
                 "the server's OperationOutcome (%s): %s; what it withheld is missing from the "
                 "record",
                 "OperationOutcome del server (%s): %s; quanto il server non ha restituito manca "
                 "nel record",
                 sev && sev->type == MM_JSON_STRING ? sev->str : "?", what);
  }
  if (!n)
    mm_fhir_warn(im, MM_E_INVALID, oo, path, "an OperationOutcome without issues: left out",
                 "un OperationOutcome senza issue: non importato");
}

static void collect(mm_fhir_imp *im, const mm_json *root) {
  const mm_json *t = mm_json_get(root, "resourceType");
  if (!t || t->type != MM_JSON_STRING || strcmp(t->str, "Bundle") != 0) {
    im->res = mm_arena_alloc(im->a, sizeof *im->res);
    if (im->res) add_resource(im, root, "$", NULL);
    return;
  }
  /* A searchset page with a next link holds part of the result only
   * (FHIR R4 http.html#paging): said, since what is missing reads as absent. */
  const mm_json *links = mm_fhir_get(im, root, "link", MM_JSON_ARRAY, "Bundle");
  for (size_t i = 0; links && i < links->len; i++) {
    const mm_json *l = links->items[i];
    const char *lp = mm_fhir_idx(im, "Bundle.link", i);
    const char *rel = l->type == MM_JSON_OBJECT ? mm_fhir_get_str(im, l, "relation", lp) : NULL;
    if (!rel || strcmp(rel, "next") != 0) continue;
    const char *url = mm_fhir_get_str(im, l, "url", lp);
    mm_fhir_warn(im, MM_E_LIMIT, l, lp,
                 "one page of a paged search: further pages (next: %s) are not read; what they "
                 "hold is missing from the record (fetch every page, or _count large enough)",
                 "una pagina di una ricerca paginata: le pagine successive (next: %s) non sono "
                 "lette e quanto contengono manca nel record (scaricare tutte le pagine, o un "
                 "_count sufficiente)",
                 url ? url : "?");
  }
  const mm_json *entries = mm_fhir_get(im, root, "entry", MM_JSON_ARRAY, "Bundle");
  size_t n = entries ? entries->len : 0;
  im->res = mm_arena_alloc(im->a, (n + 1) * sizeof *im->res);
  if (!im->res) return;
  const char *btype = mm_fhir_get_str(im, root, "type", "Bundle");
  bool *keep = btype && strcmp(btype, "history") == 0 ? history_keep(im, entries) : NULL;
  for (size_t i = 0; i < n; i++) {
    const mm_json *e = entries->items[i];
    const char *p = mm_fhir_idx(im, "Bundle.entry", i);
    if (e->type != MM_JSON_OBJECT) {
      mm_fhir_bad(im, MM_E_TYPE, e, p, "expected an entry object, got %s",
                  "atteso un oggetto entry, trovato %s", mm_json_type_name(e->type));
      continue;
    }
    if (keep && !keep[i]) continue;
    /* a searchset's OperationOutcome (search.mode outcome): what the server
     * says of the search (results withheld, errors), reported, not data */
    const mm_json *rt = mm_json_get(mm_json_get(e, "resource"), "resourceType");
    if (rt && rt->type == MM_JSON_STRING && strcmp(rt->str, "OperationOutcome") == 0) {
      report_outcome(im, mm_json_get(e, "resource"), mm_fhir_sub(im, p, "resource"));
      continue;
    }
    const mm_json *r = mm_json_get(e, "resource");
    if (!mm_json_present(r)) {
      mm_fhir_warn(im, MM_E_MISSING, e, p, "entry without a resource: left out",
                   "entry senza resource: non importata");
      continue;
    }
    add_resource(im, r, mm_fhir_sub(im, p, "resource"), mm_fhir_get_str(im, e, "fullUrl", p));
  }
}

/* A Patient without a logical id (a transaction or batch entry POSTed with
 * fullUrl urn:uuid:...): the record id is derived from the fullUrl by a hash
 * (FNV-1a 64), never from an identifier (MRN, SSN), and the report says so.
 * NULL when the entry has no fullUrl. */
static const char *derived_id(mm_fhir_imp *im, mm_fhir_res *r) {
  if (!r->full_url || !*r->full_url) return NULL;
  unsigned long long h = 14695981039346656037ull;
  for (const unsigned char *c = (const unsigned char *)r->full_url; *c; c++)
    h = (h ^ *c) * 1099511628211ull;
  const char *id = mm_arena_printf(im->a, "fhir-%016llx", h);
  mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
               "the Patient has no logical id: the record id '%s' is derived from its fullUrl "
               "'%s' (a hash, pseudonymous; identifiers are never used)",
               "il Patient non ha un id logico: l'id del record '%s' è derivato dal suo fullUrl "
               "'%s' (un hash, pseudonimo; gli identificativi non sono mai usati)",
               id ? id : "", r->full_url);
  return id;
}

int mm_fhir_import(mm_strbuf *out, const mm_kb *kb, const mm_fhir_map *map, const char *json,
                   size_t len, const mm_fhir_options *opts, mm_diags *diags) {
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_fhir_imp im = {.a = &arena, .kb = kb, .map = map, .d = diags, .birth = MM_DATE_NONE,
                    .dx = MM_DATE_NONE, .ecog_date = MM_DATE_NONE, .iss_date = MM_DATE_NONE,
                    .riss_date = MM_DATE_NONE};
  im.src = opts && opts->source ? opts->source : "<input>";
  im.as_of = opts && opts->as_of != MM_DATE_NONE ? opts->as_of : mm_date_today();
  size_t errors0 = diags->errors;
  int rc = -1;
  mm_json_error jerr;
  const mm_json *root = mm_json_parse(&arena, json, len, &jerr);
  if (!root) {
    if (arena.failed) {
      rc = -2;
      goto done;
    }
    mm_diag_addc2(diags, MM_DIAG_ERROR, MM_E_SYNTAX, im.src, jerr.line, jerr.col, NULL,
                  "not valid JSON: %s", "JSON non valido: %s", jerr.text);
    goto done;
  }
  if (root->type != MM_JSON_OBJECT) {
    mm_fhir_bad(&im, MM_E_TYPE, root, "$",
                "a FHIR resource or Bundle must be a JSON object, got %s",
                "una risorsa o un Bundle FHIR deve essere un oggetto JSON, trovato %s",
                mm_json_type_name(root->type));
    goto done;
  }
  im.has_comorb = mm_arena_alloc(&arena, (kb->n_comorbidities + 1) * sizeof *im.has_comorb);
  im.comorbs = mm_arena_alloc(&arena, (kb->n_comorbidities + 1) * sizeof *im.comorbs);
  collect(&im, root);
  if (arena.failed) {
    rc = -2;
    goto done;
  }
  /* the patient: one per input */
  for (size_t i = 0; i < im.n_res; i++) {
    mm_fhir_res *r = &im.res[i];
    if (strcmp(r->type, "Patient") != 0) continue;
    if (!r->id && !(r->id = derived_id(&im, r))) {
      mm_fhir_bad(&im, MM_E_MISSING, r->r, mm_fhir_sub(&im, r->name, "id"),
                  "a Patient needs a logical id or an entry fullUrl (the record's id)",
                  "un Patient deve avere un id logico o un fullUrl della entry (l'id del "
                  "record)");
      continue;
    }
    if (im.patient && strcmp(im.patient->id, r->id) != 0) {
      mm_fhir_bad(&im, MM_E_LIMIT, r->r, r->name,
                  "a second patient (%s besides %s): one patient per input",
                  "un secondo paziente (%s oltre a %s): un solo paziente per input", r->name,
                  im.patient->name);
      continue;
    }
    if (!im.patient) {
      im.patient = r;
      im.pid = r->id;
      mm_fhir_read_patient(&im, r);
    }
  }
  for (size_t i = 0; i < im.n_res; i++) {
    const mm_fhir_res *r = &im.res[i];
    const char *t = r->type;
    if (strcmp(t, "Patient") == 0 || strcmp(t, "Medication") == 0) continue;
    bool cond = strcmp(t, "Condition") == 0, obs = strcmp(t, "Observation") == 0;
    bool proc = strcmp(t, "Procedure") == 0;
    bool med = strcmp(t, "MedicationStatement") == 0 ||
               strcmp(t, "MedicationAdministration") == 0 || strcmp(t, "MedicationRequest") == 0;
    if (!cond && !obs && !med && !proc) {
      mm_fhir_warn(&im, MM_E_INVALID, r->r, r->name, "%s resources are not imported: left out",
                   "le risorse %s non sono importate: risorsa esclusa", t);
      continue;
    }
    if (!mm_fhir_about_patient(&im, r)) continue;
    if (cond) mm_fhir_read_condition(&im, r);
    else if (obs) mm_fhir_read_observation(&im, r);
    else if (proc) mm_fhir_read_procedure(&im, r);
    else mm_fhir_read_medication(&im, r);
  }
  if (arena.failed) {
    rc = -2;
    goto done;
  }
  if (!im.pid)
    mm_fhir_bad(&im, MM_E_MISSING, root, "Patient",
                "no Patient resource and no subject reference Patient/ID: the "
                "record's pseudonymous id cannot be set",
                "nessuna risorsa Patient e nessun riferimento subject Patient/ID: non si può "
                "assegnare l'id pseudonimo del record");
  if (diags->errors > errors0) goto done;
  if (!im.has_mm && im.mm_later)
    mm_fhir_warn(&im, MM_E_MISSING, NULL, "Condition",
                 "the multiple myeloma Condition is dated after as_of: at as_of the record has "
                 "no diagnosis",
                 "la Condition di mieloma multiplo ha data successiva ad as_of: alla data as_of "
                 "il record non ha diagnosi");
  else if (!im.has_mm)
    mm_fhir_warn(&im, MM_E_MISSING, NULL, "Condition",
                 "no multiple myeloma Condition (the diagnosis codes of "
                 "kb/fhir.yaml): the record has no diagnosis; this may not be a myeloma patient",
                 "nessuna Condition di mieloma multiplo (i codici di diagnosi di kb/fhir.yaml): "
                 "il record non ha diagnosi; il paziente potrebbe non avere un mieloma");
  mm_fhir_apply_riss(&im);
  size_t nl;
  mm_grouped_line *lines = mm_fhir_build_lines(&im, &nl);
  if ((nl || im.n_per) && !im.has_mm) {
    /* Without a myeloma diagnosis the medications may treat another disease
     * (dexamethasone as an antiemetic, cyclophosphamide for breast cancer):
     * they are not read as lines of myeloma therapy. */
    mm_fhir_warn(&im, MM_E_MISSING, NULL, "lines",
                 "no multiple myeloma Condition: the %zu medication period(s) may treat another "
                 "disease and are not read as lines of myeloma therapy; lines left absent",
                 "nessuna Condition di mieloma multiplo: i periodi di terapia (%zu) potrebbero "
                 "riguardare un'altra malattia e non sono letti come linee di terapia per il "
                 "mieloma; lines lasciato assente",
                 im.n_per);
    nl = 0;
    for (size_t i = 0; i < im.n_progs; i++)
      mm_fhir_warn(&im, MM_E_MISSING, im.progs[i].at, im.progs[i].where,
                   "progression without any line of therapy to attach it to: left out",
                   "progressione senza una linea di terapia a cui attribuirla: non importata");
  } else if (nl) {
    bool any_proc = false;
    for (size_t i = 0; i < im.n_res && !any_proc; i++) any_proc = !strcmp(im.res[i].type, "Procedure");
    if (!any_proc)
      mm_fhir_warn(&im, MM_E_MISSING, NULL, "lines",
                   "no Procedure resource in the input: no line carries an ASCT, which the record "
                   "reads as none; if the patient was transplanted the export lacks it (check)",
                   "nessuna risorsa Procedure nell'input: nessuna linea riporta un ASCT, che il "
                   "record legge come non eseguito; se il paziente è stato trapiantato, "
                   "l'esportazione non lo contiene (verificare)");
    mm_fhir_warn(&im, MM_E_INVALID, NULL, "lines",
                 "%zu line(s) of therapy grouped from the medication records by the IMWG "
                 "definition (induction, ASCT, consolidation and maintenance one line; a new "
                 "line at progression or a change of regimen; docs/fhir.md)%s%.0s",
                 "linee di terapia ricostruite dai dati dei farmaci secondo la definizione IMWG: "
                 "%zu (induzione, ASCT, consolidamento e mantenimento sono una sola linea; nuova "
                 "linea alla progressione o al cambio di schema; docs/fhir.md)%.0s%s",
                 nl,
                 im.provisional ? ": some are provisional (above), so the number of prior "
                                  "lines is unknown until a clinician checks them"
                                : ": a clinician confirms them",
                 im.provisional ? ": alcune sono provvisorie (sopra), quindi il numero di linee "
                                  "precedenti resta sconosciuto finché un clinico non le verifica"
                                : ": un clinico deve confermarle");
  } else if (im.n_per) {
    mm_fhir_warn(&im, MM_E_MISSING, NULL, "lines",
                 "only corticosteroids among the medications: a steroid alone never makes a "
                 "line here (IMWG lines are anti-myeloma regimens); lines left absent (unknown, "
                 "not 'none'): check whether it was myeloma therapy",
                 "tra i farmaci solo corticosteroidi: uno steroide da solo non costituisce mai "
                 "una linea (le linee IMWG sono schemi anti-mieloma); lines lasciato assente "
                 "(sconosciuto, non 'nessuna'): verificare se era terapia per il mieloma");
  } else {
    mm_fhir_warn(&im, MM_E_MISSING, NULL, "lines",
                 "no myeloma medication in the input: lines left absent (unknown, not 'none'); a "
                 "clinician who knows the patient is untreated writes \"lines\": []",
                 "nessun farmaco per il mieloma nell'input: lines lasciato assente "
                 "(sconosciuto, non 'nessuna'); il clinico che sa che il paziente non è mai "
                 "stato trattato scrive \"lines\": []");
    for (size_t i = 0; i < im.n_progs; i++)
      mm_fhir_warn(&im, MM_E_MISSING, im.progs[i].at, im.progs[i].where,
                   "progression without any line of therapy to attach it to: left out",
                   "progressione senza una linea di terapia a cui attribuirla: non importata");
  }
  if (arena.failed) {
    rc = -2;
    goto done;
  }
  mm_strbuf rec;
  mm_strbuf_init(&rec, 16u << 20);
  mm_fhir_write_record(&im, &rec, lines, nl);
  if (rec.failed) {
    mm_strbuf_free(&rec);
    rc = -2;
    goto done;
  }
  /* What leaves here must be a valid record: read it back. */
  mm_diags check;
  mm_diags_init(&check, &arena);
  mm_patient *p;
  if (mm_patient_read(&p, &arena, kb, rec.data, rec.len, "import", &check) != 0) {
    for (const mm_diag *x = check.head; x; x = x->next)
      mm_diag_addc2(diags, MM_DIAG_ERROR, MM_E_INVALID, im.src, 0, 0, x->path,
                    "internal: the record produced is invalid: %s%.0s",
                    "errore interno: il record prodotto non è valido: %.0s%s", x->text,
                    mm_diag_text(x, MM_LANG_IT));
    mm_strbuf_free(&rec);
    rc = -2;
    goto done;
  }
  mm_strbuf_add(out, rec.data, rec.len);
  mm_strbuf_free(&rec);
  rc = out->failed ? -2 : 0;
done:
  /* diagnostics live in the diags' arena, not here; copy nothing out */
  mm_arena_free(&arena);
  return rc;
}
