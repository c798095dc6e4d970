/* render_json.c: the evaluation as mmpath/evaluation@1
 * (shared/spec/evaluation.md), the facts object, and validation errors. */

#include "evaluate/reimbursement.h"
#include "evaluate/render_common.h"
#include "kb/fact_names.h"

static void key(mm_strbuf *b, bool *first, const char *k) {
  if (!*first) mm_strbuf_putc(b, ',');
  *first = false;
  mm_strbuf_json_string(b, k);
  mm_strbuf_putc(b, ':');
}

static void strings(mm_strbuf *b, const char *const *s, size_t n) {
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_json_string(b, s[i]);
  }
  mm_strbuf_putc(b, ']');
}

static void fact_json(mm_strbuf *b, const mm_facts *f, size_t slot, mm_lang lang) {
  const mm_fact_info *info = f->info ? &f->info[slot] : NULL;
  bool first = true;
  mm_strbuf_putc(b, '{');
  key(b, &first, "value");
  mm_render_value_json(b, f->values[slot]);
  if (f->kb->facts[slot].unit && f->values[slot].known) {
    key(b, &first, "unit");
    mm_strbuf_json_string(b, f->kb->facts[slot].unit);
  }
  if (info) {
    if (info->n_from) {
      key(b, &first, "from");
      strings(b, info->from, info->n_from);
    }
    if (mm_fact_why(info, lang)) {
      key(b, &first, "because");
      mm_strbuf_json_string(b, mm_fact_why(info, lang));
    }
    if (!f->values[slot].known && info->n_missing) {
      key(b, &first, "missing");
      strings(b, info->missing, info->n_missing);
    }
    if (info->derived) {
      key(b, &first, "derived");
      mm_strbuf_puts(b, "true");
    }
    if (info->review) {
      key(b, &first, "review");
      mm_strbuf_puts(b, "true");
    }
  }
  mm_strbuf_putc(b, '}');
}

void mm_render_facts_json(mm_strbuf *b, const mm_facts *f, mm_lang lang) {
  bool first = true;
  mm_strbuf_putc(b, '{');
  for (size_t i = 0; i < f->kb->n_facts; i++) {
    if (f->kb->facts[i].source == MM_FACT_EVALUATION) continue;
    key(b, &first, f->kb->facts[i].name);
    fact_json(b, f, i, lang);
  }
  mm_strbuf_putc(b, '}');
}

static void criterion_json(mm_strbuf *b, const mm_evaluation *ev, const mm_criterion_result *c,
                           mm_lang lang, const char *setting) {
  bool first = true;
  mm_strbuf_putc(b, '{');
  key(b, &first, "id");
  mm_strbuf_json_string(b, c->crit->id);
  key(b, &first, "text");
  if (setting) {
    mm_strbuf j;
    mm_strbuf_init(&j, 512);
    mm_strbuf_printf(&j, "%s: %s", mm_msg_get(MM_MSG_SETTING, lang),
                     mm_setting_label(setting, lang));
    mm_strbuf_json_string(b, j.data);
    mm_strbuf_free(&j);
  } else {
    mm_strbuf t;
    mm_strbuf_init(&t, 0);
    mm_render_criterion_text(&t, c, lang);
    mm_strbuf_json_string(b, t.data ? t.data : "");
    mm_strbuf_free(&t);
  }
  if (c->crit->principle) {
    key(b, &first, "principle");
    mm_strbuf_json_string(b, c->crit->principle->id);
  }
  key(b, &first, "result");
  mm_strbuf_puts(b, c->result == MM_TRUE ? "true" : c->result == MM_FALSE ? "false" : "null");
  if (c->exclusion) {
    key(b, &first, "exclusion");
    mm_strbuf_puts(b, "true");
    key(b, &first, "excluded");
    mm_strbuf_puts(b, c->rule_value == MM_TRUE ? "true" : c->rule_value == MM_FALSE ? "false" : "null");
  }
  key(b, &first, "rule");
  mm_strbuf_json_string(b, c->crit->when);
  if (ev->opts.explain) {
    const mm_rule_trace *t = c->trace;
    if (t->n_used == 1) {
      key(b, &first, "value");
      mm_render_value_json(b, ev->facts->values[t->used[0]]);
    }
    key(b, &first, "facts");
    bool f2 = true;
    mm_strbuf_putc(b, '{');
    for (size_t i = 0; i < t->n_used; i++) {
      key(b, &f2, ev->kb->facts[t->used[i]].name);
      mm_render_value_json(b, ev->facts->values[t->used[i]]);
    }
    mm_strbuf_putc(b, '}');
    if (c->result == MM_UNKNOWN) {
      key(b, &first, "missing");
      strings(b, c->missing, c->n_missing);
    }
  }
  if (c->crit->has_review) {
    key(b, &first, "review");
    mm_strbuf_json_string(b, mm_text_in(c->crit->review, lang));
  } else if (c->unverified) {
    key(b, &first, "review");
    mm_strbuf_json_string(b, mm_msg_get(MM_MSG_UNVERIFIED_ENTRY, lang));
  }
  mm_strbuf_putc(b, '}');
}

static void provenance_json(mm_strbuf *b, bool *first, const mm_provenance *p) {
  key(b, first, "source");
  mm_strbuf_json_string(b, p->n_sources ? p->sources[0] : NULL);
  key(b, first, "sources");
  strings(b, p->sources, p->n_sources);
  char d[11];
  if (p->updated != MM_DATE_NONE) {
    mm_date_format(p->updated, d);
    key(b, first, "updated");
    mm_strbuf_json_string(b, d);
  }
  if (p->reviewed != MM_DATE_NONE) {
    mm_date_format(p->reviewed, d);
    key(b, first, "reviewed");
    mm_strbuf_json_string(b, d);
  }
  key(b, first, "verification");
  mm_strbuf_json_string(b, p->verification == MM_VERIFIED ? "verified"
                           : p->verification == MM_SECONDARY ? "secondary" : "unverified");
}

/* "refractoriness": {"status", "drugs": [{"drug", "class"}], "text"}: what
 * the option relies on that the disease is refractory to (status
 * "refractory"), or is not known for ("unknown"; drugs: those not known), or
 * "not_refractory" (drugs: what was checked). */
static void refractoriness_json(mm_strbuf *b, bool *first, const mm_evaluation *ev,
                                const mm_refractoriness *f, mm_lang lang) {
  key(b, first, "refractoriness");
  bool f2 = true;
  mm_strbuf_putc(b, '{');
  key(b, &f2, "status");
  mm_strbuf_json_string(b, f->refractory == MM_TRUE    ? "refractory"
                           : f->refractory == MM_FALSE ? "not_refractory"
                                                       : "unknown");
  key(b, &f2, "drugs");
  mm_strbuf_putc(b, '[');
  bool met = f->refractory == MM_FALSE;
  const mm_refractory_hit *list = met ? f->checked : f->hits;
  size_t n = met ? f->n_checked : f->n_hits;
  for (size_t i = 0; i < n; i++) {
    bool f3 = true;
    if (i) mm_strbuf_putc(b, ',');
    mm_strbuf_putc(b, '{');
    key(b, &f3, "drug");
    mm_strbuf_json_string(b, list[i].drug >= 0 ? ev->kb->drugs[list[i].drug].id : NULL);
    if (list[i].cls >= 0) {
      key(b, &f3, "class");
      mm_strbuf_json_string(b, ev->kb->classes[list[i].cls].id);
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
  key(b, &f2, "text");
  mm_strbuf t;
  mm_strbuf_init(&t, 0);
  mm_render_refractoriness(&t, ev->kb, f, lang);
  mm_strbuf_json_string(b, t.data ? t.data : "");
  mm_strbuf_free(&t);
  mm_strbuf_putc(b, '}');
}

static void option_json(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                        mm_lang lang) {
  const mm_option *o = r->opt;
  bool first = true;
  mm_strbuf_putc(b, '{');
  key(b, &first, "id");
  mm_strbuf_json_string(b, o->id);
  key(b, &first, "kind");
  mm_strbuf_json_string(b, o->kind == MM_OPT_GUIDELINE ? "guideline_regimen"
                           : o->kind == MM_OPT_THERAPY ? "approved_therapy" : "trial");
  key(b, &first, "name");
  mm_strbuf_json_string(b, mm_text_in(o->name, lang));
  if (o->group) {
    key(b, &first, "group");
    mm_strbuf_json_string(b, o->group);
  }
  key(b, &first, "status");
  mm_strbuf_json_string(b, mm_status_word(r->status));
  if (o->kind != MM_OPT_TRIAL) {
    /* the order a clinician reads them (docs/kb-options.md): the options
     * array is sorted by tier, rank is the 1-based position in it */
    key(b, &first, "tier");
    mm_strbuf_json_string(b, mm_tier_code(r->tier));
    key(b, &first, "rank");
    mm_strbuf_printf(b, "%zu", (size_t)(r - ev->options) + 1);
  }
  if (o->kind == MM_OPT_GUIDELINE) {
    key(b, &first, "setting");
    mm_strbuf_json_string(b, o->setting);
    if (o->rule_tag) {
      key(b, &first, "rule");
      mm_strbuf_json_string(b, o->rule_tag);
    }
    if (o->regimen) {
      key(b, &first, "drugs");
      mm_strbuf_putc(b, '[');
      for (size_t i = 0; i < o->regimen->n_drugs; i++) {
        if (i) mm_strbuf_putc(b, ',');
        mm_strbuf_json_string(b, ev->kb->drugs[o->regimen->drugs[i]].id);
      }
      mm_strbuf_putc(b, ']');
    }
    if (o->note.en) {
      key(b, &first, "note");
      mm_strbuf_json_string(b, mm_text_in(o->note, lang));
    }
  }
  if (o->kind == MM_OPT_TRIAL) {
    key(b, &first, "phase");
    mm_strbuf_json_string(b, o->phase);
    key(b, &first, "trial_status");
    mm_strbuf_json_string(b, o->status);
    key(b, &first, "enrolling");
    mm_strbuf_puts(b, r->enrolling == MM_TRUE ? "true" : r->enrolling == MM_FALSE ? "false" : "null");
    char d[11];
    mm_date_format(o->status_date, d);
    key(b, &first, "trial_status_date");
    mm_strbuf_json_string(b, d);
    if (o->title.en) {
      key(b, &first, "title");
      mm_strbuf_json_string(b, mm_text_in(o->title, lang));
    }
  }
  if (r->indication) {
    const mm_indication *ind = r->indication;
    key(b, &first, "indication");
    bool f2 = true;
    char d[11];
    mm_strbuf_putc(b, '{');
    key(b, &f2, "id");
    mm_strbuf_json_string(b, ind->id);
    key(b, &f2, "jurisdiction");
    mm_strbuf_json_string(b, mm_jurisdiction_code(ind->jurisdiction));
    key(b, &f2, "regimen");
    mm_strbuf_json_string(b, mm_text_in(ind->regimen, lang));
    mm_date_format(ind->approved, d);
    key(b, &f2, "approved");
    mm_strbuf_json_string(b, d);
    key(b, &f2, "label");
    mm_strbuf_json_string(b, ind->label);
    mm_strbuf_putc(b, '}');
  }
  char note[MM_NOTE_MAX];
  if (mm_note_text(r->note, lang, note)) {
    key(b, &first, "note");
    mm_strbuf_json_string(b, note);
  }
  if (mm_reimbursement_shown(r)) {
    key(b, &first, "reimbursement");
    mm_render_reimbursement_json(b, r, lang);
  }
  if (r->n_refractory_drugs) {
    key(b, &first, "refractory_drugs");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < r->n_refractory_drugs; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, ev->kb->drugs[r->refractory_drugs[i]].id);
    }
    mm_strbuf_putc(b, ']');
  }
  if (r->refractoriness) refractoriness_json(b, &first, ev, r->refractoriness, lang);
  key(b, &first, "criteria");
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < r->n_criteria; i++) {
    if (i) mm_strbuf_putc(b, ',');
    criterion_json(b, ev, &r->criteria[i], lang,
                   r->implicit_setting && i == 0 ? o->setting : NULL);
  }
  mm_strbuf_putc(b, ']');
  provenance_json(b, &first, r->indication ? &r->indication->prov : &o->prov);
  if (o->n_evidence) {
    key(b, &first, "evidence");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < o->n_evidence; i++) {
      const mm_evidence *e = &o->evidence[i];
      bool f2 = true;
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_putc(b, '{');
      key(b, &f2, "trial");
      mm_strbuf_json_string(b, e->trial);
      key(b, &f2, "ref");
      mm_strbuf_json_string(b, e->ref);
      const char *fields[][2] = {{"n", e->n}, {"orr", e->orr}, {"mpfs", e->mpfs}, {"mdor", e->mdor}};
      for (size_t k = 0; k < 4; k++)
        if (fields[k][1]) {
          key(b, &f2, fields[k][0]);
          mm_strbuf_json_string(b, fields[k][1]);
        }
      if (e->note.en) {
        key(b, &f2, "note");
        mm_strbuf_json_string(b, mm_text_in(e->note, lang));
      }
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, ']');
  }
  if (o->n_deck) {
    key(b, &first, "deck_outdated");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < o->n_deck; i++) {
      bool f2 = true;
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_putc(b, '{');
      key(b, &f2, "deck_says");
      mm_strbuf_json_string(b, mm_text_in(o->deck[i].says, lang));
      key(b, &f2, "now");
      mm_strbuf_json_string(b, mm_text_in(o->deck[i].now, lang));
      key(b, &f2, "sources");
      strings(b, o->deck[i].sources, o->deck[i].n_sources);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, ']');
  }
  mm_strbuf_putc(b, '}');
}

/* The supportive-care items that hold or may hold (mm_supportive_result):
 * the keys of mmpath/evaluation@1 (id, text, status, rule, because, missing,
 * provenance) and, added for issue #12, phase, window and, for an item that
 * rests on a decision not taken yet, conditional (its status is "unknown"). */
static void supportive_window_json(mm_strbuf *b, const mm_supportive_window *w, mm_lang lang) {
  bool f = true;
  mm_strbuf_putc(b, '{');
  key(b, &f, "text");
  mm_strbuf_json_string(b, mm_text_in(w->text, lang));
  if (w->fact) {
    key(b, &f, "fact");
    mm_strbuf_json_string(b, w->fact);
  }
  if (w->has_from) {
    key(b, &f, "from_months");
    mm_strbuf_printf(b, "%g", w->from_months);
  }
  if (w->has_until) {
    key(b, &f, "until_months");
    mm_strbuf_printf(b, "%g", w->until_months);
  }
  mm_strbuf_putc(b, '}');
}

static void supportive_json(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  mm_strbuf_putc(b, '[');
  bool f1 = true;
  for (size_t i = 0; i < ev->n_supportive; i++) {
    const mm_supportive_result *s = &ev->supportive[i];
    if (s->result == MM_FALSE) continue;
    if (!f1) mm_strbuf_putc(b, ',');
    f1 = false;
    bool f2 = true;
    mm_strbuf_putc(b, '{');
    key(b, &f2, "id");
    mm_strbuf_json_string(b, s->item->id);
    key(b, &f2, "text");
    mm_strbuf_json_string(b, mm_text_in(s->item->text, lang));
    key(b, &f2, "status");
    mm_strbuf_json_string(b, s->result == MM_TRUE ? "indicated" : "unknown");
    key(b, &f2, "rule");
    mm_strbuf_json_string(b, s->item->when);
    key(b, &f2, "phase");
    mm_strbuf_json_string(b, mm_supportive_phase_ids[s->item->phase]);
    key(b, &f2, "window");
    supportive_window_json(b, &s->item->window, lang);
    if (s->conditional) {
      key(b, &f2, "conditional");
      mm_strbuf_putc(b, '[');
      for (size_t k = 0; k < s->n_conditions; k++) {
        const mm_supportive_condition *c = s->conditions[k];
        bool f3 = true;
        mm_strbuf_puts(b, k ? ",{" : "{");
        key(b, &f3, "fact");
        mm_strbuf_json_string(b, c->fact);
        key(b, &f3, "value");
        mm_render_value_json(b, ev->facts->values[c->slot]);
        key(b, &f3, "text");
        mm_strbuf_json_string(b, mm_text_in(c->text, lang));
        const char *why = ev->facts->info ? mm_fact_why(&ev->facts->info[c->slot], lang) : NULL;
        if (why) {
          key(b, &f3, "because");
          mm_strbuf_json_string(b, why);
        }
        mm_strbuf_putc(b, '}');
      }
      mm_strbuf_putc(b, ']');
    }
    if (ev->opts.explain) {
      mm_strbuf because;
      mm_strbuf_init(&because, 4096);
      for (size_t k = 0; k < s->trace->n_used; k++) {
        int slot = s->trace->used[k];
        if (because.len) mm_strbuf_puts(&because, "; ");
        mm_strbuf_printf(&because, "%s = ", ev->kb->facts[slot].name);
        mm_render_value_text(&because, ev->facts->values[slot], lang);
        const mm_fact_info *info = ev->facts->info ? &ev->facts->info[slot] : NULL;
        if (mm_fact_why(info, lang) && ev->kb->facts[slot].source == MM_FACT_LAB)
          mm_strbuf_printf(&because, " (%s)", mm_fact_why(info, lang));
      }
      key(b, &f2, "because");
      mm_strbuf_json_string(b, because.data ? because.data : "");
      mm_strbuf_free(&because);
      if (s->result == MM_UNKNOWN) {
        key(b, &f2, "missing");
        strings(b, s->missing, s->n_missing);
      }
    }
    provenance_json(b, &f2, &s->item->prov);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
}

void mm_render_evaluation_json(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  bool first = true;
  char d[11];
  mm_strbuf_putc(b, '{');
  key(b, &first, "schema");
  mm_strbuf_json_string(b, "mmpath/evaluation@1");
  key(b, &first, "patient");
  mm_strbuf_json_string(b, ev->patient->id);
  mm_date_format(ev->patient->as_of, d);
  key(b, &first, "as_of");
  mm_strbuf_json_string(b, d);
  key(b, &first, "knowledge_base");
  mm_date_format(ev->kb->reviewed, d);
  mm_strbuf_printf(b, "{\"version\":");
  mm_strbuf_json_string(b, ev->kb->version);
  mm_strbuf_printf(b, ",\"reviewed\":\"%s\"}", d);
  key(b, &first, "jurisdiction");
  mm_strbuf_json_string(b, mm_jurisdiction_code(ev->opts.jurisdiction));
  key(b, &first, "lang");
  mm_strbuf_json_string(b, mm_lang_code(lang));
  key(b, &first, "facts");
  mm_render_facts_json(b, ev->facts, lang);
  /* Added keys (the spec allows them): the disease state as a code, and the
   * notes on the whole evaluation (e.g. nothing evaluated: no diagnosis). */
  key(b, &first, "disease_state");
  mm_render_value_json(b, ev->facts->values[MM_F_DISEASE_STATE]);
  key(b, &first, "options");
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < ev->n_options; i++) {
    if (i) mm_strbuf_putc(b, ',');
    option_json(b, ev, &ev->options[i], lang);
  }
  mm_strbuf_putc(b, ']');
  key(b, &first, "trials");
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < ev->n_trials; i++) {
    if (i) mm_strbuf_putc(b, ',');
    option_json(b, ev, &ev->trials[i], lang);
  }
  mm_strbuf_putc(b, ']');
  key(b, &first, "supportive_care");
  supportive_json(b, ev, lang);
  key(b, &first, "warnings");
  mm_strbuf_putc(b, '[');
  bool fw = true;
  for (const mm_diag *x = ev->warnings ? ev->warnings->head : NULL; x; x = x->next) {
    if (x->level != MM_DIAG_WARNING) continue;
    if (!fw) mm_strbuf_putc(b, ',');
    fw = false;
    mm_strbuf_json_string(b, mm_facts_warning_text(ev->facts, x, lang));
  }
  mm_strbuf_putc(b, ']');
  key(b, &first, "notes");
  mm_strbuf_putc(b, '[');
  char note[MM_NOTE_MAX];
  if (mm_note_text(ev->note, lang, note)) {
    mm_strbuf_puts(b, "{\"id\":");
    mm_strbuf_json_string(b, mm_note_id(ev->note.code));
    mm_strbuf_puts(b, ",\"text\":");
    mm_strbuf_json_string(b, note);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
  mm_strbuf_putc(b, '}');
}

void mm_render_diags_json(mm_strbuf *b, const mm_diags *d) {
  mm_strbuf_puts(b, "{\"errors\":[");
  bool first = true;
  for (const mm_diag *x = d->head; x; x = x->next) {
    if (x->level != MM_DIAG_ERROR) continue;
    if (!first) mm_strbuf_putc(b, ',');
    first = false;
    mm_strbuf_puts(b, "{\"path\":");
    mm_strbuf_json_string(b, x->path ? x->path : "");
    if (x->line) mm_strbuf_printf(b, ",\"line\":%d,\"column\":%d", x->line, x->col);
    mm_strbuf_puts(b, ",\"message\":");
    mm_strbuf_json_string(b, x->text);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}");
}
