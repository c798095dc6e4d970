/* api_kb.c: the knowledge base as JSON, read-only (GET /api/v1/kb and
 * /api/v1/kb/{drugs,regimens,therapies,guidelines,trials,comorbidities,labs}):
 * what the web page lists (its pickers store these codes and show these
 * names) and what a reviewer checks, with each entry's sources. */
#include <string.h>

#include "server/api.h"

static void str(mm_strbuf *b, const char *key, const char *v) {
  mm_strbuf_printf(b, ",\"%s\":", key);
  mm_strbuf_json_string(b, v);
}

static void text(mm_strbuf *b, const char *key, mm_text t, const char *lang) {
  str(b, key, mm_text_get(t, lang));
}

static void strs(mm_strbuf *b, const char *key, const char **v, size_t n) {
  mm_strbuf_printf(b, ",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, v[i]);
  }
  mm_strbuf_putc(b, ']');
}

static void date(mm_strbuf *b, const char *key, mm_date d) {
  mm_strbuf_printf(b, ",\"%s\":", key);
  if (d == MM_DATE_NONE) {
    mm_strbuf_puts(b, "null");
    return;
  }
  char buf[11];
  mm_date_format(d, buf);
  mm_strbuf_json_string(b, buf);
}

static void prov(mm_strbuf *b, const mm_provenance *p) {
  static const char *const ver[] = {"verified", "secondary", "unverified"};
  strs(b, "sources", p->sources, p->n_sources);
  date(b, "updated", p->updated);
  date(b, "reviewed", p->reviewed);
  str(b, "verification", ver[p->verification <= MM_UNVERIFIED ? p->verification : 2]);
}

static void drug_ids(mm_strbuf *b, const mm_kb *kb, const char *key, const int *ix, size_t n) {
  mm_strbuf_printf(b, ",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, ix[i] >= 0 && (size_t)ix[i] < kb->n_drugs ? kb->drugs[ix[i]].id
                                                                          : NULL);
  }
  mm_strbuf_putc(b, ']');
}

static void criteria(mm_strbuf *b, const char *key, const mm_criterion *c, size_t n,
                     const char *lang) {
  mm_strbuf_printf(b, ",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, c[i].id);
    text(b, "text", c[i].text, lang);
    if (c[i].has_review) text(b, "review", c[i].review, lang);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
}

static void evidence(mm_strbuf *b, const mm_option *o, const char *lang) {
  mm_strbuf_puts(b, ",\"evidence\":[");
  for (size_t i = 0; i < o->n_evidence; i++) {
    const mm_evidence *e = &o->evidence[i];
    mm_strbuf_puts(b, i ? ",{\"trial\":" : "{\"trial\":");
    mm_strbuf_json_string(b, e->trial);
    str(b, "ref", e->ref);
    str(b, "n", e->n);
    str(b, "orr", e->orr);
    str(b, "mpfs", e->mpfs);
    str(b, "mdor", e->mdor);
    text(b, "note", e->note, lang);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
}

static void drugs(mm_strbuf *b, const mm_kb *kb, const char *lang) {
  mm_strbuf_puts(b, "{\"drugs\":[");
  for (size_t i = 0; i < kb->n_drugs; i++) {
    const mm_drug *d = &kb->drugs[i];
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, d->id);
    text(b, "name", d->name, lang);
    mm_strbuf_puts(b, ",\"classes\":[");
    for (size_t k = 0; k < d->n_classes; k++) {
      if (k) mm_strbuf_putc(b, ',');
      int ci = d->classes[k];
      mm_strbuf_json_string(b, ci >= 0 && (size_t)ci < kb->n_classes ? kb->classes[ci].id
                                                                      : NULL);
    }
    mm_strbuf_putc(b, ']');
    text(b, "target", d->target, lang);
    str(b, "atc", d->atc);
    strs(b, "brands", d->brands, d->n_brands);
    strs(b, "synonyms", d->synonyms, d->n_synonyms);
    prov(b, &d->prov);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "],\"classes\":[");
  for (size_t i = 0; i < kb->n_classes; i++) {
    const mm_class *c = &kb->classes[i];
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, c->id);
    text(b, "name", c->name, lang);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

static void regimens(mm_strbuf *b, const mm_kb *kb, const char *lang) {
  mm_strbuf_puts(b, "{\"regimens\":[");
  for (size_t i = 0; i < kb->n_regimens; i++) {
    const mm_regimen *r = &kb->regimens[i];
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, r->id);
    text(b, "name", r->name, lang);
    strs(b, "variants", r->variants, r->n_variants);
    drug_ids(b, kb, "drugs", r->drugs, r->n_drugs);
    prov(b, &r->prov);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

static void options(mm_strbuf *b, const mm_kb *kb, mm_option_kind kind, const char *key,
                    const char *lang) {
  mm_strbuf_printf(b, "{\"%s\":[", key);
  bool first = true;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    if (o->kind != kind) continue;
    mm_strbuf_puts(b, first ? "{\"id\":" : ",{\"id\":");
    first = false;
    mm_strbuf_json_string(b, o->id);
    text(b, "name", o->name, lang);
    str(b, "group", o->group);
    if (kind == MM_OPT_GUIDELINE) {
      str(b, "setting", o->setting);
      str(b, "rule", o->rule_tag);
      text(b, "setting_text", o->setting_text, lang);
      str(b, "regimen", o->regimen ? o->regimen->id : NULL);
      text(b, "note", o->note, lang);
      criteria(b, "criteria", o->criteria, o->n_criteria, lang);
    } else if (kind == MM_OPT_THERAPY) {
      drug_ids(b, kb, "drugs", o->drugs, o->n_drugs);
      mm_strbuf_puts(b, ",\"indications\":[");
      for (size_t k = 0; k < o->n_indications; k++) {
        const mm_indication *ind = &o->indications[k];
        mm_strbuf_puts(b, k ? ",{\"id\":" : "{\"id\":");
        mm_strbuf_json_string(b, ind->id);
        str(b, "jurisdiction", ind->jurisdiction == MM_JURIS_US ? "us" : "eu");
        text(b, "regimen", ind->regimen, lang);
        date(b, "approved", ind->approved);
        str(b, "label", ind->label);
        criteria(b, "criteria", ind->criteria, ind->n_criteria, lang);
        prov(b, &ind->prov);
        mm_strbuf_putc(b, '}');
      }
      mm_strbuf_putc(b, ']');
    } else {
      str(b, "phase", o->phase);
      str(b, "status", o->status);
      date(b, "status_date", o->status_date);
      text(b, "title", o->title, lang);
      text(b, "population", o->population, lang);
      mm_strbuf_puts(b, ",\"arms\":[");
      for (size_t k = 0; k < o->n_arms; k++) {
        if (k) mm_strbuf_putc(b, ',');
        mm_strbuf_json_string(b, mm_text_get(o->arms[k], lang));
      }
      mm_strbuf_putc(b, ']');
      criteria(b, "inclusion", o->criteria, o->n_criteria, lang);
      criteria(b, "exclusion", o->exclusion, o->n_exclusion, lang);
    }
    evidence(b, o, lang);
    prov(b, &o->prov);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

/* The comorbidity codes a record may list, with their names. */
static void comorbidities(mm_strbuf *b, const mm_kb *kb, const char *lang) {
  mm_strbuf_puts(b, "{\"comorbidities\":[");
  for (size_t i = 0; i < kb->n_comorbidities; i++) {
    const mm_comorbidity *x = &kb->comorbidities[i];
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, x->id);
    text(b, "name", x->name, lang);
    mm_strbuf_printf(b, ",\"transplant_disqualifying\":%s",
                     x->transplant_disqualifying ? "true" : "false");
    prov(b, &x->prov);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

/* The lab tests a record may carry: canonical unit first, then every unit
 * accepted (a form offers exactly these), or the values of a categorical
 * test. */
static void lab_tests(mm_strbuf *b, const mm_kb *kb, const char *lang) {
  mm_strbuf_puts(b, "{\"labs\":[");
  for (size_t i = 0; i < kb->n_labs; i++) {
    const mm_lab *x = &kb->labs[i];
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, x->id);
    text(b, "name", x->name, lang);
    str(b, "unit", x->unit);
    mm_strbuf_puts(b, ",\"units\":[");
    for (size_t k = 0; k < x->n_units; k++) {
      if (k) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, x->units[k].unit);
    }
    mm_strbuf_putc(b, ']');
    strs(b, "values", x->values, x->values ? x->n_values : 0);
    prov(b, &x->prov);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

static bool have_kb(mm_call *c) {
  if (c->api->kb) return true;
  mm_problem(c->out, 503, "kb-unavailable", "Knowledge base not loaded",
             "the server runs without a knowledge base", NULL, 0);
  return false;
}

void mm_ep_kb(mm_call *c) {
  if (!have_kb(c)) return;
  const mm_kb *kb = c->api->kb;
  size_t n[3] = {0, 0, 0};
  for (size_t i = 0; i < kb->n_options; i++)
    if (kb->options[i].kind <= MM_OPT_TRIAL) n[kb->options[i].kind]++;
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"version\":");
  mm_strbuf_json_string(b, kb->version);
  str(b, "schema_version", kb->schema_version);
  date(b, "released", kb->released);
  date(b, "reviewed", kb->reviewed);
  mm_strbuf_printf(b,
                   ",\"counts\":{\"drugs\":%zu,\"classes\":%zu,\"regimens\":%zu,"
                   "\"guidelines\":%zu,\"therapies\":%zu,\"trials\":%zu}",
                   kb->n_drugs, kb->n_classes, kb->n_regimens, n[0], n[1], n[2]);
  mm_strbuf_puts(b, ",\"links\":{\"drugs\":\"/api/v1/kb/drugs\",\"regimens\":"
                    "\"/api/v1/kb/regimens\",\"guidelines\":\"/api/v1/kb/guidelines\","
                    "\"therapies\":\"/api/v1/kb/therapies\",\"trials\":\"/api/v1/kb/trials\","
                    "\"comorbidities\":\"/api/v1/kb/comorbidities\",\"labs\":\"/api/v1/kb/labs\"}}\n");
  mm_api_json_ok(c, 200);
}

void mm_ep_kb_section(mm_call *c) {
  static const char *const sections[] = {"drugs",  "regimens",      "guidelines", "therapies",
                                         "trials", "comorbidities", "labs"};
  int which = -1;
  for (int i = 0; i < 7; i++)
    if (strcmp(c->arg, sections[i]) == 0) which = i;
  if (which < 0) {
    mm_problem1(c->out, 404, "not-found", "Not found", "path",
                mm_arena_printf(c->req->arena,
                                "no kb section '%s': use drugs, regimens, guidelines, "
                                "therapies, trials, comorbidities or labs",
                                c->arg));
    return;
  }
  const char *lang = mm_api_lang(c);
  if (!lang || !have_kb(c)) return;
  const mm_kb *kb = c->api->kb;
  mm_strbuf *b = &c->out->body;
  switch (which) {
  case 0: drugs(b, kb, lang); break;
  case 1: regimens(b, kb, lang); break;
  case 2: options(b, kb, MM_OPT_GUIDELINE, "guidelines", lang); break;
  case 3: options(b, kb, MM_OPT_THERAPY, "therapies", lang); break;
  case 4: options(b, kb, MM_OPT_TRIAL, "trials", lang); break;
  case 5: comorbidities(b, kb, lang); break;
  default: lab_tests(b, kb, lang); break;
  }
  mm_api_json_ok(c, 200);
}
