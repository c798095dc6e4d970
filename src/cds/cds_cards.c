/* cds_cards.c: the cards of a CDS Hooks answer, built from the evaluation
 * tree through the public accessors (include/mmpath.h) and, for its order
 * and refractoriness finding, the tree itself (evaluate/evaluate.h):
 * eligible options (recommended first), label options with a refractoriness
 * caution, options that missing data leaves undecided (with what is missing),
 * indicated supportive care (with the facts that triggered it), trials, and
 * what a FHIR import left out; for a record without a myeloma diagnosis,
 * one card that says so instead. A card's detail is markdown. */
#include <stdio.h>
#include <string.h>

#include "auth/sha256.h"
#include "cds/cds.h"
#include "evaluate/render_common.h"
#include "kb/fact_names.h"

const char *mm_cds_uuid(mm_arena *a, const char *instance, const char *kind) {
  /* A UUID (RFC 4122 layout, version 5-like) from hookInstance and a kind. */
  char *s = mm_arena_printf(a, "%s/%s", instance, kind);
  char hex[65];
  mm_sha256_hex(hex, s, strlen(s));
  hex[12] = '5';
  static const char variant[] = "89ab";
  hex[16] = variant[(hex[16] >= 'a' ? hex[16] - 'a' + 10 : hex[16] - '0') & 3];
  return mm_arena_printf(a, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                         hex + 20);
}

void mm_cds_cardset_init(mm_cds_cardset *cs, mm_strbuf *b, const mm_cds_request *req,
                         const mmpath_evaluation *ev, const mm_cds_links *links,
                         mmpath_lang lang, mm_arena *arena) {
  mmpath_jurisdiction j = mmpath_evaluation_jurisdiction(ev);
  *cs = (mm_cds_cardset){b, arena, req->instance,
                         mm_arena_printf(arena, "mmpath %s, knowledge base %s (%s)",
                                         MMPATH_VERSION,
                                         mmpath_kb_version(mmpath_evaluation_kb(ev)),
                                         j == MMPATH_JURISDICTION_US   ? "US"
                                         : j == MMPATH_JURISDICTION_IT ? "EU + AIFA"
                                                                       : "EU"),
                         links, lang, 0};
}

/* The first absolute URL a kb source names: an https:// address, a DOI
 * (doi.org), a PMID (PubMed). NULL when it names none. */
static const char *source_url(mm_arena *a, const char *text) {
  if (!text) return NULL;
  const char *u = strstr(text, "https://");
  if (!u) u = strstr(text, "http://");
  if (u) {
    size_t n = strcspn(u, " ,;)\"'<>");
    while (n && (u[n - 1] == '.' || u[n - 1] == ':')) n--;
    return mm_arena_strndup(a, u, n);
  }
  const char *d = strstr(text, "doi:");
  if (d) {
    d += 4;
    while (*d == ' ') d++;
    size_t n = strcspn(d, " ,;\"'<>"), open = 0, close = 0;
    for (size_t i = 0; i < n; i++) open += d[i] == '(', close += d[i] == ')';
    while (n && (d[n - 1] == '.' || d[n - 1] == ':' || (d[n - 1] == ')' && close > open)))
      close -= d[--n] == ')';
    if (n) return mm_arena_printf(a, "https://doi.org/%.*s", (int)n, d);
  }
  const char *p = strstr(text, "PMID");
  if (p) {
    p += 4;
    while (*p == ' ' || *p == ':') p++;
    size_t n = strspn(p, "0123456789");
    if (n) return mm_arena_printf(a, "https://pubmed.ncbi.nlm.nih.gov/%.*s/", (int)n, p);
  }
  return NULL;
}

/* s cut to fewer than 140 characters (Unicode code points, as the
 * specification counts), on a character boundary, with an ellipsis. */
static const char *summary_cut(mm_arena *a, const char *s) {
  size_t chars = 0, i = 0, cut = 0;
  for (; s[i]; i++) {
    if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
    if (chars == 138) cut = i;
    chars++;
  }
  if (chars < 140) return s;
  return mm_arena_printf(a, "%.*s…", (int)cut, s);
}

/* detail cut after MM_CDS_DETAIL_LINES lines (and 1,000 bytes), the
 * rest counted in a last line: the whole is one click away. */
static const char *detail_cut(mm_arena *a, const char *d, bool it) {
  size_t lines = 0, keep = 0, total = 0;
  for (const char *p = d; *p; p++)
    if (*p == '\n' || !p[1]) {
      total++;
      if (total <= MM_CDS_DETAIL_LINES && (size_t)(p + 1 - d) <= 1000) keep = (size_t)(p + 1 - d), lines = total;
    }
  if (total <= lines) return d;
  return mm_arena_printf(a, "%.*s%s %zu %s\n", (int)keep, d, it ? "- ... altre" : "- ... and",
                         total - lines,
                         it ? "righe nella valutazione completa" : "more lines in the full evaluation");
}

void mm_cds_card_begin(mm_cds_cardset *cs, const char *kind, const char *indicator,
                       const char *summary, const char *detail, const char *source_text) {
  mm_strbuf *b = cs->b;
  if (cs->n++) mm_strbuf_putc(b, ',');
  mm_strbuf_puts(b, "{\"uuid\":");
  mm_strbuf_json_string(b, mm_cds_uuid(cs->arena, cs->instance, kind));
  mm_strbuf_puts(b, ",\"summary\":");
  mm_strbuf_json_string(b, summary_cut(cs->arena, summary));
  if (detail && *detail) {
    mm_strbuf_puts(b, ",\"detail\":");
    mm_strbuf_json_string(b, detail);
  }
  mm_strbuf_printf(b, ",\"indicator\":\"%s\",\"source\":{\"label\":", indicator);
  mm_strbuf_json_string(b, cs->source_label);
  const char *url = source_url(cs->arena, source_text);
  if (url) {
    mm_strbuf_puts(b, ",\"url\":");
    mm_strbuf_json_string(b, url);
  }
  mm_strbuf_puts(b, ",\"topic\":{\"system\":\"urn:mmpath:cds\",\"code\":");
  mm_strbuf_json_string(b, kind);
  mm_strbuf_puts(b, "}}");
  const mm_cds_links *l = cs->links;
  if (l && (l->evaluation_url || l->smart_url)) {
    mm_strbuf_puts(b, ",\"links\":[");
    if (l->evaluation_url) {
      mm_strbuf_puts(b, cs->lang == MMPATH_LANG_IT
                            ? "{\"label\":\"mmpath: valutazione completa\",\"url\":"
                            : "{\"label\":\"mmpath: full evaluation\",\"url\":");
      mm_strbuf_json_string(b, l->evaluation_url);
      mm_strbuf_puts(b, ",\"type\":\"absolute\"}");
    }
    if (l->smart_url) {
      mm_strbuf_puts(b, l->evaluation_url ? ",{\"label\":\"mmpath (SMART)\",\"url\":"
                                          : "{\"label\":\"mmpath (SMART)\",\"url\":");
      mm_strbuf_json_string(b, l->smart_url);
      mm_strbuf_puts(b, ",\"type\":\"smart\"");
      if (l->app_context) {
        mm_strbuf_puts(b, ",\"appContext\":");
        mm_strbuf_json_string(b, l->app_context);
      }
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, ']');
  }
}

void mm_cds_card_end(mm_cds_cardset *cs) { mm_strbuf_putc(cs->b, '}'); }

/* A whole card, its detail cut short. */
static void card(mm_cds_cardset *cs, const char *kind, const char *indicator, const char *summary,
                 const char *detail, const char *source_text, bool it) {
  mm_cds_card_begin(cs, kind, indicator, summary, detail ? detail_cut(cs->arena, detail, it) : NULL,
                    source_text);
  mm_cds_card_end(cs);
}

/* The options with that verdict (and, for treatment options, in tiers
 * [tier_lo, tier_hi]: the tree's order, docs/kb-options.md) as markdown
 * lines ("- **name** (source): missing `x`, `y`"); *n counts them. A label
 * option the disease is refractory to says so beside it; an undecided
 * trial lists what is not known, an exclusion as one ("prior BCMA therapy:
 * not known ?"). */
static void options_md(mm_strbuf *md, const mmpath_evaluation *ev, bool trials,
                       mmpath_verdict verdict, mm_tier tier_lo, mm_tier tier_hi, size_t *n,
                       bool with_missing, mmpath_lang lang, const char **first_src) {
  size_t count = trials ? mmpath_evaluation_trial_count(ev) : mmpath_evaluation_option_count(ev);
  for (size_t i = 0; i < count; i++) {
    const mmpath_option *o = trials ? mmpath_evaluation_trial(ev, i)
                                    : mmpath_evaluation_option(ev, i);
    if (mmpath_option_verdict(o) != verdict) continue;
    if (!trials && (o->tier < tier_lo || o->tier > tier_hi)) continue;
    (*n)++;
    const char *name = mmpath_option_name(o, lang);
    mm_strbuf_printf(md, "- **%s**", name ? name : mmpath_option_id(o));
    /* the source's short form (before its first comma) on the line; the
     * card's source.url is the first option's */
    const char *src = mmpath_option_source(o);
    if (src && first_src && !*first_src) *first_src = src;
    if (src) mm_strbuf_printf(md, " (%.*s)", (int)strcspn(src, ","), src);
    if (!trials && mm_refractory_caution(o)) {
      mm_strbuf_printf(md, ": %s, ", mm_msg_get(MM_MSG_CAUTION, (mm_lang)lang));
      mm_render_refractoriness(md, mmpath_evaluation_kb(ev), o->refractoriness, (mm_lang)lang);
    }
    char reimb[512]; /* jurisdiction it: the AIFA finding beside the verdict */
    if (mmpath_option_reimbursement_text(reimb, sizeof reimb, o, lang) == MMPATH_OK)
      mm_strbuf_printf(md, "; %s", reimb);
    /* A trial that matches but does not enrol (or may not) says so: the
     * registry's answer stands beside the match, as in every rendering. */
    char note[256];
    if (trials && mmpath_option_note_text(note, sizeof note, o, lang) == MMPATH_OK)
      mm_strbuf_printf(md, "; %s", note);
    if (with_missing) {
      bool first = true;
      for (size_t k = 0; k < mmpath_option_criterion_count(o); k++) {
        const mmpath_criterion *c = mmpath_option_criterion(o, k);
        for (size_t m = 0; m < mmpath_criterion_missing_count(c); m++) {
          mm_strbuf_printf(md, "%s`%s`", first ? ": missing " : ", ", mmpath_criterion_missing(c, m));
          first = false;
        }
      }
    }
    mm_strbuf_putc(md, '\n');
    for (size_t k = 0; trials && verdict == MMPATH_UNKNOWN && k < mmpath_option_criterion_count(o);
         k++) {
      const mmpath_criterion *c = mmpath_option_criterion(o, k);
      if (mmpath_criterion_verdict(c) != MMPATH_UNKNOWN) continue;
      mm_strbuf_printf(md, "  - %s", mmpath_criterion_text(c, lang));
      if (c->exclusion)
        mm_strbuf_printf(md, ": %s", mm_exclusion_word(c->rule_value, (mm_lang)lang));
      mm_strbuf_puts(md, " ?\n");
    }
  }
}

/* What triggered a supportive-care item: "igg = 350 (why); ...", values in
 * the card's language, a lab value with how it was found. */
static void because(mm_strbuf *md, const mmpath_evaluation *ev, const mmpath_supportive *s,
                    mmpath_lang lang) {
  const mm_kb *kb = mmpath_evaluation_kb(ev);
  for (size_t k = 0; k < mmpath_supportive_observed_count(s); k++) {
    const char *fact = mmpath_supportive_observed_fact(s, k);
    if (k) mm_strbuf_puts(md, "; ");
    mm_strbuf_printf(md, "%s = ", fact);
    mm_render_value_text(md, *mmpath_supportive_observed_value(s, k), (mm_lang)lang);
    int slot = mm_kb_fact_slot(kb, fact);
    size_t i;
    const char *why = slot >= 0 && kb->facts[slot].source == MM_FACT_LAB &&
                              mmpath_evaluation_fact_find(&i, ev, fact) == 0
                          ? mmpath_evaluation_fact_reason(ev, i, lang)
                          : NULL;
    if (why) mm_strbuf_printf(md, " (%s)", why);
  }
}

/* The supportive care that rests on a decision not taken yet ("if CAR-T goes
 * ahead"): never among the indicated measures, in a card of its own, each
 * item with its decisions and its window, in the words of messages.h and kb/. */
static void supportive_conditional_card(mm_cds_cardset *cs, const mmpath_evaluation *ev,
                                        mmpath_lang lang, mm_arena *arena) {
  mm_strbuf md;
  mm_strbuf_init(&md, 0);
  size_t n = 0;
  for (size_t i = 0; i < mmpath_evaluation_supportive_count(ev); i++) {
    const mmpath_supportive *s = mmpath_evaluation_supportive(ev, i);
    if (!mmpath_supportive_condition_count(s)) continue;
    n++;
    mm_strbuf_printf(&md, "- **%s** (", mmpath_supportive_id(s));
    for (size_t k = 0; k < mmpath_supportive_condition_count(s); k++) {
      if (k) mm_strbuf_printf(&md, " %s ", mm_msg_get(MM_MSG_OR, (mm_lang)lang));
      mm_strbuf_puts(&md, mmpath_supportive_condition_text(s, k, lang));
    }
    mm_strbuf_printf(&md, "): %s: %s\n", mm_msg_get(MM_MSG_WINDOW, (mm_lang)lang),
                     mmpath_supportive_window(s, lang));
  }
  if (n)
    card(cs, "supportive_conditional", "info",
         mm_arena_printf(arena, "%s: %zu",
                         mm_msg_get(MM_MSG_SUPPORTIVE_CONDITIONAL, (mm_lang)lang), n),
         md.data, NULL, lang == MMPATH_LANG_IT);
  mm_strbuf_free(&md);
}

bool mm_cds_no_diagnosis_card(mm_cds_cardset *cs, const mmpath_evaluation *ev, mmpath_lang lang) {
  /* No myeloma diagnosis: nothing was evaluated (the evaluation is empty);
   * say once that mmpath does not apply, never a list of measures. */
  size_t i_state;
  const char *state = mmpath_evaluation_fact_find(&i_state, ev, "disease_state") == 0
                          ? mmpath_value_string(mmpath_evaluation_fact_value(ev, i_state))
                          : NULL;
  if (!state || strcmp(state, mm_disease_state_values[MM_DS_NO_MYELOMA_DIAGNOSIS]) != 0)
    return false;
  char note[MM_NOTE_MAX];
  mm_note_text((mm_note){.code = MM_NOTE_NO_MYELOMA_DIAGNOSIS}, (mm_lang)lang, note);
  bool it = lang == MMPATH_LANG_IT;
  card(cs, "no-diagnosis", "info",
       it ? "Nessuna diagnosi di mieloma multiplo nella scheda: mmpath non si applica"
          : "No multiple myeloma diagnosis in the record: mmpath does not apply",
       note, NULL, it);
  return true;
}

void mm_cds_fhir_notes_card(mm_cds_cardset *cs, const mm_diags *notes, const char *kind,
                            mmpath_lang lang) {
  /* what the FHIR import left out or inferred: a clinician must check it.
   * Counted as notes, not as items left out: some say how something was
   * read (the lines grouped by the IMWG definition). */
  if (!notes || !notes->warnings) return;
  bool it = lang == MMPATH_LANG_IT;
  mm_strbuf md;
  mm_strbuf_init(&md, 0);
  for (const mm_diag *x = notes->head; x; x = x->next) {
    if (x->level != MM_DIAG_WARNING) continue;
    mm_strbuf_printf(&md, "- %s%s%s\n", x->path ? x->path : "", x->path ? ": " : "",
                     mm_diag_text(x, (mm_lang)lang));
  }
  card(cs, kind, "warning",
       mm_arena_printf(cs->arena,
                       it ? "FHIR: %zu note dell'importazione, da verificare"
                          : "FHIR: %zu import notes to check",
                       notes->warnings),
       md.data, NULL, it);
  mm_strbuf_free(&md);
}

void mm_cds_cards(mm_strbuf *out, const mm_cds_request *req, const mmpath_evaluation *ev,
                  const mm_diags *fhir_notes, mmpath_lang lang, const mm_cds_links *links,
                  mm_arena *arena) {
  bool it = lang == MMPATH_LANG_IT;
  size_t i_setting;
  const char *setting = mmpath_evaluation_fact_find(&i_setting, ev, "setting") == 0
                            ? mmpath_value_string(mmpath_evaluation_fact_value(ev, i_setting))
                            : NULL;
  mm_cds_cardset cs;
  mm_cds_cardset_init(&cs, out, req, ev, links, lang, arena);
  mm_strbuf_puts(out, "{\"cards\":[");
  if (mm_cds_no_diagnosis_card(&cs, ev, lang)) {
    mm_strbuf_puts(out, "]}\n");
    return;
  }
  mm_strbuf md;
  size_t n = 0;
  const char *src = NULL;

  /* eligible: recommended by the guideline first, then on the label */
  mm_strbuf_init(&md, 0);
  options_md(&md, ev, false, MMPATH_MET, MM_TIER_RECOMMENDED, MM_TIER_ALLOWED, &n, false, lang, &src);
  if (n)
    card(&cs, "eligible", "info",
         mm_arena_printf(arena,
                         it ? "%zu opzioni terapeutiche indicate (%s)"
                            : "%zu treatment options the patient is eligible for (%s)",
                         n, mm_setting_label(setting, (mm_lang)lang)),
         md.data, src, it);
  mm_strbuf_free(&md);

  /* eligible on the label, but refractory to a drug of it: a warning apart */
  n = 0;
  src = NULL;
  mm_strbuf_init(&md, 0);
  options_md(&md, ev, false, MMPATH_MET, MM_TIER_CAUTION, MM_TIER_CAUTION, &n, false, lang, &src);
  if (n)
    card(&cs, "refractory-caution", "warning",
         mm_arena_printf(arena,
                         it ? "%zu opzioni in scheda tecnica con farmaci a cui la malattia è refrattaria"
                            : "%zu on-label options with a drug the disease is refractory to",
                         n),
         md.data, src, it);
  mm_strbuf_free(&md);

  n = 0;
  src = NULL;
  mm_strbuf_init(&md, 0);
  options_md(&md, ev, false, MMPATH_UNKNOWN, MM_TIER_UNKNOWN, MM_TIER_UNKNOWN, &n, true, lang, &src);
  if (n)
    card(&cs, "undecided", "warning",
         mm_arena_printf(arena,
                         it ? "%zu opzioni non determinabili: mancano dati"
                            : "%zu options cannot be decided: data missing",
                         n),
         md.data, src, it);
  mm_strbuf_free(&md);

  n = 0;
  mm_strbuf_init(&md, 0);
  for (size_t i = 0; i < mmpath_evaluation_supportive_count(ev); i++) {
    const mmpath_supportive *s = mmpath_evaluation_supportive(ev, i);
    if (mmpath_supportive_verdict(s) != MMPATH_MET) continue;
    n++;
    mm_strbuf_printf(&md, "- **%s**: ", mmpath_supportive_id(s));
    because(&md, ev, s, lang);
    mm_strbuf_putc(&md, '\n');
  }
  if (n)
    card(&cs, "supportive", "warning",
         mm_arena_printf(arena,
                         it ? "Terapia di supporto: %zu misure indicate"
                            : "Supportive care: %zu measures indicated",
                         n),
         md.data, NULL, it);
  mm_strbuf_free(&md);
  supportive_conditional_card(&cs, ev, lang, arena);

  n = 0;
  src = NULL;
  mm_strbuf_init(&md, 0);
  options_md(&md, ev, true, MMPATH_MET, 0, 0, &n, false, lang, &src);
  size_t n_unknown = 0;
  options_md(&md, ev, true, MMPATH_UNKNOWN, 0, 0, &n_unknown, true, lang, &src);
  if (n + n_unknown)
    card(&cs, "trials", "info",
         mm_arena_printf(arena,
                         it ? "Studi clinici: %zu possibili, %zu da verificare"
                            : "Clinical trials: %zu matching, %zu to check",
                         n, n_unknown),
         md.data, src, it);
  mm_strbuf_free(&md);
  mm_cds_fhir_notes_card(&cs, fhir_notes, "fhir-import", lang);
  mm_strbuf_puts(out, "]}\n");
}
