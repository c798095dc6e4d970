/* cds_order.c: order-select and order-sign (cds.h): the MedicationRequests
 * being ordered read as kb drugs by the FHIR importer's rules (src/fhir, so
 * RxNorm, ATC, Italian AIC product names and kb names are recognised as in
 * every import), the kb regimen of exactly those drugs, and the cards that
 * say whether the order fits the patient: refractoriness to a drug of it
 * under the kb's principle (kb/algorithm.yaml), the verdict of the
 * guideline regimens and approved therapies made of those drugs, and the
 * recommended options where it does not fit. */
#include <stdio.h>
#include <string.h>

#include "cds/cds.h"
#include "evaluate/render_common.h"

static const char *str_of(const mm_json *o, const char *k) {
  const mm_json *v = o ? mm_json_get(o, k) : NULL;
  return v && v->type == MM_JSON_STRING ? v->str : NULL;
}

static bool selected(const mm_cds_request *req, const char *ref) {
  if (!req->selections) return true; /* order-sign: every draft order */
  for (size_t i = 0; i < req->selections->len; i++) {
    const mm_json *s = req->selections->items[i];
    if (s->type == MM_JSON_STRING && strcmp(s->str, ref) == 0) return true;
  }
  return false;
}

/* The Medication a MedicationRequest points to: "#id" in its contained
 * resources, else an entry of the draft orders by "Medication/id" or by
 * fullUrl (a urn:uuid). NULL when it is not there. */
static const mm_json *referenced_medication(const mm_json *r, const mm_json *entries,
                                            const char *ref) {
  if (ref[0] == '#') {
    const mm_json *c = mm_json_get(r, "contained");
    for (size_t k = 0; c && c->type == MM_JSON_ARRAY && k < c->len; k++) {
      const char *t = str_of(c->items[k], "resourceType"), *id = str_of(c->items[k], "id");
      if (t && id && strcmp(t, "Medication") == 0 && strcmp(id, ref + 1) == 0) return c->items[k];
    }
    return NULL;
  }
  static const char pre[] = "Medication/";
  for (size_t k = 0; k < entries->len; k++) {
    const mm_json *e = entries->items[k], *m = mm_json_get(e, "resource");
    const char *t = str_of(m, "resourceType"), *id = str_of(m, "id"), *url = str_of(e, "fullUrl");
    if (!t || strcmp(t, "Medication") != 0) continue;
    if ((url && strcmp(url, ref) == 0) ||
        (id && strncmp(ref, pre, sizeof pre - 1) == 0 && strcmp(ref + sizeof pre - 1, id) == 0))
      return m;
  }
  return NULL;
}

/* One draft MedicationRequest (entries->items[i]): its medication, as a
 * concept or through a reference, read as a kb drug by the importer's own
 * rules (mm_fhir_medication_drug). Sets has[] and returns 1 for a kb drug,
 * 0 otherwise; what the importer said goes to out->notes at the order's
 * path. */
static int order_drugs(mm_cds_order *out, const mm_cds_env *env, const mm_json *entries,
                       size_t i, bool *has, mm_arena *arena) {
  const mm_json *r = mm_json_get(entries->items[i], "resource");
  const char *path = mm_arena_printf(arena, "context.draftOrders.entry[%zu].resource", i);
  const mm_json *concept = mm_json_get(r, "medicationCodeableConcept");
  const char *cpath = mm_arena_printf(arena, "%s.medicationCodeableConcept", path);
  if (!concept) {
    const char *ref = str_of(mm_json_get(r, "medicationReference"), "reference");
    const mm_json *med = ref ? referenced_medication(r, entries, ref) : NULL;
    if (!med) {
      mm_diag_addc2(&out->notes, MM_DIAG_WARNING, MM_E_NOT_FOUND, NULL, 0, 0,
                    mm_arena_printf(arena, "%s.medicationReference", path),
                    "the ordered medication is not in the request (no concept, reference '%s' "
                    "not found): this order is not read",
                    "il farmaco prescritto non è nella richiesta (nessun concept, riferimento "
                    "'%s' non trovato): questa prescrizione non è letta",
                    ref ? ref : "(none)");
      return 0;
    }
    concept = mm_json_get(med, "code");
    cpath = mm_arena_printf(arena, "%s.medicationReference(%s).code", path, ref);
  }
  int di = mm_fhir_medication_drug(env->kb, env->fhir, concept, arena, &out->notes, NULL, cpath);
  if (di < 0) return 0;
  has[di] = true;
  return 1;
}

int mm_cds_order_read(mm_cds_order *out, const mm_cds_env *env, const mm_cds_request *req,
                      mm_arena *arena) {
  memset(out, 0, sizeof *out);
  mm_diags_init(&out->notes, arena);
  const mm_json *entries = mm_json_get(req->draft_orders, "entry");
  size_t n = entries && entries->type == MM_JSON_ARRAY ? entries->len : 0;
  const mm_kb *kb = env->kb;
  out->resource_ids = mm_arena_alloc(arena, (n ? n : 1) * sizeof *out->resource_ids);
  out->drugs = mm_arena_alloc(arena, (kb->n_drugs ? kb->n_drugs : 1) * sizeof *out->drugs);
  bool *has = mm_arena_alloc(arena, (kb->n_drugs ? kb->n_drugs : 1) * sizeof *has);
  if (!out->resource_ids || !out->drugs || !has) return MM_CDS_ENOMEM;
  memset(has, 0, kb->n_drugs * sizeof *has);
  if (!env->fhir) return 0;
  /* Every MedicationRequest of the session is the regimen being ordered
   * (order-select: draftOrders holds the session's orders, selections the
   * new ones); an order-select answers only when a selected one is a drug
   * mmpath knows. Each is read alone, so that only those orders are
   * offered for removal. */
  bool any_selected = false;
  for (size_t i = 0; i < n; i++) {
    const mm_json *r = mm_json_get(entries->items[i], "resource");
    const char *type = str_of(r, "resourceType"), *id = str_of(r, "id");
    if (!type || strcmp(type, "MedicationRequest") != 0) continue;
    int got = order_drugs(out, env, entries, i, has, arena);
    if (!got) continue;
    const char *ref = id ? mm_arena_printf(arena, "MedicationRequest/%s", id) : NULL;
    any_selected |= ref && selected(req, ref);
    out->resource_ids[out->n_resources++] = ref;
  }
  if (!any_selected && !(req->kind == MM_CDS_ORDER_SIGN && out->n_resources))
    return 0; /* nothing mmpath knows is being ordered: no cards */
  for (size_t i = 0; i < kb->n_drugs; i++)
    if (has[i]) out->drugs[out->n_drugs++] = (int)i;
  for (size_t i = 0; out->n_drugs && i < kb->n_regimens && !out->regimen; i++) {
    const mm_regimen *rg = &kb->regimens[i];
    size_t same = 0;
    for (size_t k = 0; k < rg->n_drugs; k++) same += has[rg->drugs[k]];
    if (same == rg->n_drugs && rg->n_drugs == out->n_drugs) out->regimen = rg;
  }
  return 0;
}

/* ---- the cards ------------------------------------------------------------ */

static const mm_principle *refractoriness_principle(const mm_kb *kb) {
  for (size_t i = 0; i < kb->n_principles; i++)
    if (kb->principles[i].kind == MM_PRINCIPLE_REFRACTORINESS) return &kb->principles[i];
  return NULL;
}

/* The options of the evaluation made of exactly the ordered drugs: the
 * guideline options of its regimen, the approved therapies whose product
 * and indication partners are those drugs. */
static bool same_drugs(const mm_cds_order *ord, const mm_option_result *o) {
  if (o->opt->kind == MM_OPT_GUIDELINE) return ord->regimen && o->opt->regimen == ord->regimen;
  if (o->opt->kind != MM_OPT_THERAPY) return false;
  size_t n = 0;
  const int *lists[2] = {o->opt->drugs, o->indication ? o->indication->drugs : NULL};
  size_t lens[2] = {o->opt->n_drugs, o->indication ? o->indication->n_drugs : 0};
  for (size_t l = 0; l < 2; l++)
    for (size_t k = 0; k < lens[l]; k++) {
      bool in = false;
      for (size_t m = 0; m < ord->n_drugs; m++) in |= ord->drugs[m] == lists[l][k];
      if (!in) return false;
      n++;
    }
  return n == ord->n_drugs;
}

static const char *order_name(const mm_kb *kb, const mm_cds_order *ord, mm_arena *a,
                              mmpath_lang lang) {
  if (ord->regimen) return ord->regimen->id;
  mm_strbuf s;
  mm_strbuf_init(&s, 1024);
  for (size_t i = 0; i < ord->n_drugs; i++)
    mm_strbuf_printf(&s, "%s%s", i ? " + " : "",
                     mm_text_in(kb->drugs[ord->drugs[i]].name, (mm_lang)lang));
  const char *r = s.data ? mm_arena_strdup(a, s.data) : "?";
  mm_strbuf_free(&s);
  return r;
}

/* Up to three of the patient's recommended options (else on-label ones) as
 * suggestions, and removing the order; *first the first one's name. */
static void suggestions(mm_cds_cardset *cs, const mmpath_evaluation *ev, const mm_cds_order *ord,
                        const char *kind, mmpath_lang lang) {
  bool it = lang == MMPATH_LANG_IT;
  mm_strbuf *b = cs->b;
  mm_strbuf_puts(b, ",\"selectionBehavior\":\"at-most-one\",\"suggestions\":[");
  size_t n = 0;
  for (mm_tier t = MM_TIER_RECOMMENDED; t <= MM_TIER_ALLOWED && n == 0; t++)
    for (size_t i = 0; i < mmpath_evaluation_option_count(ev) && n < 3; i++) {
      const mmpath_option *o = mmpath_evaluation_option(ev, i);
      if (mmpath_option_verdict(o) != MMPATH_MET || o->tier != t || same_drugs(ord, o)) continue;
      const char *name = mmpath_option_name(o, lang);
      mm_strbuf_puts(b, n++ ? ",{\"label\":" : "{\"label\":");
      mm_strbuf_json_string(b, mm_arena_printf(cs->arena, "%s %s (%s)",
                                               it ? "Considerare" : "Consider",
                                               mmpath_option_id(o), name ? name : ""));
      mm_strbuf_puts(b, ",\"uuid\":");
      mm_strbuf_json_string(b, mm_cds_uuid(cs->arena, cs->instance,
                                           mm_arena_printf(cs->arena, "%s/%s", kind,
                                                           mmpath_option_id(o))));
      mm_strbuf_printf(b, ",\"isRecommended\":%s}", t == MM_TIER_RECOMMENDED ? "true" : "false");
    }
  size_t ids = 0;
  for (size_t i = 0; i < ord->n_resources; i++) ids += ord->resource_ids[i] != NULL;
  if (ids) {
    mm_strbuf_puts(b, n ? ",{\"label\":" : "{\"label\":");
    mm_strbuf_json_string(b, it ? "Annullare l'ordine" : "Remove the order");
    mm_strbuf_puts(b, ",\"uuid\":");
    mm_strbuf_json_string(b, mm_cds_uuid(cs->arena, cs->instance,
                                         mm_arena_printf(cs->arena, "%s/remove", kind)));
    mm_strbuf_puts(b, ",\"actions\":[");
    size_t k = 0;
    for (size_t i = 0; i < ord->n_resources; i++) {
      if (!ord->resource_ids[i]) continue;
      mm_strbuf_puts(b, k++ ? ",{\"type\":\"delete\",\"description\":"
                            : "{\"type\":\"delete\",\"description\":");
      mm_strbuf_json_string(b, it ? "Annullare questa prescrizione" : "Remove this order");
      mm_strbuf_puts(b, ",\"resourceId\":");
      mm_strbuf_json_string(b, ord->resource_ids[i]);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "]}");
  }
  mm_strbuf_putc(b, ']');
}

/* Refractoriness to the ordered drugs under the kb's principle: the card
 * (critical when refractory, warning when not known), nothing when not
 * refractory to any. Returns the finding. */
static mm_tv refractory_card(mm_cds_cardset *cs, const mmpath_evaluation *ev,
                             const mm_cds_order *ord, const char *what, mmpath_lang lang) {
  const mm_kb *kb = mmpath_evaluation_kb(ev);
  const mm_principle *p = refractoriness_principle(kb);
  bool it = lang == MMPATH_LANG_IT;
  size_t cap = 0; /* one check per drug and per class of it: always enough */
  for (size_t i = 0; i < ord->n_drugs; i++) cap += 1 + kb->drugs[ord->drugs[i]].n_classes;
  mm_refractory_check *ch = mm_arena_alloc(cs->arena, (cap ? cap : 1) * sizeof *ch);
  size_t n = ch ? mm_kb_refractory_checks(kb, p, ord->drugs, ord->n_drugs, ch, cap) : 0;
  mm_strbuf md, names;
  mm_strbuf_init(&md, 0);
  mm_strbuf_init(&names, 0);
  mm_tv worst = MM_FALSE;
  for (int pass = 0; pass < 2; pass++) /* refractory first, then not known */
    for (size_t i = 0; i < n; i++) {
      const char *fact = kb->facts[ch[i].slot].name;
      size_t fi;
      if (mmpath_evaluation_fact_find(&fi, ev, fact) != 0) continue;
      const mmpath_value *v = mmpath_evaluation_fact_value(ev, fi);
      bool known = mmpath_value_known(v), yes = known && mmpath_value_bool(v);
      if (pass == 0 ? !yes : known) continue;
      worst = pass == 0 ? MM_TRUE : worst == MM_TRUE ? MM_TRUE : MM_UNKNOWN;
      const char *drug = mm_text_in(kb->drugs[ch[i].drug].name, (mm_lang)lang);
      const char *label = ch[i].cls >= 0 ? mm_text_in(kb->classes[ch[i].cls].cross_label, (mm_lang)lang) : NULL;
      if (pass == 0) mm_strbuf_printf(&names, "%s%s", names.len ? ", " : "", drug);
      mm_strbuf_printf(&md, "- **%s**%s%s%s: %s", drug, label ? " (" : "", label ? label : "",
                       label ? ")" : "",
                       pass == 0 ? (it ? "refrattario" : "refractory")
                                 : (it ? "non noto se refrattario" : "not known whether refractory"));
      const char *why = mmpath_evaluation_fact_reason(ev, fi, lang);
      if (why) mm_strbuf_printf(&md, " (%s)", why);
      for (size_t k = 0; pass == 1 && k < mmpath_evaluation_fact_missing_count(ev, fi); k++)
        mm_strbuf_printf(&md, "%s`%s`", k ? ", " : (it ? "; manca " : "; missing "),
                         mmpath_evaluation_fact_missing(ev, fi, k));
      mm_strbuf_putc(&md, '\n');
    }
  if (worst != MM_FALSE && p) {
    mm_strbuf_printf(&md, "\n%s\n", mm_text_in(p->text, (mm_lang)lang));
    const char *sum =
        worst == MM_TRUE
            ? mm_arena_printf(cs->arena,
                              it ? "Malattia refrattaria a %s: l'ordine %s vi si basa"
                                 : "Disease refractory to %s: the ordered %s relies on it",
                              names.data, what)
            : mm_arena_printf(cs->arena,
                              it ? "%s: non noto se la malattia è refrattaria ai suoi farmaci"
                                 : "%s: not known whether the disease is refractory to its drugs",
                              what);
    mm_cds_card_begin(cs, "order-refractory", worst == MM_TRUE ? "critical" : "warning", sum,
                      md.data, p->prov.n_sources ? p->prov.sources[0] : NULL);
    if (worst == MM_TRUE) suggestions(cs, ev, ord, "order-refractory", lang);
    mm_cds_card_end(cs);
  }
  mm_strbuf_free(&md);
  mm_strbuf_free(&names);
  return worst;
}

/* The verdict of the options made of the ordered drugs, the best first. */
static void regimen_card(mm_cds_cardset *cs, const mmpath_evaluation *ev, const mm_cds_order *ord,
                         const char *what, mm_tv refractory, mmpath_lang lang) {
  bool it = lang == MMPATH_LANG_IT;
  const mmpath_option *best = NULL;
  for (size_t i = 0; i < mmpath_evaluation_option_count(ev); i++) {
    const mmpath_option *o = mmpath_evaluation_option(ev, i);
    if (same_drugs(ord, o) && (!best || o->tier < best->tier)) best = o;
  }
  mm_strbuf md;
  mm_strbuf_init(&md, 0);
  const char *sum, *indicator = "warning", *src = NULL;
  if (!best) {
    sum = mm_arena_printf(cs->arena,
                          it ? "%s: nessun regime delle linee guida né indicazione approvata con questi farmaci nella base di conoscenza"
                             : "%s: no guideline regimen or approved indication of these drugs in the knowledge base",
                          what);
    mm_strbuf_puts(&md, it ? "mmpath non può dire se l'ordine è appropriato: verificare.\n"
                           : "mmpath cannot say whether the order fits: check it.\n");
  } else {
    mmpath_verdict v = mmpath_option_verdict(best);
    const char *name = mmpath_option_name(best, lang);
    src = mmpath_option_source(best);
    const char *kindw = mm_option_kind_label(best->opt, (mm_lang)lang);
    sum = mm_arena_printf(cs->arena, "%s (%s): %s", mmpath_option_id(best), kindw,
                          mm_tier_heading(best->tier, (mm_lang)lang));
    if (v == MMPATH_MET && refractory == MM_FALSE) indicator = "info";
    mm_strbuf_printf(&md, "**%s** (%s)\n", name ? name : mmpath_option_id(best), kindw);
    if (v == MMPATH_MET)
      mm_strbuf_printf(&md, it ? "- tutti i %zu criteri soddisfatti\n" : "- all %zu criteria met\n",
                       mmpath_option_criterion_count(best));
    for (size_t k = 0; v != MMPATH_MET && k < mmpath_option_criterion_count(best); k++) {
      const mmpath_criterion *c = mmpath_option_criterion(best, k);
      mmpath_verdict cv = mmpath_criterion_verdict(c);
      if (cv == MMPATH_MET) continue; /* what decides it */
      mm_strbuf_printf(&md, "- %s: %s", mmpath_criterion_text(c, lang),
                       cv == MMPATH_MET ? (it ? "sì" : "yes")
                       : cv == MMPATH_UNKNOWN ? (it ? "non noto" : "not known")
                                              : (it ? "no" : "no"));
      for (size_t m = 0; m < mmpath_criterion_missing_count(c); m++)
        mm_strbuf_printf(&md, "%s`%s`", m ? ", " : (it ? " (manca " : " (missing "),
                         mmpath_criterion_missing(c, m));
      if (mmpath_criterion_missing_count(c)) mm_strbuf_putc(&md, ')');
      mm_strbuf_putc(&md, '\n');
    }
    /* the other options of the same drugs, one line each */
    for (size_t i = 0; i < mmpath_evaluation_option_count(ev); i++) {
      const mmpath_option *o = mmpath_evaluation_option(ev, i);
      if (o == best || !same_drugs(ord, o) || o->opt->repeats) continue;
      const char *set = o->opt->kind == MM_OPT_GUIDELINE && o->opt->setting
                            ? mm_setting_label(o->opt->setting, (mm_lang)lang) : NULL;
      mm_strbuf_printf(&md, "- %s %s (%s%s%s): %s\n", it ? "anche" : "also", mmpath_option_id(o),
                       mm_option_kind_label(o->opt, (mm_lang)lang), set ? ", " : "",
                       set ? set : "", mm_tier_heading(o->tier, (mm_lang)lang));
    }
  }
  mm_cds_card_begin(cs, "order-regimen", indicator, sum, md.data, src);
  if (strcmp(indicator, "info") != 0 && refractory != MM_TRUE)
    suggestions(cs, ev, ord, "order-regimen", lang);
  mm_cds_card_end(cs);
  mm_strbuf_free(&md);
}

void mm_cds_order_cards(mm_strbuf *out, const mm_cds_request *req, const mmpath_evaluation *ev,
                        const mm_cds_order *order, const mm_diags *fhir_notes, mmpath_lang lang,
                        const mm_cds_links *links, mm_arena *arena) {
  mm_cds_cardset cs;
  mm_cds_cardset_init(&cs, out, req, ev, links, lang, arena);
  mm_strbuf_puts(out, "{\"cards\":[");
  /* nothing mmpath knows is being ordered: no cards at all */
  if (order->n_drugs && !mm_cds_no_diagnosis_card(&cs, ev, lang)) {
    const char *what = order_name(mmpath_evaluation_kb(ev), order, arena, lang);
    mm_tv refractory = refractory_card(&cs, ev, order, what, lang);
    regimen_card(&cs, ev, order, what, refractory, lang);
    mm_cds_fhir_notes_card(&cs, &order->notes, "order-not-read", lang);
    mm_cds_fhir_notes_card(&cs, fhir_notes, "fhir-import", lang);
  }
  mm_strbuf_puts(out, "]}\n");
}
