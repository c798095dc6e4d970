/* fhir_import.c: a FHIR R4 Bundle (or one resource) of one patient into an
 * mmpath/patient@1 record, through the code map of kb/fhir.yaml.
 *
 * What is read (docs/fhir.md has the table): Patient (logical id, birthDate,
 * gender; never names, addresses or other identifiers), Condition (the
 * myeloma diagnosis date; comorbidities), MedicationStatement /
 * MedicationAdministration / MedicationRequest (drug periods, grouped into
 * lines by a heuristic the clinician must check), Observation (labs with
 * UCUM units, ECOG, disease progression, ISCN cytogenetics). Whatever cannot
 * be mapped is reported as a warning naming the resource and JSON path, and
 * left out; malformed input is an error with its path. The record written is
 * read back with the patient reader before it is returned, so what leaves
 * here is a valid record. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir.h"
#include "json/json.h"
#include "patient/patient.h"

#define DATE_INF 2147483647 /* an ongoing period's end, for comparisons */

typedef struct res {
  const mm_json *r;
  const char *type, *id, *name; /* name: "Observation/abc" or "entry[3](Observation)" */
  const char *full_url;
} res;

typedef struct period {
  int drug;
  mm_date start, end; /* end MM_DATE_NONE: ongoing */
  size_t order;
  int stop;           /* mm_fhir_stop_names index, -1 when not given */
} period;

typedef struct lab_out {
  const mm_lab *lab;
  mm_date date;
  double value;
  const char *unit;
  size_t order;
} lab_out;

typedef struct prog {
  mm_date date;
  const char *where;
  const mm_json *at;
} prog;

typedef struct line_out {
  mm_date start, end;
  period *drugs;
  size_t n_drugs;
  mm_date progression;
  int stop; /* -1: none */
} line_out;

typedef struct imp {
  mm_arena *a;
  const mm_kb *kb;
  const mm_fhir_map *map;
  mm_diags *d;
  const char *src;
  mm_date as_of;
  res *res;
  size_t n_res;
  const res *patient;
  const char *pid;
  mm_date birth;
  const char *sex;
  int ecog;
  mm_date ecog_date;
  bool *has_comorb;
  int *comorbs;
  size_t n_comorbs;
  bool has_mm;
  mm_date dx;
  bool fish[8];
  int iss;
  mm_date iss_date;
  const char *iss_where;
  lab_out *labs;
  size_t n_labs, cap_labs;
  period *per;
  size_t n_per, cap_per;
  prog *progs;
  size_t n_progs, cap_progs;
} imp;

static void warn(imp *im, const mm_json *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void warn(imp *im, const mm_json *at, const char *path, const char *fmt, ...) {
  char text[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  mm_diag_warn(im->d, im->src, at ? at->line : 0, at ? at->col : 0, path, "%s", text);
}

static void bad(imp *im, const mm_json *at, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bad(imp *im, const mm_json *at, const char *path, const char *fmt, ...) {
  char text[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  mm_diag_error(im->d, im->src, at ? at->line : 0, at ? at->col : 0, path, "%s", text);
}

static const char *sub(imp *im, const char *path, const char *key) {
  return mm_arena_printf(im->a, "%s.%s", path, key);
}
static const char *idx(imp *im, const char *path, size_t i) {
  return mm_arena_printf(im->a, "%s[%zu]", path, i);
}

/* A member of the wanted type, NULL when absent or null; a wrong type is an
 * error (invalid FHIR) with the path. */
static const mm_json *get(imp *im, const mm_json *obj, const char *key, mm_json_type t,
                          const char *path) {
  if (!obj || obj->type != MM_JSON_OBJECT) return NULL;
  const mm_json *v = mm_json_get(obj, key);
  if (!mm_json_present(v)) return NULL;
  if (v->type != t) {
    bad(im, v, sub(im, path, key), "expected %s, got %s", mm_json_type_name(t),
        mm_json_type_name(v->type));
    return NULL;
  }
  return v;
}

static const char *get_str(imp *im, const mm_json *obj, const char *key, const char *path) {
  const mm_json *v = get(im, obj, key, MM_JSON_STRING, path);
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
static mm_date fdate(imp *im, const mm_json *v, const char *path, const char *what) {
  if (!v) return MM_DATE_NONE;
  if (v->type != MM_JSON_STRING) {
    bad(im, v, path, "expected a date string, got %s", mm_json_type_name(v->type));
    return MM_DATE_NONE;
  }
  const char *s = v->str;
  size_t n = v->len;
  mm_date d;
  if (n >= 10 && (n == 10 || s[10] == 'T') && mm_date_parse(s, 10, &d)) {
    if (d > im->as_of) {
      char buf[11];
      mm_date_format(im->as_of, buf);
      warn(im, v, path, "%s %.10s is after as_of %s: left out", what, s, buf);
      return MM_DATE_NONE;
    }
    return d;
  }
  if ((n == 4 && all_digits(s, 4)) || (n == 7 && all_digits(s, 4) && s[4] == '-' &&
                                       all_digits(s + 5, 2))) {
    warn(im, v, path, "%s '%s' is a partial date, not a day: left out", what, s);
    return MM_DATE_NONE;
  }
  bad(im, v, path, "not a FHIR date or dateTime: '%s'", s);
  return MM_DATE_NONE;
}

/* ---- codes --------------------------------------------------------------- */

static const char *kind_word(mm_fhir_kind k) {
  static const char *const w[] = {"a diagnosis", "a drug", "a lab test", "a comorbidity",
                                  "a fish finding", "an observation kind", "a disease status",
                                  "an ISS stage", "a stop reason"};
  return w[k];
}

/* The first coding of a CodeableConcept that kb/fhir.yaml maps (its path in
 * *hit). When none maps and report is set, each coding is reported. */
static const mm_fhir_mapping *concept(imp *im, const mm_json *cc, const char *path,
                                      const char **hit, bool report) {
  if (hit) *hit = path;
  if (!cc) return NULL;
  if (cc->type != MM_JSON_OBJECT) {
    bad(im, cc, path, "expected a CodeableConcept object, got %s", mm_json_type_name(cc->type));
    return NULL;
  }
  const char *cpath = sub(im, path, "coding");
  const mm_json *codings = get(im, cc, "coding", MM_JSON_ARRAY, path);
  size_t n = codings ? codings->len : 0;
  for (size_t i = 0; i < n; i++) {
    const mm_json *c = codings->items[i];
    const char *p = idx(im, cpath, i);
    if (c->type != MM_JSON_OBJECT) {
      bad(im, c, p, "expected a Coding object, got %s", mm_json_type_name(c->type));
      continue;
    }
    const mm_fhir_mapping *m = mm_fhir_map_find(im->map, get_str(im, c, "system", p),
                                                get_str(im, c, "code", p));
    if (m) {
      if (hit) *hit = p;
      if (m->verification == MM_UNVERIFIED)
        warn(im, c, p, "%s %s: the kb/fhir.yaml mapping (line %d) is unverified: check it",
             mm_fhir_system_label(im->map, m->system), m->code, m->line);
      return m;
    }
  }
  if (!report) return NULL;
  for (size_t i = 0; i < n; i++) {
    const mm_json *c = codings->items[i];
    if (c->type != MM_JSON_OBJECT) continue;
    const char *p = idx(im, cpath, i);
    const char *sys = get_str(im, c, "system", p), *code = get_str(im, c, "code", p);
    const char *disp = get_str(im, c, "display", p);
    if (!code) warn(im, c, p, "a coding without a code: left out");
    else
      warn(im, c, p, "%s %s%s%s%s not in kb/fhir.yaml", mm_fhir_system_label(im->map, sys), code,
           disp ? " (" : "", disp ? disp : "", disp ? ")" : "");
  }
  if (n == 0 && !mm_json_present(mm_json_get(cc, "coding"))) {
    const char *text = get_str(im, cc, "text", path);
    warn(im, cc, path, "no coding%s%s%s: left out", text ? " (text '" : "", text ? text : "",
         text ? "')" : "");
  }
  return NULL;
}

/* ---- the patient and subject references ---------------------------------- */

/* The logical id a reference names when it names a Patient: "Patient/x",
 * ".../Patient/x", or the fullUrl of the bundle's Patient entry. */
static const char *ref_patient(imp *im, const char *ref) {
  if (im->patient && im->patient->full_url && strcmp(ref, im->patient->full_url) == 0)
    return im->pid;
  const char *p = strstr(ref, "Patient/");
  if (!p || (p != ref && p[-1] != '/')) return NULL;
  p += 8;
  const char *slash = strchr(p, '/'); /* Patient/x/_history/1 */
  return slash ? mm_arena_strndup(im->a, p, (size_t)(slash - p)) : p;
}

/* Whether a resource is about this record's patient: its subject (or
 * patient) reference must name the bundle's Patient. A resource without a
 * reference (identifier only) is taken as the bundle's: a bundle holds one
 * patient. */
static bool about_patient(imp *im, const res *r) {
  const char *key = "subject";
  const mm_json *s = get(im, r->r, key, MM_JSON_OBJECT, r->name);
  if (!s) {
    key = "patient";
    s = get(im, r->r, key, MM_JSON_OBJECT, r->name);
  }
  if (!s) return true;
  const char *path = sub(im, r->name, key);
  const char *ref = get_str(im, s, "reference", path);
  if (!ref) return true;
  const char *id = ref_patient(im, ref);
  if (id && !im->pid && !im->patient) im->pid = id; /* single resources: the subject's id */
  if (id && im->pid && strcmp(id, im->pid) == 0) return true;
  warn(im, mm_json_get(s, "reference"), sub(im, path, "reference"),
       "'%s' is not this record's patient (Patient/%s): resource left out", ref,
       im->pid ? im->pid : "?");
  return false;
}

static void read_patient(imp *im, const res *r) {
  const mm_json *p = r->r;
  /* The logical id becomes the record id; identifiers never do. Say so when
   * the two coincide (an MRN used as the logical id is not pseudonymous). */
  const mm_json *ids = get(im, p, "identifier", MM_JSON_ARRAY, r->name);
  for (size_t i = 0; ids && i < ids->len; i++) {
    const mm_json *v = mm_json_get(ids->items[i], "value");
    if (v && v->type == MM_JSON_STRING && strcmp(v->str, im->pid) == 0)
      warn(im, v, idx(im, sub(im, r->name, "identifier"), i),
           "the logical id equals this identifier's value: the record id may not be "
           "pseudonymous; replace it before sharing the record");
  }
  const mm_json *bd = mm_json_get(p, "birthDate");
  if (mm_json_present(bd)) im->birth = fdate(im, bd, sub(im, r->name, "birthDate"), "birthDate");
  else warn(im, p, r->name, "no birthDate: birth_date left absent (age unknown)");
  const char *g = get_str(im, p, "gender", r->name);
  if (g) {
    if (strcmp(g, "male") == 0 || strcmp(g, "female") == 0 || strcmp(g, "other") == 0) im->sex = g;
    else if (strcmp(g, "unknown") == 0)
      warn(im, mm_json_get(p, "gender"), sub(im, r->name, "gender"),
           "gender 'unknown': sex left absent");
    else bad(im, mm_json_get(p, "gender"), sub(im, r->name, "gender"),
             "not a FHIR administrative gender: '%s'", g);
  }
}

/* ---- Condition ----------------------------------------------------------- */

/* Whether a CodeableConcept member (clinicalStatus, verificationStatus) has
 * one of codes; *which is the code found. */
static bool status_is(imp *im, const mm_json *r, const char *key, const char *path,
                      const char *const *codes, const char **which) {
  const mm_json *cc = get(im, r, key, MM_JSON_OBJECT, path);
  const mm_json *codings = cc ? get(im, cc, "coding", MM_JSON_ARRAY, sub(im, path, key)) : NULL;
  for (size_t i = 0; codings && i < codings->len; i++) {
    const mm_json *code = mm_json_get(codings->items[i], "code");
    if (!code || code->type != MM_JSON_STRING) continue;
    for (const char *const *q = codes; *q; q++)
      if (strcmp(code->str, *q) == 0) {
        *which = *q;
        return true;
      }
  }
  return false;
}

static void read_condition(imp *im, const res *r) {
  static const char *const refuted[] = {"refuted", "entered-in-error", NULL};
  static const char *const inactive[] = {"inactive", "remission", "resolved", NULL};
  const char *which;
  if (status_is(im, r->r, "verificationStatus", r->name, refuted, &which)) {
    warn(im, mm_json_get(r->r, "verificationStatus"), sub(im, r->name, "verificationStatus"),
         "verificationStatus '%s': condition left out", which);
    return;
  }
  const char *hit;
  const char *cpath = sub(im, r->name, "code");
  const mm_fhir_mapping *m = concept(im, get(im, r->r, "code", MM_JSON_OBJECT, r->name), cpath,
                                     &hit, true);
  if (!m) {
    if (!mm_json_present(mm_json_get(r->r, "code")))
      warn(im, r->r, cpath, "condition without a code: left out");
    return;
  }
  if (m->kind == MM_FHIR_DIAGNOSIS) {
    im->has_mm = true;
    mm_date d = MM_DATE_NONE;
    const mm_json *v;
    if ((v = get(im, r->r, "onsetDateTime", MM_JSON_STRING, r->name)))
      d = fdate(im, v, sub(im, r->name, "onsetDateTime"), "diagnosis date");
    else if ((v = get(im, r->r, "onsetPeriod", MM_JSON_OBJECT, r->name)))
      d = fdate(im, get(im, v, "start", MM_JSON_STRING, sub(im, r->name, "onsetPeriod")),
                sub(im, r->name, "onsetPeriod.start"), "diagnosis date");
    else if ((v = get(im, r->r, "recordedDate", MM_JSON_STRING, r->name)))
      d = fdate(im, v, sub(im, r->name, "recordedDate"), "diagnosis date");
    else
      warn(im, r->r, r->name, "myeloma condition without onsetDateTime, onsetPeriod.start or "
           "recordedDate: diagnosis.date left out");
    if (d != MM_DATE_NONE && (im->dx == MM_DATE_NONE || d < im->dx)) im->dx = d;
    return;
  }
  if (m->kind != MM_FHIR_COMORBIDITY) {
    warn(im, r->r, hit, "%s %s maps to %s, not a condition: left out",
         mm_fhir_system_label(im->map, m->system), m->code, kind_word(m->kind));
    return;
  }
  if (status_is(im, r->r, "clinicalStatus", r->name, inactive, &which)) {
    warn(im, mm_json_get(r->r, "clinicalStatus"), sub(im, r->name, "clinicalStatus"),
         "clinicalStatus '%s': comorbidity %s left out", which,
         im->kb->comorbidities[m->ref].id);
    return;
  }
  static const char *const abate[] = {"abatementDateTime", "abatementPeriod", "abatementAge",
                                      "abatementRange", "abatementString", "abatementBoolean",
                                      NULL};
  for (const char *const *k = abate; *k; k++)
    if (mm_json_present(mm_json_get(r->r, *k))) {
      warn(im, mm_json_get(r->r, *k), sub(im, r->name, *k),
           "the condition has abated: comorbidity %s left out", im->kb->comorbidities[m->ref].id);
      return;
    }
  if (!im->has_comorb[m->ref]) {
    im->has_comorb[m->ref] = true;
    im->comorbs[im->n_comorbs++] = m->ref;
  }
}

/* ---- medications --------------------------------------------------------- */

static const res *find_resource(imp *im, const res *from, const char *ref, const char **cpath) {
  *cpath = NULL;
  if (ref[0] == '#') { /* contained */
    const mm_json *c = get(im, from->r, "contained", MM_JSON_ARRAY, from->name);
    for (size_t i = 0; c && i < c->len; i++) {
      const mm_json *id = mm_json_get(c->items[i], "id");
      if (id && id->type == MM_JSON_STRING && strcmp(id->str, ref + 1) == 0) {
        res *r = mm_arena_alloc(im->a, sizeof *r);
        if (!r) return NULL;
        *r = (res){c->items[i], "Medication", id->str,
                   idx(im, sub(im, from->name, "contained"), i), NULL};
        *cpath = r->name;
        return r;
      }
    }
    return NULL;
  }
  for (size_t i = 0; i < im->n_res; i++) {
    const res *r = &im->res[i];
    if (r->full_url && strcmp(r->full_url, ref) == 0) return r;
    if (r->id) {
      size_t tl = strlen(r->type), il = strlen(r->id), rl = strlen(ref);
      if (rl >= tl + 1 + il && strcmp(ref + rl - il, r->id) == 0 && ref[rl - il - 1] == '/' &&
          strncmp(ref + rl - il - 1 - tl, r->type, tl) == 0 &&
          (rl == tl + 1 + il || ref[rl - il - 2 - tl] == '/'))
        return r;
    }
  }
  return NULL;
}

/* A drug by kb name: the whole text, else its leading words before the first
 * word with a digit ("Velcade 3.5 MG Injection" -> "Velcade"), longest first. */
static const mm_drug *drug_by_text(imp *im, const char *text) {
  const mm_drug *d = mm_kb_find_drug(im->kb, text);
  if (d) return d;
  size_t ends[16], n = 0, i = 0, len = strlen(text);
  while (i < len && n < 16) {
    while (i < len && text[i] == ' ') i++;
    size_t w = i;
    bool digit = false;
    while (i < len && text[i] != ' ') digit |= text[i] >= '0' && text[i] <= '9', i++;
    if (digit || w == i) break;
    ends[n++] = i;
  }
  while (n-- > 0) {
    char *pre = mm_arena_strndup(im->a, text, ends[n]);
    if (pre && (d = mm_kb_find_drug(im->kb, pre))) return d;
  }
  return NULL;
}

static const char *atc_uri(const mm_fhir_map *map) {
  for (size_t k = 0; k < map->n_sys; k++)
    if (strcmp(map->sys_id[k], "atc") == 0) return map->sys_uri[k];
  return NULL;
}

/* The kb drug of a medication CodeableConcept: a mapped code (RxNorm), an ATC
 * code of kb/vocabulary/drugs.yaml, or a kb drug name in the text or a
 * display. NULL (reported) when none. */
static const mm_drug *medication_drug(imp *im, const mm_json *cc, const char *path) {
  const char *hit;
  const mm_fhir_mapping *m = concept(im, cc, path, &hit, false);
  if (m && m->kind == MM_FHIR_DRUG) return &im->kb->drugs[m->ref];
  if (m) {
    warn(im, cc, hit, "%s %s maps to %s, not a drug: left out",
         mm_fhir_system_label(im->map, m->system), m->code, kind_word(m->kind));
    return NULL;
  }
  const mm_json *codings = mm_json_get(cc, "coding");
  const char *atc = atc_uri(im->map);
  for (size_t i = 0; codings && codings->type == MM_JSON_ARRAY && i < codings->len; i++) {
    const mm_json *c = codings->items[i];
    const mm_json *sys = mm_json_get(c, "system"), *code = mm_json_get(c, "code");
    if (!atc || !sys || sys->type != MM_JSON_STRING || strcmp(sys->str, atc) || !code ||
        code->type != MM_JSON_STRING)
      continue;
    for (size_t k = 0; k < im->kb->n_drugs; k++)
      if (im->kb->drugs[k].atc && strcmp(im->kb->drugs[k].atc, code->str) == 0)
        return &im->kb->drugs[k];
  }
  const mm_json *text = mm_json_get(cc, "text");
  const mm_drug *d = NULL;
  if (text && text->type == MM_JSON_STRING) d = drug_by_text(im, text->str);
  for (size_t i = 0; !d && codings && codings->type == MM_JSON_ARRAY && i < codings->len; i++) {
    const mm_json *disp = mm_json_get(codings->items[i], "display");
    if (disp && disp->type == MM_JSON_STRING) d = drug_by_text(im, disp->str);
  }
  if (d) return d;
  concept(im, cc, path, NULL, true); /* reports every coding */
  if (text && text->type == MM_JSON_STRING && codings && codings->type == MM_JSON_ARRAY &&
      codings->len)
    warn(im, text, sub(im, path, "text"), "'%s' is not a drug name of kb/vocabulary/drugs.yaml",
         text->str);
  return NULL;
}

static void add_period(imp *im, int drug, mm_date start, mm_date end, int stop) {
  if (im->n_per == im->cap_per) {
    size_t cap = im->cap_per ? im->cap_per * 2 : 16;
    period *p = mm_arena_grow(im->a, im->per, im->n_per, cap, sizeof *p);
    if (!p) return;
    im->per = p;
    im->cap_per = cap;
  }
  im->per[im->n_per] = (period){drug, start, end, im->n_per, stop};
  im->n_per++;
}

static bool is_termination_ext(const char *url) {
  static const char *const names[] = {"/mcode-treatment-termination-reason",
                                      "/mcode-termination-reason", NULL};
  size_t n = strlen(url);
  for (const char *const *q = names; *q; q++) {
    size_t k = strlen(*q);
    if (n >= k && strcmp(url + n - k, *q) == 0) return true;
  }
  return false;
}

/* Why the medication stopped: statusReason (a CodeableConcept, or a list of
 * them) or the mCODE treatment termination reason extension, through the
 * stop_reason mappings of kb/fhir.yaml. -1 when none is given or mapped. */
static int stop_reason(imp *im, const res *r) {
  const mm_json *ccs[8];
  const char *paths[8];
  size_t n = 0;
  const mm_json *sr = mm_json_get(r->r, "statusReason");
  const char *sp = sub(im, r->name, "statusReason");
  if (sr && sr->type == MM_JSON_OBJECT) {
    ccs[n] = sr;
    paths[n++] = sp;
  } else if (sr && sr->type == MM_JSON_ARRAY) {
    for (size_t i = 0; i < sr->len && n < 4; i++) ccs[n] = sr->items[i], paths[n++] = idx(im, sp, i);
  } else if (mm_json_present(sr)) {
    bad(im, sr, sp, "expected a CodeableConcept or a list of them, got %s",
        mm_json_type_name(sr->type));
  }
  const mm_json *ext = get(im, r->r, "extension", MM_JSON_ARRAY, r->name);
  for (size_t i = 0; ext && i < ext->len && n < 8; i++) {
    const char *ep = idx(im, sub(im, r->name, "extension"), i);
    const char *url = get_str(im, ext->items[i], "url", ep);
    if (!url || !is_termination_ext(url)) continue;
    const mm_json *v = get(im, ext->items[i], "valueCodeableConcept", MM_JSON_OBJECT, ep);
    if (v) ccs[n] = v, paths[n++] = sub(im, ep, "valueCodeableConcept");
  }
  int stop = -1;
  for (size_t i = 0; i < n; i++) {
    const char *hit;
    const mm_fhir_mapping *m = concept(im, ccs[i], paths[i], &hit, true);
    if (!m) continue;
    if (m->kind != MM_FHIR_STOP) {
      warn(im, ccs[i], hit, "%s %s is not a stop reason: left out",
           mm_fhir_system_label(im->map, m->system), m->code);
    } else if (stop >= 0 && stop != m->ref) {
      warn(im, ccs[i], hit, "a second, different stop reason (%s besides %s): both left out",
           mm_fhir_stop_names[m->ref], mm_fhir_stop_names[stop]);
      return -1;
    } else {
      stop = m->ref;
    }
  }
  return stop;
}

static void read_medication(imp *im, const res *r) {
  const char *status = get_str(im, r->r, "status", r->name);
  static const char *const skip[] = {"entered-in-error", "not-taken", "not-done", "intended",
                                     "cancelled", "draft", NULL};
  for (const char *const *q = skip; status && *q; q++)
    if (strcmp(status, *q) == 0) {
      warn(im, mm_json_get(r->r, "status"), sub(im, r->name, "status"),
           "status '%s': medication left out", status);
      return;
    }
  /* the medication */
  const mm_json *cc = get(im, r->r, "medicationCodeableConcept", MM_JSON_OBJECT, r->name);
  const char *cpath = sub(im, r->name, "medicationCodeableConcept");
  if (!cc) {
    const mm_json *ref = get(im, r->r, "medicationReference", MM_JSON_OBJECT, r->name);
    const char *rpath = sub(im, r->name, "medicationReference");
    const char *rs = ref ? get_str(im, ref, "reference", rpath) : NULL;
    if (!rs) {
      warn(im, r->r, r->name, "no medicationCodeableConcept or medicationReference.reference: "
           "left out");
      return;
    }
    const char *contained;
    const res *med = find_resource(im, r, rs, &contained);
    if (!med || strcmp(med->type, "Medication") != 0) {
      warn(im, mm_json_get(ref, "reference"), sub(im, rpath, "reference"),
           "'%s' is not a Medication in this input: left out", rs);
      return;
    }
    cc = get(im, med->r, "code", MM_JSON_OBJECT, med->name);
    cpath = sub(im, med->name, "code");
    if (!cc) {
      warn(im, med->r, cpath, "Medication without a code: %s left out", r->name);
      return;
    }
  }
  const mm_drug *drug = medication_drug(im, cc, cpath);
  if (!drug) {
    warn(im, r->r, r->name, "medication not recognised: left out of the lines of therapy");
    return;
  }
  /* its period */
  mm_date start = MM_DATE_NONE, end = MM_DATE_NONE;
  const mm_json *per = NULL, *single = NULL;
  const char *ppath = NULL;
  if (strcmp(r->type, "MedicationRequest") == 0) {
    const mm_json *di = get(im, r->r, "dosageInstruction", MM_JSON_ARRAY, r->name);
    for (size_t i = 0; di && i < di->len && !per; i++) {
      const char *p = idx(im, sub(im, r->name, "dosageInstruction"), i);
      const mm_json *t = get(im, di->items[i], "timing", MM_JSON_OBJECT, p);
      const mm_json *rep = t ? get(im, t, "repeat", MM_JSON_OBJECT, sub(im, p, "timing")) : NULL;
      per = rep ? get(im, rep, "boundsPeriod", MM_JSON_OBJECT, sub(im, p, "timing.repeat")) : NULL;
      if (per) ppath = sub(im, p, "timing.repeat.boundsPeriod");
    }
    if (!per) {
      warn(im, r->r, r->name, "%s: no dosageInstruction[].timing.repeat.boundsPeriod (authoredOn "
           "is the order date, not a treatment period): left out", drug->id);
      return;
    }
  } else {
    per = get(im, r->r, "effectivePeriod", MM_JSON_OBJECT, r->name);
    ppath = sub(im, r->name, "effectivePeriod");
    if (!per) single = get(im, r->r, "effectiveDateTime", MM_JSON_STRING, r->name);
    if (!per && !single) {
      warn(im, r->r, r->name, "%s: no effectivePeriod or effectiveDateTime: left out", drug->id);
      return;
    }
  }
  bool active = status && (strcmp(status, "active") == 0 || strcmp(status, "in-progress") == 0 ||
                           strcmp(status, "on-hold") == 0);
  if (single) {
    start = fdate(im, single, sub(im, r->name, "effectiveDateTime"), "start");
    if (start == MM_DATE_NONE) return;
    end = active ? MM_DATE_NONE : start; /* active from that day, else that day only */
    if (strcmp(r->type, "MedicationStatement") == 0)
      warn(im, single, sub(im, r->name, "effectiveDateTime"),
           "%s: one date, no period: taken as %s (check the dates)", drug->id,
           active ? "the first day of an ongoing exposure" : "a single day of exposure");
  } else {
    const mm_json *s = get(im, per, "start", MM_JSON_STRING, ppath);
    const mm_json *e = get(im, per, "end", MM_JSON_STRING, ppath);
    if (!s) {
      warn(im, per, ppath, "%s: a period without a start: left out", drug->id);
      return;
    }
    start = fdate(im, s, sub(im, ppath, "start"), "start");
    if (start == MM_DATE_NONE) return;
    if (e) {
      char buf[11];
      mm_date_format(im->as_of, buf);
      mm_date ed;
      if (e->len >= 10 && mm_date_parse(e->str, 10, &ed) && ed > im->as_of) {
        warn(im, e, sub(im, ppath, "end"), "%s: end %.10s is after as_of %s: taken as ongoing",
             drug->id, e->str, buf);
        end = MM_DATE_NONE;
      } else {
        end = fdate(im, e, sub(im, ppath, "end"), "end");
        if (end == MM_DATE_NONE) return; /* reported: a partial or invalid date */
        if (end < start) {
          bad(im, e, sub(im, ppath, "end"), "end before start");
          return;
        }
      }
    } else if (!active && status) {
      warn(im, per, ppath, "%s: status '%s' but no end date: left out (it would read as ongoing)",
           drug->id, status);
      return;
    }
  }
  int stop = stop_reason(im, r);
  if (stop >= 0 && end == MM_DATE_NONE) {
    warn(im, r->r, r->name, "%s: a stop reason (%s) on an ongoing period: reason left out",
         drug->id, mm_fhir_stop_names[stop]);
    stop = -1;
  }
  add_period(im, (int)(drug - im->kb->drugs), start, end, stop);
}

/* ---- observations -------------------------------------------------------- */

static mm_date obs_date(imp *im, const res *r) {
  const mm_json *v;
  if ((v = get(im, r->r, "effectiveDateTime", MM_JSON_STRING, r->name)))
    return fdate(im, v, sub(im, r->name, "effectiveDateTime"), "date");
  if ((v = get(im, r->r, "effectivePeriod", MM_JSON_OBJECT, r->name)))
    return fdate(im, get(im, v, "start", MM_JSON_STRING, sub(im, r->name, "effectivePeriod")),
                 sub(im, r->name, "effectivePeriod.start"), "date");
  if ((v = get(im, r->r, "effectiveInstant", MM_JSON_STRING, r->name)))
    return fdate(im, v, sub(im, r->name, "effectiveInstant"), "date");
  warn(im, r->r, r->name, "no effectiveDateTime, effectivePeriod.start or effectiveInstant: "
       "observation left out");
  return MM_DATE_NONE;
}

static void read_lab(imp *im, const res *r, const mm_fhir_mapping *m) {
  const mm_lab *lab = &im->kb->labs[m->ref];
  const mm_json *q = get(im, r->r, "valueQuantity", MM_JSON_OBJECT, r->name);
  const char *qp = sub(im, r->name, "valueQuantity");
  if (!q) {
    warn(im, r->r, r->name, "%s without a valueQuantity: left out", lab->id);
    return;
  }
  const mm_json *val = get(im, q, "value", MM_JSON_NUMBER, qp);
  const char *cmp = get_str(im, q, "comparator", qp);
  const char *sys = get_str(im, q, "system", qp), *code = get_str(im, q, "code", qp);
  const char *unit_text = get_str(im, q, "unit", qp);
  if (!val) {
    warn(im, q, sub(im, qp, "value"), "%s without a value: left out", lab->id);
    return;
  }
  if (cmp) {
    warn(im, mm_json_get(q, "comparator"), sub(im, qp, "comparator"),
         "%s %s%g is a bound, not a value: left out", lab->id, cmp, val->number);
    return;
  }
  if (!code || (sys && strcmp(sys, "http://unitsofmeasure.org") != 0)) {
    warn(im, q, sub(im, qp, "code"), "%s: no UCUM unit code (unit '%s'): left out", lab->id,
         unit_text ? unit_text : "");
    return;
  }
  const mm_fhir_unit *u = NULL;
  for (size_t i = 0; i < m->n_units; i++)
    if (strcmp(m->units[i].ucum, code) == 0) u = &m->units[i];
  if (!u) {
    warn(im, mm_json_get(q, "code"), sub(im, qp, "code"),
         "UCUM unit '%s' for %s not in kb/fhir.yaml: left out", code, lab->id);
    return;
  }
  double canon = val->number * u->factor;
  if (lab->has_range && (canon < lab->min || canon > lab->max)) {
    warn(im, val, sub(im, qp, "value"), "%g %s is not a plausible %s (%g to %g %s): left out",
         val->number, code, lab->id, lab->min, lab->max, lab->unit);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->n_labs == im->cap_labs) {
    size_t cap = im->cap_labs ? im->cap_labs * 2 : 16;
    lab_out *p = mm_arena_grow(im->a, im->labs, im->n_labs, cap, sizeof *p);
    if (!p) return;
    im->labs = p;
    im->cap_labs = cap;
  }
  im->labs[im->n_labs] = (lab_out){lab, d, val->number, u->unit, im->n_labs};
  im->n_labs++;
}

static void read_ecog(imp *im, const res *r) {
  const mm_json *v = get(im, r->r, "valueInteger", MM_JSON_NUMBER, r->name);
  const char *vp = sub(im, r->name, "valueInteger");
  if (!v) {
    warn(im, r->r, r->name, "ECOG without valueInteger: left out");
    return;
  }
  if (!v->is_integer || v->integer < 0 || v->integer > 4) {
    warn(im, v, vp, "ECOG %g is not 0..4: left out", v->number);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->ecog_date == MM_DATE_NONE || d >= im->ecog_date) {
    im->ecog = (int)v->integer;
    im->ecog_date = d;
  }
}

static void read_status(imp *im, const res *r) {
  const char *hit;
  const char *vp = sub(im, r->name, "valueCodeableConcept");
  const mm_json *cc = get(im, r->r, "valueCodeableConcept", MM_JSON_OBJECT, r->name);
  if (!cc) {
    warn(im, r->r, r->name, "disease status without valueCodeableConcept: left out");
    return;
  }
  const mm_fhir_mapping *m = concept(im, cc, vp, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_STATUS) {
    warn(im, cc, hit, "%s %s is not a disease status: left out",
         mm_fhir_system_label(im->map, m->system), m->code);
    return;
  }
  if (m->ref != MM_FHIR_ST_PROGRESSION) {
    warn(im, cc, hit, "disease status '%s' is a trend, not an IMWG response: not mapped",
         m->display);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->n_progs == im->cap_progs) {
    size_t cap = im->cap_progs ? im->cap_progs * 2 : 8;
    prog *p = mm_arena_grow(im->a, im->progs, im->n_progs, cap, sizeof *p);
    if (!p) return;
    im->progs = p;
    im->cap_progs = cap;
  }
  im->progs[im->n_progs++] = (prog){d, r->name, r->r};
}

/* Whether an ISCN item is the count or the sex chromosomes ("47<2n>", "XY"). */
static bool iscn_frame(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  if (i > 0 && (i == n || s[i] == '<' || s[i] == '~')) return true;
  for (i = 0; i < n; i++)
    if (s[i] != 'X' && s[i] != 'Y') return false;
  return n > 0;
}

static void read_iscn(imp *im, const char *iscn, const mm_json *at, const char *path) {
  const char *s = iscn;
  while (*s) {
    size_t n = strcspn(s, ",");
    while (n && *s == ' ') s++, n--;
    size_t len = n;
    while (len && s[len - 1] == ' ') len--;
    if (len && !iscn_frame(s, len)) {
      const mm_fhir_mapping *hit = NULL;
      for (size_t i = 0; i < im->map->n_maps && !hit; i++) {
        const mm_fhir_mapping *m = &im->map->maps[i];
        size_t cl = strlen(m->code);
        if (m->kind == MM_FHIR_FISH && cl <= len && strncmp(s, m->code, cl) == 0 &&
            (cl == len || s[cl] == '('))
          hit = m;
      }
      if (hit) im->fish[hit->ref] = true;
      else warn(im, at, path, "ISCN '%.*s' not in kb/fhir.yaml: left out", (int)len, s);
    }
    s += n;
    if (*s == ',') s++;
  }
}

static void read_cytogenetics(imp *im, const res *r) {
  if (obs_date(im, r) == MM_DATE_NONE) return;
  const mm_json *comps = get(im, r->r, "component", MM_JSON_ARRAY, r->name);
  bool any = false;
  for (size_t i = 0; comps && i < comps->len; i++) {
    const char *p = idx(im, sub(im, r->name, "component"), i);
    const mm_json *c = comps->items[i];
    if (c->type != MM_JSON_OBJECT) {
      bad(im, c, p, "expected an object, got %s", mm_json_type_name(c->type));
      continue;
    }
    const char *hit;
    const mm_fhir_mapping *m = concept(im, get(im, c, "code", MM_JSON_OBJECT, p),
                                       sub(im, p, "code"), &hit, false);
    if (!m || m->kind != MM_FHIR_OBSERVATION || m->ref != MM_FHIR_OBS_ISCN) continue;
    const mm_json *v;
    if ((v = get(im, c, "valueString", MM_JSON_STRING, p))) {
      read_iscn(im, v->str, v, sub(im, p, "valueString"));
      any = true;
    } else if ((v = get(im, c, "valueCodeableConcept", MM_JSON_OBJECT, p))) {
      const char *vp = sub(im, p, "valueCodeableConcept");
      const mm_json *codings = get(im, v, "coding", MM_JSON_ARRAY, vp);
      for (size_t k = 0; codings && k < codings->len; k++) {
        const char *kp = idx(im, sub(im, vp, "coding"), k);
        const char *code = get_str(im, codings->items[k], "code", kp);
        if (code) read_iscn(im, code, codings->items[k], sub(im, kp, "code")), any = true;
      }
      const char *text = get_str(im, v, "text", vp);
      if (!any && text) read_iscn(im, text, v, sub(im, vp, "text")), any = true;
    }
  }
  if (!any)
    warn(im, r->r, r->name, "cytogenetics without an ISCN component (kb/fhir.yaml 'iscn'): "
         "left out");
}

/* mCODE MyelomaISSStage: the ISS at diagnosis, so the earliest stage wins;
 * a later, different stage is reported. */
static void read_iss(imp *im, const res *r) {
  const char *hit;
  const char *vp = sub(im, r->name, "valueCodeableConcept");
  const mm_json *cc = get(im, r->r, "valueCodeableConcept", MM_JSON_OBJECT, r->name);
  if (!cc) {
    warn(im, r->r, r->name, "ISS stage without valueCodeableConcept: left out");
    return;
  }
  const mm_fhir_mapping *m = concept(im, cc, vp, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_ISS) {
    warn(im, cc, hit, "%s %s is not an ISS stage: left out",
         mm_fhir_system_label(im->map, m->system), m->code);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->iss_date != MM_DATE_NONE && im->iss != m->ref) {
    bool later = d >= im->iss_date;
    warn(im, cc, hit, "ISS %d here, ISS %d in %s: the earliest (at diagnosis) is kept",
         m->ref, im->iss, im->iss_where);
    if (later) return;
  }
  if (im->iss_date == MM_DATE_NONE || d < im->iss_date) {
    im->iss = m->ref;
    im->iss_date = d;
    im->iss_where = r->name;
  }
}

static void read_observation(imp *im, const res *r) {
  const char *status = get_str(im, r->r, "status", r->name);
  if (status && (strcmp(status, "entered-in-error") == 0 || strcmp(status, "cancelled") == 0)) {
    warn(im, mm_json_get(r->r, "status"), sub(im, r->name, "status"),
         "status '%s': observation left out", status);
    return;
  }
  const char *hit;
  const char *cpath = sub(im, r->name, "code");
  const mm_json *code = get(im, r->r, "code", MM_JSON_OBJECT, r->name);
  if (!code) {
    if (!mm_json_present(mm_json_get(r->r, "code")))
      bad(im, r->r, cpath, "an Observation must have a code");
    return;
  }
  const mm_fhir_mapping *m = concept(im, code, cpath, &hit, true);
  if (!m) return;
  if (m->kind == MM_FHIR_LAB) {
    read_lab(im, r, m);
  } else if (m->kind == MM_FHIR_OBSERVATION) {
    switch ((mm_fhir_obs)m->ref) {
    case MM_FHIR_OBS_ECOG: read_ecog(im, r); break;
    case MM_FHIR_OBS_KARNOFSKY:
      warn(im, code, hit, "Karnofsky performance status is not converted to ECOG (no documented "
           "mapping, docs/fhir.md): left out");
      break;
    case MM_FHIR_OBS_DISEASE_STATUS: read_status(im, r); break;
    case MM_FHIR_OBS_CYTOGENETICS: read_cytogenetics(im, r); break;
    case MM_FHIR_OBS_ISCN:
      warn(im, code, hit, "an ISCN result outside a cytogenetics observation: left out");
      break;
    case MM_FHIR_OBS_ISS_STAGE: read_iss(im, r); break;
    }
  } else {
    warn(im, code, hit, "%s %s maps to %s, not an observation: left out",
         mm_fhir_system_label(im->map, m->system), m->code, kind_word(m->kind));
  }
}

/* ---- lines of therapy (heuristic, docs/fhir.md) -------------------------- */

static long end_key(mm_date e) { return e == MM_DATE_NONE ? DATE_INF : e; }

static int by_drug_start(const void *x, const void *y) {
  const period *a = x, *b = y;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int by_start(const void *x, const void *y) {
  const period *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int lab_cmp(const void *x, const void *y) {
  const lab_out *a = x, *b = y;
  if (a->date != b->date) return a->date < b->date ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int prog_cmp(const void *x, const void *y) {
  const prog *a = x, *b = y;
  return a->date < b->date ? -1 : a->date > b->date;
}

/* Same-drug periods closer than gap_days merge into one exposure; exposures
 * that overlap in time form one line; lines are ordered by start. */
static line_out *build_lines(imp *im, size_t *n_out) {
  *n_out = 0;
  if (!im->n_per) return NULL;
  qsort(im->per, im->n_per, sizeof *im->per, by_drug_start);
  size_t ne = 0;
  for (size_t i = 0; i < im->n_per; i++) {
    period p = im->per[i];
    if (ne && im->per[ne - 1].drug == p.drug &&
        (long)p.start <= end_key(im->per[ne - 1].end) + im->map->gap_days) {
      period *e = &im->per[ne - 1];
      if (end_key(p.end) >= end_key(e->end)) {
        if (end_key(p.end) > end_key(e->end) || p.stop >= 0) e->stop = p.stop;
        e->end = p.end;
      }
    } else {
      im->per[ne++] = p;
    }
  }
  qsort(im->per, ne, sizeof *im->per, by_start);
  line_out *lines = mm_arena_alloc(im->a, ne * sizeof *lines);
  if (!lines) return NULL;
  size_t nl = 0;
  for (size_t i = 0; i < ne; i++) {
    period *p = &im->per[i];
    line_out *l = nl ? &lines[nl - 1] : NULL;
    if (!l || (long)p->start > end_key(l->end)) {
      l = &lines[nl++];
      *l = (line_out){p->start, p->end, p, 0, MM_DATE_NONE, -1};
    } else if (end_key(p->end) > end_key(l->end)) {
      l->end = p->end;
    }
    /* eras are contiguous in start order: a line's drugs are a slice */
    l->n_drugs++;
  }
  /* the same drug twice in a line (two exposures bridged by another drug):
   * one entry with the outer dates */
  for (size_t k = 0; k < nl; k++) {
    line_out *l = &lines[k];
    size_t w = 0;
    for (size_t i = 0; i < l->n_drugs; i++) {
      size_t j = 0;
      while (j < w && l->drugs[j].drug != l->drugs[i].drug) j++;
      if (j < w) {
        if (end_key(l->drugs[i].end) > end_key(l->drugs[j].end)) {
          l->drugs[j].end = l->drugs[i].end;
          l->drugs[j].stop = l->drugs[i].stop;
        }
      } else {
        l->drugs[w++] = l->drugs[i];
      }
    }
    l->n_drugs = w;
  }
  /* A line's stop reason: the reason given by the drugs that end with it,
   * when they agree. A drug stopped earlier (e.g. for neuropathy) while the
   * others went on does not stop the line. */
  for (size_t k = 0; k < nl; k++) {
    line_out *l = &lines[k];
    if (l->end == MM_DATE_NONE) continue;
    int stop = -1;
    bool conflict = false;
    for (size_t i = 0; i < l->n_drugs; i++) {
      const period *p = &l->drugs[i];
      if (p->end != l->end || p->stop < 0) continue;
      if (stop >= 0 && stop != p->stop) conflict = true;
      stop = p->stop;
    }
    if (conflict)
      warn(im, NULL, mm_arena_printf(im->a, "lines[%zu]", k),
           "the drugs ending this line give different stop reasons: stop_reason left out");
    else l->stop = stop;
  }
  *n_out = nl;
  return lines;
}

/* A progression ends the latest line that started before it. */
static void assign_progressions(imp *im, line_out *lines, size_t nl) {
  if (im->n_progs) qsort(im->progs, im->n_progs, sizeof *im->progs, prog_cmp);
  for (size_t i = 0; i < im->n_progs; i++) {
    const prog *p = &im->progs[i];
    char buf[11];
    mm_date_format(p->date, buf);
    size_t k = nl;
    while (k > 0 && lines[k - 1].start >= p->date) k--;
    if (k == 0) {
      warn(im, p->at, p->where, "progression on %s precedes every line of therapy: left out", buf);
      continue;
    }
    line_out *l = &lines[k - 1];
    if (l->progression != MM_DATE_NONE) {
      char first[11];
      mm_date_format(l->progression, first);
      warn(im, p->at, p->where, "progression on %s: line %zu already ended in progression on %s: "
           "left out", buf, k, first);
      continue;
    }
    l->progression = p->date;
  }
}

/* ---- output -------------------------------------------------------------- */

static void put_date(mm_strbuf *b, mm_date d) {
  char buf[11];
  mm_date_format(d, buf);
  mm_strbuf_printf(b, "\"%s\"", buf);
}

static void write_record(imp *im, mm_strbuf *b, line_out *lines, size_t nl) {
  mm_strbuf_puts(b, "{\n  \"schema\": \"mmpath/patient@1\",\n  \"id\": ");
  mm_strbuf_json_string(b, im->pid);
  mm_strbuf_puts(b, ",\n  \"as_of\": ");
  put_date(b, im->as_of);
  if (im->birth != MM_DATE_NONE) {
    mm_strbuf_puts(b, ",\n  \"birth_date\": ");
    put_date(b, im->birth);
  }
  if (im->sex) mm_strbuf_printf(b, ",\n  \"sex\": \"%s\"", im->sex);
  if (im->ecog_date != MM_DATE_NONE) mm_strbuf_printf(b, ",\n  \"ecog\": %d", im->ecog);
  if (im->n_comorbs) {
    mm_strbuf_puts(b, ",\n  \"comorbidities\": [");
    for (size_t i = 0; i < im->n_comorbs; i++) {
      if (i) mm_strbuf_puts(b, ", ");
      mm_strbuf_json_string(b, im->kb->comorbidities[im->comorbs[i]].id);
    }
    mm_strbuf_putc(b, ']');
  }
  bool any_fish = false;
  for (int i = 0; mm_fhir_fish_names[i]; i++) any_fish |= im->fish[i];
  if (im->dx != MM_DATE_NONE || any_fish || im->iss_date != MM_DATE_NONE) {
    mm_strbuf_puts(b, ",\n  \"diagnosis\": {");
    const char *sep = "";
    if (im->dx != MM_DATE_NONE) {
      mm_strbuf_puts(b, "\"date\": ");
      put_date(b, im->dx);
      sep = ", ";
    }
    if (im->iss_date != MM_DATE_NONE) {
      mm_strbuf_printf(b, "%s\"iss\": %d", sep, im->iss);
      sep = ", ";
    }
    if (any_fish) {
      mm_strbuf_printf(b, "%s\"fish\": {", sep);
      const char *fs = "";
      for (int i = 0; mm_fhir_fish_names[i]; i++)
        if (im->fish[i]) {
          mm_strbuf_printf(b, "%s\"%s\": true", fs, mm_fhir_fish_names[i]);
          fs = ", ";
        }
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, '}');
  }
  if (im->n_labs) {
    qsort(im->labs, im->n_labs, sizeof *im->labs, lab_cmp);
    mm_strbuf_puts(b, ",\n  \"labs\": [");
    for (size_t i = 0; i < im->n_labs; i++) {
      const lab_out *l = &im->labs[i];
      mm_strbuf_puts(b, i ? ",\n    {\"date\": " : "\n    {\"date\": ");
      put_date(b, l->date);
      mm_strbuf_printf(b, ", \"test\": \"%s\", \"value\": %.10g, \"unit\": ", l->lab->id, l->value);
      mm_strbuf_json_string(b, l->unit);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "\n  ]");
  }
  if (nl) {
    mm_strbuf_puts(b, ",\n  \"lines\": [");
    for (size_t k = 0; k < nl; k++) {
      const line_out *l = &lines[k];
      mm_strbuf_puts(b, k ? ",\n    {\"drugs\": [" : "\n    {\"drugs\": [");
      for (size_t i = 0; i < l->n_drugs; i++) {
        const period *p = &l->drugs[i];
        const char *name = im->kb->drugs[p->drug].id;
        if (i) mm_strbuf_puts(b, ", ");
        if (p->start == l->start && p->end == l->end) {
          mm_strbuf_json_string(b, name);
          continue;
        }
        mm_strbuf_puts(b, "{\"name\": ");
        mm_strbuf_json_string(b, name);
        mm_strbuf_puts(b, ", \"start\": ");
        put_date(b, p->start);
        if (p->end != MM_DATE_NONE) {
          mm_strbuf_puts(b, ", \"end\": ");
          put_date(b, p->end);
        }
        mm_strbuf_putc(b, '}');
      }
      mm_strbuf_puts(b, "], \"start\": ");
      put_date(b, l->start);
      if (l->end != MM_DATE_NONE) {
        mm_strbuf_puts(b, ", \"end\": ");
        put_date(b, l->end);
      }
      if (l->progression != MM_DATE_NONE) {
        mm_strbuf_puts(b, ", \"progression\": ");
        put_date(b, l->progression);
      }
      if (l->stop >= 0) mm_strbuf_printf(b, ", \"stop_reason\": \"%s\"", mm_fhir_stop_names[l->stop]);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "\n  ]");
  }
  mm_strbuf_puts(b, "\n}\n");
}

/* ---- the input ----------------------------------------------------------- */

static void add_resource(imp *im, const mm_json *r, const char *where, const char *full_url) {
  if (r->type != MM_JSON_OBJECT) {
    bad(im, r, where, "expected a resource object, got %s", mm_json_type_name(r->type));
    return;
  }
  const mm_json *t = mm_json_get(r, "resourceType");
  if (!t || t->type != MM_JSON_STRING || !*t->str) {
    bad(im, t ? t : r, sub(im, where, "resourceType"), "a resource needs a resourceType string");
    return;
  }
  const mm_json *id = mm_json_get(r, "id");
  if (mm_json_present(id) && id->type != MM_JSON_STRING) {
    bad(im, id, sub(im, where, "id"), "expected string, got %s", mm_json_type_name(id->type));
    id = NULL;
  }
  res *x = &im->res[im->n_res++];
  x->r = r;
  x->type = t->str;
  x->id = mm_json_present(id) ? id->str : NULL;
  x->name = x->id ? mm_arena_printf(im->a, "%s/%s", x->type, x->id)
                  : mm_arena_printf(im->a, "%s(%s)", where, x->type);
  x->full_url = full_url;
}

static void collect(imp *im, const mm_json *root) {
  const mm_json *t = mm_json_get(root, "resourceType");
  if (!t || t->type != MM_JSON_STRING || strcmp(t->str, "Bundle") != 0) {
    im->res = mm_arena_alloc(im->a, sizeof *im->res);
    if (im->res) add_resource(im, root, "$", NULL);
    return;
  }
  const mm_json *entries = get(im, root, "entry", MM_JSON_ARRAY, "Bundle");
  size_t n = entries ? entries->len : 0;
  im->res = mm_arena_alloc(im->a, (n + 1) * sizeof *im->res);
  if (!im->res) return;
  for (size_t i = 0; i < n; i++) {
    const mm_json *e = entries->items[i];
    const char *p = idx(im, "Bundle.entry", i);
    if (e->type != MM_JSON_OBJECT) {
      bad(im, e, p, "expected an entry object, got %s", mm_json_type_name(e->type));
      continue;
    }
    const mm_json *r = mm_json_get(e, "resource");
    if (!mm_json_present(r)) {
      warn(im, e, p, "entry without a resource: left out");
      continue;
    }
    add_resource(im, r, sub(im, p, "resource"), get_str(im, e, "fullUrl", p));
  }
}

int mm_fhir_import(mm_strbuf *out, const mm_kb *kb, const mm_fhir_map *map, const char *json,
                   size_t len, const mm_fhir_options *opts, mm_diags *diags) {
  mm_arena arena;
  mm_arena_init(&arena, 0);
  imp im = {.a = &arena, .kb = kb, .map = map, .d = diags, .birth = MM_DATE_NONE,
            .dx = MM_DATE_NONE, .ecog_date = MM_DATE_NONE, .iss_date = MM_DATE_NONE};
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
    mm_diag_error(diags, im.src, jerr.line, jerr.col, NULL, "not valid JSON: %s", jerr.text);
    goto done;
  }
  if (root->type != MM_JSON_OBJECT) {
    bad(&im, root, "$", "a FHIR resource or Bundle must be a JSON object, got %s",
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
    const res *r = &im.res[i];
    if (strcmp(r->type, "Patient") != 0) continue;
    if (!r->id) {
      bad(&im, r->r, sub(&im, r->name, "id"), "a Patient needs a logical id (the record's id)");
      continue;
    }
    if (im.patient && strcmp(im.patient->id, r->id) != 0) {
      bad(&im, r->r, r->name, "a second patient (%s besides %s): one patient per input",
          r->name, im.patient->name);
      continue;
    }
    if (!im.patient) {
      im.patient = r;
      im.pid = r->id;
      read_patient(&im, r);
    }
  }
  for (size_t i = 0; i < im.n_res; i++) {
    const res *r = &im.res[i];
    const char *t = r->type;
    if (strcmp(t, "Patient") == 0 || strcmp(t, "Medication") == 0) continue;
    bool cond = strcmp(t, "Condition") == 0, obs = strcmp(t, "Observation") == 0;
    bool med = strcmp(t, "MedicationStatement") == 0 ||
               strcmp(t, "MedicationAdministration") == 0 || strcmp(t, "MedicationRequest") == 0;
    if (!cond && !obs && !med) {
      warn(&im, r->r, r->name, "%s resources are not imported: left out", t);
      continue;
    }
    if (!about_patient(&im, r)) continue;
    if (cond) read_condition(&im, r);
    else if (obs) read_observation(&im, r);
    else read_medication(&im, r);
  }
  if (arena.failed) {
    rc = -2;
    goto done;
  }
  if (!im.pid)
    bad(&im, root, "Patient", "no Patient resource and no subject reference Patient/ID: the "
        "record's pseudonymous id cannot be set");
  if (diags->errors > errors0) goto done;
  if (!im.has_mm)
    warn(&im, NULL, "Condition", "no multiple myeloma Condition (the diagnosis codes of "
         "kb/fhir.yaml): the record has no diagnosis; this may not be a myeloma patient");
  size_t nl;
  line_out *lines = build_lines(&im, &nl);
  if (nl) {
    assign_progressions(&im, lines, nl);
    warn(&im, NULL, "lines", "%zu line(s) of therapy were grouped from the medication periods "
         "by a heuristic (periods that overlap form one line; docs/fhir.md): a clinician must "
         "check them (maintenance after induction shows as a separate line)", nl);
  } else {
    warn(&im, NULL, "lines", "no myeloma medication in the input: lines left absent (unknown, "
         "not 'none'); a clinician who knows the patient is untreated writes \"lines\": []");
    for (size_t i = 0; i < im.n_progs; i++)
      warn(&im, im.progs[i].at, im.progs[i].where,
           "progression without any line of therapy to attach it to: left out");
  }
  if (arena.failed) {
    rc = -2;
    goto done;
  }
  mm_strbuf rec;
  mm_strbuf_init(&rec, 16u << 20);
  write_record(&im, &rec, lines, nl);
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
      mm_diag_error(diags, im.src, 0, 0, x->path, "internal: the record produced is invalid: %s",
                    x->text);
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
