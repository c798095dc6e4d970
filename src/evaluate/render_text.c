/* render_text.c: the evaluation for a terminal: the setting and key facts,
 * then the options grouped eligible / unknown (with what is missing) / not
 * eligible (with the failing criterion), each with its source. */
#include <string.h>

#include "evaluate/reimbursement.h"
#include "evaluate/render_common.h"
#include "kb/fact_names.h"

static void fact_line(mm_strbuf *b, const mm_facts *f, int slot, mm_lang lang) {
  const mm_fact_info *info = f->info ? &f->info[slot] : NULL;
  mm_strbuf_printf(b, "  %-30s ", f->kb->facts[slot].name);
  mm_render_fact_value_text(b, f, slot, lang);
  const char *unit = f->kb->facts[slot].unit;
  if (unit && f->values[slot].known)
    mm_strbuf_printf(b, " %s", mm_fact_unit_label(unit, f->values[slot].num, lang));
  if (info && info->derived) mm_strbuf_printf(b, " (%s)", mm_msg_get(MM_MSG_DERIVED, lang));
  if (mm_fact_why(info, lang)) mm_strbuf_printf(b, "  [%s]", mm_fact_why(info, lang));
  if (info && !f->values[slot].known && info->n_missing) {
    mm_strbuf_printf(b, "  %s:", mm_msg_get(MM_MSG_MISSING, lang));
    for (size_t k = 0; k < info->n_missing; k++) mm_strbuf_printf(b, " %s", info->missing[k]);
  }
  mm_strbuf_putc(b, '\n');
}

void mm_render_facts_text(mm_strbuf *b, const mm_facts *f, mm_lang lang) {
  const mm_kb *kb = f->kb;
  mm_strbuf_printf(b, "%s\n", mm_msg_get(MM_MSG_FACTS, lang));
  for (int s = 0; s < MM_F_COUNT; s++)
    if (kb->facts[s].source != MM_FACT_EVALUATION) fact_line(b, f, s, lang);
  for (size_t i = 0; i < kb->n_composites; i++) fact_line(b, f, kb->composites[i].slot, lang);
  /* Drugs and classes: only what is not plainly "no". */
  for (size_t i = MM_F_COUNT; i < kb->n_facts; i++) {
    const mm_fact_def *def = &kb->facts[i];
    if (def->source != MM_FACT_DRUG && def->source != MM_FACT_CLASS && def->source != MM_FACT_LAB)
      continue;
    mm_value v = f->values[i];
    if (def->source == MM_FACT_LAB ? !v.known : (v.known && (v.type != MM_TYPE_BOOL || !v.b)))
      continue;
    if (!v.known && def->source != MM_FACT_LAB && strstr(def->name, "_current")) continue;
    fact_line(b, f, (int)i, lang);
  }
}

static void criterion_line(mm_strbuf *b, const mm_evaluation *ev, const mm_criterion_result *c,
                           mm_lang lang) {
  const char *mark = c->result == MM_TRUE ? "[x]" : c->result == MM_FALSE ? "[ ]" : "[?]";
  /* An exclusion reads as one: "exclusion: prior BCMA therapy: absent [x]",
   * the mark after what the record says, never beside the exclusion's own
   * text alone. */
  if (c->exclusion)
    mm_strbuf_printf(b, "      %s: %s: %s %s", mm_msg_get(MM_MSG_EXCLUSION, lang),
                     mm_text_in(c->crit->text, lang), mm_exclusion_word(c->rule_value, lang), mark);
  else {
    mm_strbuf_printf(b, "      %s ", mark);
    mm_render_criterion_text(b, c, lang);
  }
  if (c->trace && c->trace->n_used) {
    mm_strbuf_puts(b, " (");
    for (size_t i = 0; i < c->trace->n_used && i < 4; i++) {
      int slot = c->trace->used[i];
      mm_strbuf_printf(b, "%s%s = ", i ? ", " : "", ev->kb->facts[slot].name);
      mm_render_fact_value_text(b, ev->facts, slot, lang);
    }
    mm_strbuf_puts(b, c->trace->n_used > 4 ? ", ...)" : ")");
  }
  if (c->n_missing) {
    mm_strbuf_printf(b, "; %s:", mm_msg_get(MM_MSG_MISSING, lang));
    for (size_t k = 0; k < c->n_missing; k++) mm_strbuf_printf(b, " %s", c->missing[k]);
  }
  if (c->crit->has_review)
    mm_strbuf_printf(b, " [%s: %s]", mm_msg_get(MM_MSG_REVIEW, lang),
                     mm_text_in(c->crit->review, lang));
  else if (c->unverified && c->result == MM_UNKNOWN && c->rule_value != MM_UNKNOWN)
    mm_strbuf_printf(b, " [%s]", mm_msg_get(MM_MSG_UNVERIFIED_ENTRY, lang));
  mm_strbuf_putc(b, '\n');
}

static void option_block(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                         mm_lang lang) {
  const mm_option *o = r->opt;
  mm_strbuf_printf(b, "  %s  %s  [%s%s%s]\n", o->id, mm_text_in(o->name, lang),
                   mm_option_kind_label(o, lang),
                   o->rule_tag ? " " : "", o->rule_tag ? o->rule_tag : "");
  if (r->indication)
    mm_strbuf_printf(b, "    %s: %s, %s\n", mm_msg_get(MM_MSG_INDICATION, lang),
                     mm_jurisdiction_label(r->indication->jurisdiction, lang),
                     mm_text_in(r->indication->regimen, lang));
  mm_render_reimbursement_text(b, r, lang);
  char note[MM_NOTE_MAX];
  if (mm_note_text(r->note, lang, note))
    mm_strbuf_printf(b, "    %s: %s\n", mm_msg_get(MM_MSG_NOTE, lang), note);
  /* The label's words, which the note weighs. */
  if (r->note.code == MM_NOTE_NOT_RELAPSED && r->indication && r->indication->label)
    mm_strbuf_printf(b, "    %s: %s\n", mm_msg_get(MM_MSG_LABEL_TEXT, lang), r->indication->label);
  for (size_t i = 0; i < r->n_criteria; i++) {
    const mm_criterion_result *c = &r->criteria[i];
    /* Eligible options list their criteria briefly; others show what decides. */
    if (r->implicit_setting && i == 0) {
      if (c->result != MM_TRUE)
        mm_strbuf_printf(b, "      [%s] %s: %s\n", c->result == MM_FALSE ? " " : "?",
                         mm_msg_get(MM_MSG_SETTING, lang), mm_setting_label(r->opt->setting, lang));
      continue;
    }
    /* What every regimen of the setting requires: shown, like the setting,
     * only when it is not met. */
    if (r->implicit_setting && i <= r->opt->n_setting_criteria) {
      if (c->result != MM_TRUE) criterion_line(b, ev, c, lang);
      continue;
    }
    if (r->status == MM_TRUE || c->result != MM_TRUE || c->crit->has_review)
      criterion_line(b, ev, c, lang);
  }
  if (mm_refractory_caution(r)) {
    mm_strbuf_printf(b, "    %s: ", mm_msg_get(MM_MSG_CAUTION, lang));
    mm_render_refractoriness(b, ev->kb, r->refractoriness, lang);
    mm_strbuf_putc(b, '\n');
  }
  if (o->kind == MM_OPT_GUIDELINE && o->note.en)
    mm_strbuf_printf(b, "    %s: %s\n", mm_msg_get(MM_MSG_NOTE, lang), mm_text_in(o->note, lang));
  const mm_provenance *p = r->indication ? &r->indication->prov : &o->prov;
  mm_strbuf_printf(b, "    %s: ", mm_msg_get(MM_MSG_SOURCE, lang));
  mm_render_source(b, p);
  if (p->verification != MM_VERIFIED) {
    mm_msg why = p->verification == MM_SECONDARY ? MM_MSG_SECONDARY_SOURCE : MM_MSG_REVIEW;
    mm_strbuf_printf(b, " [%s]", mm_msg_get(why, lang));
  }
  mm_strbuf_putc(b, '\n');
  mm_render_reimbursement_text_source(b, r, lang);
  for (size_t i = 0; i < o->n_evidence && i < 2; i++) {
    const mm_evidence *e = &o->evidence[i];
    mm_strbuf_printf(b, "    %s: %s, %s", mm_msg_get(MM_MSG_EVIDENCE, lang), e->trial, e->ref);
    if (e->n) mm_strbuf_printf(b, ", n=%s", e->n);
    if (e->orr) mm_strbuf_printf(b, ", ORR %s", e->orr);
    if (e->mpfs) mm_strbuf_printf(b, ", mPFS %s", e->mpfs);
    if (e->mdor) mm_strbuf_printf(b, ", mDOR %s", e->mdor);
    mm_strbuf_putc(b, '\n');
  }
  for (size_t i = 0; i < o->n_deck; i++)
    mm_strbuf_printf(b, "    %s: %s -> %s: %s\n", mm_msg_get(MM_MSG_DECK_SAYS, lang),
                     mm_text_in(o->deck[i].says, lang), mm_msg_get(MM_MSG_NOW, lang),
                     mm_text_in(o->deck[i].now, lang));
}

/* A trial's match in words (English keeps the JSON's codes, as it always did). */
static const char *match_word(mm_tv t, mm_lang lang) {
  return mm_msg_get(t == MM_TRUE    ? MM_MSG_MATCH_ELIGIBLE
                    : t == MM_FALSE ? MM_MSG_MATCH_NOT_ELIGIBLE
                                    : MM_MSG_MATCH_UNKNOWN,
                    lang);
}

/* The options are in tier order (evaluate.c): one heading per tier. */
static void groups(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  for (size_t i = 0; i < ev->n_options;) {
    mm_tier t = ev->options[i].tier;
    size_t end = i;
    while (end < ev->n_options && ev->options[end].tier == t) end++;
    mm_strbuf_printf(b, "\n%s (%zu)\n", mm_tier_heading(t, lang), end - i);
    for (; i < end; i++) option_block(b, ev, &ev->options[i], lang);
  }
}

/* Supportive care, by phase: [x] indicated, [if] conditional on a decision
 * not taken yet (its words first), [?] unknown; each with its window and
 * what is missing. */
static void supportive_text(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  bool any = false;
  int phase = -1;
  for (size_t i = 0; i < ev->n_supportive; i++) {
    const mm_supportive_result *s = &ev->supportive[i];
    if (s->result == MM_FALSE) continue;
    if (!any) mm_strbuf_printf(b, "\n%s\n", mm_msg_get(MM_MSG_SUPPORTIVE, lang));
    any = true;
    if ((int)s->item->phase != phase) {
      phase = (int)s->item->phase;
      mm_strbuf_printf(b, " %s:\n", mm_supportive_phase_label(s->item->phase, lang));
    }
    const char *mark = s->conditional ? "[if]" : s->result == MM_TRUE ? "[x]" : "[?]";
    mm_strbuf_printf(b, "  %s %s: ", mark, s->item->id);
    if (s->conditional) {
      mm_render_supportive_conditions(b, s, lang);
      mm_strbuf_puts(b, ": ");
    }
    mm_strbuf_printf(b, "%s\n      %s: %s\n", mm_text_in(s->item->text, lang),
                     mm_msg_get(MM_MSG_WINDOW, lang), mm_text_in(s->item->window.text, lang));
    if (s->n_missing) {
      mm_strbuf_printf(b, "      %s:", mm_msg_get(MM_MSG_MISSING, lang));
      for (size_t k = 0; k < s->n_missing; k++) mm_strbuf_printf(b, " %s", s->missing[k]);
      mm_strbuf_putc(b, '\n');
    }
  }
}

static void warnings_text(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  bool any = false;
  for (const mm_diag *x = ev->warnings ? ev->warnings->head : NULL; x; x = x->next) {
    if (x->level != MM_DIAG_WARNING) continue;
    if (!any) mm_strbuf_printf(b, "\n%s\n", mm_msg_get(MM_MSG_WARNINGS, lang));
    any = true;
    mm_strbuf_printf(b, "  - %s\n", mm_facts_warning_text(ev->facts, x, lang));
  }
}

void mm_render_evaluation_text(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  const mm_facts *f = ev->facts;
  char d[11];
  mm_date_format(ev->patient->as_of, d);
  mm_strbuf_printf(b, "%s: %s %s, %s %s (%s %s, %s %s)\n", mm_msg_get(MM_MSG_TITLE, lang),
                   mm_msg_get(MM_MSG_PATIENT, lang), ev->patient->id,
                   mm_msg_get(MM_MSG_AS_OF, lang), d, mm_msg_get(MM_MSG_KB, lang), ev->kb->version,
                   mm_msg_get(MM_MSG_JURISDICTION, lang),
                   mm_jurisdiction_label(ev->opts.jurisdiction, lang));
  char note[MM_NOTE_MAX];
  if (mm_note_text(ev->note, lang, note)) {
    /* Nothing was evaluated: say so once, and why. */
    mm_strbuf_printf(b, "\n%s\n", note);
    warnings_text(b, ev, lang);
    return;
  }
  mm_value s = f->values[MM_F_SETTING];
  mm_strbuf_printf(b, "%s: %s", mm_msg_get(MM_MSG_SETTING, lang),
                   mm_setting_label(s.known ? s.str : NULL, lang));
  const char *why = f->info ? mm_fact_why(&f->info[MM_F_SETTING], lang) : NULL;
  if (why) mm_strbuf_printf(b, " (%s)", why);
  mm_value ds = f->values[MM_F_DISEASE_STATE];
  mm_strbuf_printf(b, "\n%s: %s", mm_msg_get(MM_MSG_DISEASE_STATE, lang),
                   mm_disease_state_label(ds.known ? ds.str : NULL, lang));
  why = f->info ? mm_fact_why(&f->info[MM_F_DISEASE_STATE], lang) : NULL;
  if (why) mm_strbuf_printf(b, " (%s)", why);
  mm_strbuf_printf(b, "\n%s:", mm_msg_get(MM_MSG_KEY_FACTS, lang));
  static const char *const key_facts[] = {"age", "prior_lines", "transplant_eligible",
                                          "triple_class_exposed", "triple_class_refractory",
                                          "lenalidomide_refractory", "anti_bcma_exposed",
                                          "progression_on_last", "frailty", "r_iss", NULL};
  for (const char *const *k = key_facts; *k; k++) {
    int slot = mm_kb_fact_slot(ev->kb, *k);
    if (slot < 0) continue;
    mm_strbuf_printf(b, " %s ", *k);
    mm_render_fact_value_text(b, f, slot, lang);
    mm_strbuf_putc(b, ';');
  }
  mm_strbuf_putc(b, '\n');
  groups(b, ev, lang);
  if (ev->n_trials) {
    mm_strbuf_printf(b, "\n%s\n", mm_msg_get(MM_MSG_TRIALS, lang));
    for (size_t i = 0; i < ev->n_trials; i++) {
      const mm_option_result *r = &ev->trials[i];
      mm_strbuf_printf(b, "  %-12s %-16s %s %s, %s: %s\n", r->opt->id,
                       mm_text_in(r->opt->name, lang), mm_msg_get(MM_MSG_PHASE, lang), r->opt->phase,
                       mm_trial_status_label(r->opt->status, lang), match_word(r->status, lang));
      if (r->status != MM_FALSE)
        for (size_t k = 0; k < r->n_criteria; k++)
          if (r->criteria[k].result != MM_TRUE) criterion_line(b, ev, &r->criteria[k], lang);
      if (r->status == MM_FALSE)
        for (size_t k = 0; k < r->n_criteria; k++)
          if (r->criteria[k].result == MM_FALSE) {
            criterion_line(b, ev, &r->criteria[k], lang);
            break;
          }
    }
  }
  supportive_text(b, ev, lang);
  warnings_text(b, ev, lang);
}

void mm_render_diags_text(mm_strbuf *b, const mm_diags *d) {
  /* A file's problem reads file:line:col: reason; a record's problem puts
   * its field path first, the way a clinician looks for it. */
  for (const mm_diag *x = d->head; x; x = x->next) {
    if (x->source) {
      mm_strbuf_printf(b, "%s:", x->source);
      if (x->line) mm_strbuf_printf(b, "%d:%d:", x->line, x->col);
      mm_strbuf_putc(b, ' ');
    }
    if (x->path && *x->path) mm_strbuf_printf(b, "%s: ", x->path);
    mm_strbuf_printf(b, "%s%s", x->level == MM_DIAG_WARNING ? "warning: " : "", x->text);
    if (!x->source && x->line) mm_strbuf_printf(b, " (line %d, column %d)", x->line, x->col);
    mm_strbuf_putc(b, '\n');
  }
}
