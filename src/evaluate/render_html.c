/* render_html.c: the evaluation as one self-contained, printable page (no
 * script, no external resource): the same content as the text rendering. */
#include <string.h>

#include "evaluate/reimbursement.h"
#include "evaluate/render_common.h"
#include "kb/fact_names.h"

static const char *css =
    "body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b}"
    "h1{font-size:1.35rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem;padding:.2rem .5rem;border-radius:4px}"
    "h2.eligible{background:#dff3e4}h2.unknown{background:#fff4d6}h2.not_eligible{background:#f6dede}h2.neutral{background:#e8ecf3}"
    ".meta{color:#555}.option{border:1px solid #ccc;border-radius:6px;padding:.5rem .8rem;margin:.5rem 0;break-inside:avoid}"
    ".option h3{font-size:1rem;margin:0 0 .3rem}.kind{font-weight:normal;color:#555;font-size:.85rem}"
    "ul.criteria{list-style:none;padding-left:.2rem;margin:.2rem 0}ul.criteria li::before{display:inline-block;width:1.4rem}"
    "li.true::before{content:'\\2714';color:#1a7f37}li.false::before{content:'\\2718';color:#b42318}li.null::before{content:'?';color:#9a6700;font-weight:bold}"
    /* an exclusion: its mark after what the record says ("...: absent \u2714") */
    "li.excl::before{content:''}.mark.true{color:#1a7f37}.mark.false{color:#b42318}.mark.null{color:#9a6700;font-weight:bold}"
    "h2.caution{background:#fdebd3}"
    "li.cond::before{content:'\\2192';color:#0969da;font-weight:bold}"
    ".missing{color:#9a6700}.review{color:#8250df}.src{font-size:.85rem;color:#444}.facts td{padding:.1rem .6rem .1rem 0;vertical-align:top}"
    ".summary{border:2px solid #0b5cad;border-radius:6px;padding:.3rem .8rem;margin:.8rem 0}"
    ".summary h2{background:none;padding:0;margin:.6rem 0 .2rem;font-size:1rem}.summary ul{list-style:none;padding:0;margin:0}"
    ".summary li{padding:.1rem 0 .1rem .4rem;border-left:4px solid #ccc;margin:.1rem 0;break-inside:avoid}"
    ".summary li.eligible{border-color:#1a7f37}.summary li.not_eligible{border-color:#b42318}"
    ".summary li.unknown,.summary li.caution{border-color:#9a6700}.verdict{font-weight:600}"
    ".disclaimer{border-left:4px solid #0b5cad;padding-left:.5rem;font-size:.9rem}"
    "@media print{body{margin:0;max-width:none}.option{border-color:#999}}";

static void criterion(mm_strbuf *b, const mm_evaluation *ev, const mm_criterion_result *c,
                      mm_lang lang) {
  const char *cls = c->result == MM_TRUE ? "true" : c->result == MM_FALSE ? "false" : "null";
  mm_strbuf_printf(b, "<li class=\"%s%s\">", c->exclusion ? "excl " : "", cls);
  if (c->exclusion) {
    /* "exclusion: prior BCMA therapy: absent \u2714": the mark after what
     * the record says, never beside the exclusion's own text alone */
    mm_strbuf_html(b, mm_msg_get(MM_MSG_EXCLUSION, lang));
    mm_strbuf_puts(b, ": ");
    mm_strbuf_html(b, mm_text_in(c->crit->text, lang));
    mm_strbuf_puts(b, ": ");
    mm_strbuf_html(b, mm_exclusion_word(c->rule_value, lang));
    mm_strbuf_printf(b, " <span class=\"mark %s\">%s</span>", cls,
                     c->result == MM_TRUE ? "&#10004;" : c->result == MM_FALSE ? "&#10008;" : "?");
  } else {
    mm_strbuf t;
    mm_strbuf_init(&t, 0);
    mm_render_criterion_text(&t, c, lang);
    mm_strbuf_html(b, t.data ? t.data : "");
    mm_strbuf_free(&t);
  }
  if (c->trace && c->trace->n_used) {
    mm_strbuf_puts(b, " <span class=\"meta\">(");
    for (size_t i = 0; i < c->trace->n_used && i < 4; i++) {
      int slot = c->trace->used[i];
      mm_strbuf t;
      mm_strbuf_init(&t, 256);
      mm_strbuf_printf(&t, "%s%s = ", i ? ", " : "", ev->kb->facts[slot].name);
      mm_render_fact_value_text(&t, ev->facts, slot, lang);
      mm_strbuf_html(b, t.data);
      mm_strbuf_free(&t);
    }
    mm_strbuf_puts(b, ")</span>");
  }
  if (c->n_missing) {
    mm_strbuf_printf(b, " <span class=\"missing\">%s:", mm_msg_get(MM_MSG_MISSING, lang));
    for (size_t k = 0; k < c->n_missing; k++) {
      mm_strbuf_puts(b, " ");
      mm_strbuf_html(b, c->missing[k]);
    }
    mm_strbuf_puts(b, "</span>");
  }
  if (c->crit->has_review) {
    mm_strbuf_printf(b, " <span class=\"review\">%s: ", mm_msg_get(MM_MSG_REVIEW, lang));
    mm_strbuf_html(b, mm_text_in(c->crit->review, lang));
    mm_strbuf_puts(b, "</span>");
  } else if (c->unverified && c->result == MM_UNKNOWN && c->rule_value != MM_UNKNOWN) {
    mm_strbuf_printf(b, " <span class=\"review\">%s</span>",
                     mm_msg_get(MM_MSG_UNVERIFIED_ENTRY, lang));
  }
  mm_strbuf_puts(b, "</li>");
}

static void option(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                   mm_lang lang) {
  const mm_option *o = r->opt;
  mm_strbuf_printf(b, "<div class=\"option\" data-id=\"");
  mm_strbuf_html(b, o->id);
  mm_strbuf_printf(b, "\" data-status=\"%s\"><h3>", mm_status_word(r->status));
  mm_strbuf_html(b, o->id);
  mm_strbuf_puts(b, " &middot; ");
  mm_strbuf_html(b, mm_text_in(o->name, lang));
  mm_strbuf_puts(b, " <span class=\"kind\">");
  if (o->kind != MM_OPT_TRIAL) {
    mm_strbuf_html(b, mm_option_kind_label(o, lang));
  } else {
    mm_strbuf_printf(b, "%s %s, ", mm_msg_get(MM_MSG_PHASE, lang), o->phase);
    mm_strbuf_html(b, mm_trial_status_label(o->status, lang));
  }
  if (o->rule_tag) {
    mm_strbuf_puts(b, " ");
    mm_strbuf_html(b, o->rule_tag);
  }
  mm_strbuf_puts(b, "</span></h3>");
  char note[MM_NOTE_MAX];
  if (mm_note_text(r->note, lang, note)) {
    mm_strbuf_puts(b, "<div class=\"meta\">");
    mm_strbuf_html(b, note);
    mm_strbuf_puts(b, "</div>");
  }
  if (r->indication) {
    mm_strbuf_printf(b, "<div class=\"meta\">%s %s: ", mm_msg_get(MM_MSG_INDICATION, lang),
                     mm_jurisdiction_label(r->indication->jurisdiction, lang));
    mm_strbuf_html(b, r->indication->label);
    mm_strbuf_puts(b, "</div>");
  }
  mm_render_reimbursement_html(b, r, lang);
  mm_strbuf_puts(b, "<ul class=\"criteria\">");
  for (size_t i = 0; i < r->n_criteria; i++) {
    if (r->implicit_setting && i == 0) {
      const mm_criterion_result *c = &r->criteria[0];
      mm_strbuf_printf(b, "<li class=\"%s\">%s: ", c->result == MM_TRUE ? "true" : c->result == MM_FALSE ? "false" : "null",
                       mm_msg_get(MM_MSG_SETTING, lang));
      mm_strbuf_html(b, mm_setting_label(r->opt->setting, lang));
      mm_strbuf_puts(b, "</li>");
      continue;
    }
    criterion(b, ev, &r->criteria[i], lang);
  }
  mm_strbuf_puts(b, "</ul>");
  if (mm_refractory_caution(r)) {
    mm_strbuf t;
    mm_strbuf_init(&t, 0);
    mm_strbuf_printf(&t, "%s: ", mm_msg_get(MM_MSG_CAUTION, lang));
    mm_render_refractoriness(&t, ev->kb, r->refractoriness, lang);
    mm_strbuf_puts(b, "<div class=\"missing refractory\">");
    mm_strbuf_html(b, t.data);
    mm_strbuf_puts(b, "</div>");
    mm_strbuf_free(&t);
  }
  if (o->note.en) {
    mm_strbuf_puts(b, "<div class=\"meta\">");
    mm_strbuf_html(b, mm_text_in(o->note, lang));
    mm_strbuf_puts(b, "</div>");
  }
  for (size_t i = 0; i < o->n_evidence; i++) {
    const mm_evidence *e = &o->evidence[i];
    mm_strbuf_printf(b, "<div class=\"src\">%s: ", mm_msg_get(MM_MSG_EVIDENCE, lang));
    mm_strbuf_html(b, e->trial);
    mm_strbuf_puts(b, ", ");
    mm_strbuf_html(b, e->ref);
    if (e->n) { mm_strbuf_puts(b, ", n="); mm_strbuf_html(b, e->n); }
    if (e->orr) { mm_strbuf_puts(b, ", ORR "); mm_strbuf_html(b, e->orr); }
    if (e->mpfs) { mm_strbuf_puts(b, ", mPFS "); mm_strbuf_html(b, e->mpfs); }
    if (e->mdor) { mm_strbuf_puts(b, ", mDOR "); mm_strbuf_html(b, e->mdor); }
    mm_strbuf_puts(b, "</div>");
  }
  for (size_t i = 0; i < o->n_deck; i++) {
    mm_strbuf_printf(b, "<div class=\"review\">%s: ", mm_msg_get(MM_MSG_DECK_SAYS, lang));
    mm_strbuf_html(b, mm_text_in(o->deck[i].says, lang));
    mm_strbuf_printf(b, " &rarr; %s: ", mm_msg_get(MM_MSG_NOW, lang));
    mm_strbuf_html(b, mm_text_in(o->deck[i].now, lang));
    mm_strbuf_puts(b, "</div>");
  }
  mm_strbuf_printf(b, "<div class=\"src\">%s: ", mm_msg_get(MM_MSG_SOURCE, lang));
  mm_strbuf t;
  mm_strbuf_init(&t, 4096);
  mm_render_source(&t, r->indication ? &r->indication->prov : &o->prov);
  mm_strbuf_html(b, t.data);
  mm_strbuf_free(&t);
  mm_strbuf_puts(b, "</div></div>");
}

/* The options are in tier order (evaluate.c): one heading per tier, its
 * class the status colour (a caution its own). */
static void groups(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  for (size_t i = 0; i < ev->n_options;) {
    const mm_option_result *r = &ev->options[i];
    size_t end = i;
    while (end < ev->n_options && ev->options[end].tier == r->tier) end++;
    mm_strbuf_printf(b, "<h2 class=\"%s\" data-tier=\"%s\">%s (%zu)</h2>",
                     r->tier == MM_TIER_CAUTION ? "caution" : mm_status_word(r->status),
                     mm_tier_code(r->tier), mm_tier_heading(r->tier, lang), end - i);
    for (; i < end; i++) option(b, ev, &ev->options[i], lang);
  }
}

/* Supportive care, by phase: each item with its class (true: indicated,
 * cond: conditional on a decision not taken yet, null: unknown), its window,
 * what is missing and its source. */
static void supportive_html(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  bool any = false;
  int phase = -1;
  for (size_t i = 0; i < ev->n_supportive; i++) {
    const mm_supportive_result *sr = &ev->supportive[i];
    if (sr->result == MM_FALSE) continue;
    if (!any)
      mm_strbuf_printf(b, "<h2 class=\"neutral\">%s</h2>", mm_msg_get(MM_MSG_SUPPORTIVE, lang));
    any = true;
    if ((int)sr->item->phase != phase) {
      if (phase >= 0) mm_strbuf_puts(b, "</ul>");
      phase = (int)sr->item->phase;
      mm_strbuf_puts(b, "<h3>");
      mm_strbuf_html(b, mm_supportive_phase_label(sr->item->phase, lang));
      mm_strbuf_puts(b, "</h3><ul class=\"criteria\">");
    }
    mm_strbuf_printf(b, "<li class=\"%s\" data-supportive=\"",
                     sr->conditional ? "cond" : sr->result == MM_TRUE ? "true" : "null");
    mm_strbuf_html(b, sr->item->id);
    mm_strbuf_puts(b, "\"><strong>");
    mm_strbuf_html(b, sr->item->id);
    mm_strbuf_puts(b, "</strong>: ");
    if (sr->conditional) {
      mm_strbuf t;
      mm_strbuf_init(&t, 4096);
      mm_render_supportive_conditions(&t, sr, lang);
      mm_strbuf_puts(b, "<em>");
      mm_strbuf_html(b, t.data ? t.data : "");
      mm_strbuf_puts(b, "</em>: ");
      mm_strbuf_free(&t);
    }
    mm_strbuf_html(b, mm_text_in(sr->item->text, lang));
    mm_strbuf_printf(b, " <span class=\"src\">%s: ", mm_msg_get(MM_MSG_WINDOW, lang));
    mm_strbuf_html(b, mm_text_in(sr->item->window.text, lang));
    mm_strbuf_puts(b, "</span>");
    if (sr->n_missing) {
      mm_strbuf_printf(b, " <span class=\"missing\">%s:", mm_msg_get(MM_MSG_MISSING, lang));
      for (size_t m = 0; m < sr->n_missing; m++) {
        mm_strbuf_puts(b, " ");
        mm_strbuf_html(b, sr->missing[m]);
      }
      mm_strbuf_puts(b, "</span>");
    }
    mm_strbuf_puts(b, " <span class=\"src\">");
    mm_strbuf t;
    mm_strbuf_init(&t, 4096);
    mm_render_source(&t, &sr->item->prov);
    mm_strbuf_html(b, t.data);
    mm_strbuf_free(&t);
    mm_strbuf_puts(b, "</span></li>");
  }
  if (any) mm_strbuf_puts(b, "</ul>");
}

static void warnings_html(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  bool any = false;
  for (const mm_diag *x = ev->warnings ? ev->warnings->head : NULL; x; x = x->next) {
    if (x->level != MM_DIAG_WARNING) continue;
    if (!any)
      mm_strbuf_printf(b, "<h2 class=\"neutral\">%s</h2><ul>", mm_msg_get(MM_MSG_WARNINGS, lang));
    any = true;
    mm_strbuf_puts(b, "<li>");
    mm_strbuf_html(b, mm_facts_warning_text(ev->facts, x, lang));
    mm_strbuf_puts(b, "</li>");
  }
  if (any) mm_strbuf_puts(b, "</ul>");
}

/* ---- the summary: the answer first ----
 * One line per option, grouped as the web page groups them (summary.js):
 * CAR-T, bispecifics, other approved therapies (by the option's kb group),
 * guideline regimens, trials; each with its verdict and the one reason
 * that decides it. The full detail follows. */
static void summary_reason(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                           mm_lang lang) {
  const mm_criterion_result *pick = NULL;
  if (r->status == MM_FALSE) {
    for (size_t i = 0; i < r->n_criteria && !pick; i++)
      if (!r->criteria[i].exclusion && r->criteria[i].result == MM_FALSE) pick = &r->criteria[i];
    for (size_t i = 0; i < r->n_criteria && !pick; i++)
      if (r->criteria[i].result == MM_FALSE) pick = &r->criteria[i];
  } else if (r->status == MM_UNKNOWN) {
    for (size_t i = 0; i < r->n_criteria && !pick; i++)
      if (r->criteria[i].result == MM_UNKNOWN) pick = &r->criteria[i];
  }
  if (pick) {
    if (r->implicit_setting && pick == &r->criteria[0]) {
      mm_strbuf_printf(b, "%s: ", mm_msg_get(MM_MSG_SETTING, lang));
      mm_strbuf_html(b, mm_setting_label(r->opt->setting, lang));
    } else {
      if (pick->exclusion) mm_strbuf_printf(b, "%s: ", mm_msg_get(MM_MSG_EXCLUSION, lang));
      mm_strbuf_html(b, mm_text_in(pick->crit->text, lang));
    }
    if (pick->n_missing) {
      mm_strbuf_printf(b, " <span class=\"missing\">(%s:", mm_msg_get(MM_MSG_MISSING, lang));
      for (size_t m = 0; m < pick->n_missing; m++) {
        mm_strbuf_puts(b, " ");
        mm_strbuf_html(b, pick->missing[m]);
      }
      mm_strbuf_puts(b, ")</span>");
    }
    return;
  }
  char note[MM_NOTE_MAX];
  if (r->status != MM_TRUE) {
    if (mm_note_text(r->note, lang, note)) mm_strbuf_html(b, note);
    return;
  }
  if (r->opt->kind == MM_OPT_TRIAL) {
    mm_strbuf_puts(b, mm_msg_get(r->enrolling == MM_TRUE    ? MM_MSG_SUM_ENROLLING
                                 : r->enrolling == MM_FALSE ? MM_MSG_SUM_NOT_ENROLLING
                                                            : MM_MSG_SUM_ENROLLING_UNKNOWN,
                                 lang));
  } else if (mm_refractory_caution(r)) {
    mm_strbuf t;
    mm_strbuf_init(&t, 0);
    mm_strbuf_printf(&t, "%s: ", mm_msg_get(MM_MSG_CAUTION, lang));
    mm_render_refractoriness(&t, ev->kb, r->refractoriness, lang);
    mm_strbuf_html(b, t.data);
    mm_strbuf_free(&t);
  } else if (r->tier == MM_TIER_RECOMMENDED) {
    mm_strbuf_puts(b, mm_msg_get(MM_MSG_SUM_RECOMMENDED, lang));
  } else {
    mm_strbuf_printf(b, "%s (%zu)", mm_msg_get(MM_MSG_SUM_ALL_MET, lang), r->n_criteria);
  }
}

static void summary_line(mm_strbuf *b, const mm_evaluation *ev, const mm_option_result *r,
                         mm_lang lang) {
  bool caution = r->status == MM_TRUE && r->opt->kind != MM_OPT_TRIAL && mm_refractory_caution(r);
  mm_msg word = caution ? MM_MSG_SUM_CAUTION
                : r->status == MM_TRUE  ? MM_MSG_SUM_ELIGIBLE
                : r->status == MM_FALSE ? MM_MSG_SUM_NOT_ELIGIBLE
                                        : MM_MSG_SUM_UNKNOWN;
  mm_strbuf_printf(b, "<li class=\"%s\" data-id=\"", caution ? "caution" : mm_status_word(r->status));
  mm_strbuf_html(b, r->opt->id);
  mm_strbuf_printf(b, "\"><span class=\"verdict\">%s</span> &middot; <strong>", mm_msg_get(word, lang));
  if (r->opt->kind == MM_OPT_GUIDELINE) {
    /* the regimen as clinicians name it (Dara-Kd), its drugs beside */
    mm_strbuf_html(b, r->opt->id);
    mm_strbuf_puts(b, "</strong> (");
    mm_strbuf_html(b, mm_text_in(r->opt->name, lang));
    mm_strbuf_puts(b, ")");
  } else {
    mm_strbuf_html(b, mm_text_in(r->opt->name, lang));
    if (r->opt->kind == MM_OPT_TRIAL) {
      mm_strbuf_puts(b, " &middot; ");
      mm_strbuf_html(b, r->opt->id);
    }
    mm_strbuf_puts(b, "</strong>");
  }
  mm_strbuf_puts(b, " &mdash; ");
  summary_reason(b, ev, r, lang);
  mm_strbuf_puts(b, "</li>");
}

/* which: 0 CAR-T, 1 bispecific, 2 other therapies, 3 guideline regimens */
static bool summary_in(const mm_option *o, int which) {
  bool car_t = o->group && strcmp(o->group, "car_t") == 0;
  bool bisp = o->group && strcmp(o->group, "bispecific") == 0;
  if (which == 3) return o->kind == MM_OPT_GUIDELINE;
  if (o->kind == MM_OPT_GUIDELINE) return false;
  return which == 0 ? car_t : which == 1 ? bisp : !car_t && !bisp;
}

static void summary_html(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  static const mm_msg heads[] = {MM_MSG_SUM_CAR_T, MM_MSG_SUM_BISPECIFIC, MM_MSG_SUM_OTHER,
                                 MM_MSG_SUM_GUIDELINE, MM_MSG_TRIALS};
  static const char *const keys[] = {"car_t", "bispecific", "other", "guideline", "trial"};
  static const mm_tv order[] = {MM_TRUE, MM_UNKNOWN, MM_FALSE};
  mm_strbuf_printf(b, "<section class=\"summary\" id=\"summary\"><h2>%s</h2>",
                   mm_msg_get(MM_MSG_SUMMARY, lang));
  for (int g = 0; g < 5; g++) {
    mm_strbuf_printf(b, "<h2 data-summary=\"%s\">%s</h2><ul>", keys[g], mm_msg_get(heads[g], lang));
    const mm_option_result *list = g == 4 ? ev->trials : ev->options;
    size_t n = g == 4 ? ev->n_trials : ev->n_options;
    for (int k = 0; k < 3; k++) /* eligible first, then undecided, then not eligible */
      for (size_t i = 0; i < n; i++)
        if (list[i].status == order[k] && (g == 4 || summary_in(list[i].opt, g)))
          summary_line(b, ev, &list[i], lang);
    mm_strbuf_puts(b, "</ul>");
  }
  mm_strbuf_puts(b, "</section>");
}

void mm_render_evaluation_html(mm_strbuf *b, const mm_evaluation *ev, mm_lang lang) {
  char d[11];
  mm_date_format(ev->patient->as_of, d);
  mm_strbuf_printf(b, "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>",
                   mm_lang_code(lang));
  mm_strbuf_html(b, mm_msg_get(MM_MSG_TITLE, lang));
  mm_strbuf_puts(b, " - ");
  mm_strbuf_html(b, ev->patient->id);
  mm_strbuf_printf(b, "</title><style>%s</style></head><body><h1>", css);
  mm_strbuf_html(b, mm_msg_get(MM_MSG_TITLE, lang));
  mm_strbuf_puts(b, ": ");
  mm_strbuf_html(b, ev->patient->id);
  mm_strbuf_printf(b, "</h1><div class=\"meta\">%s %s &middot; %s ", mm_msg_get(MM_MSG_AS_OF, lang),
                   d, mm_msg_get(MM_MSG_KB, lang));
  mm_strbuf_html(b, ev->kb->version);
  mm_strbuf_printf(b, " &middot; %s %s</div>", mm_msg_get(MM_MSG_JURISDICTION, lang),
                   mm_jurisdiction_label(ev->opts.jurisdiction, lang));
  mm_strbuf_printf(b, "<p class=\"disclaimer\">%s</p>", mm_msg_get(MM_MSG_DISCLAIMER, lang));
  char note[MM_NOTE_MAX];
  if (mm_note_text(ev->note, lang, note)) {
    /* Nothing was evaluated: say so once, and why. */
    mm_strbuf_printf(b, "<p class=\"note\" data-note=\"%s\"><strong>", mm_note_id(ev->note.code));
    mm_strbuf_html(b, note);
    mm_strbuf_puts(b, "</strong></p>");
    warnings_html(b, ev, lang);
    mm_strbuf_puts(b, "</body></html>\n");
    return;
  }
  mm_value s = ev->facts->values[MM_F_SETTING];
  mm_strbuf_printf(b, "<p><strong>%s:</strong> ", mm_msg_get(MM_MSG_SETTING, lang));
  mm_strbuf_html(b, mm_setting_label(s.known ? s.str : NULL, lang));
  const char *why = ev->facts->info ? mm_fact_why(&ev->facts->info[MM_F_SETTING], lang) : NULL;
  if (why) {
    mm_strbuf_puts(b, " <span class=\"meta\">(");
    mm_strbuf_html(b, why);
    mm_strbuf_puts(b, ")</span>");
  }
  mm_value ds = ev->facts->values[MM_F_DISEASE_STATE];
  mm_strbuf_printf(b, "</p><p><strong>%s:</strong> ", mm_msg_get(MM_MSG_DISEASE_STATE, lang));
  mm_strbuf_html(b, mm_disease_state_label(ds.known ? ds.str : NULL, lang));
  why = ev->facts->info ? mm_fact_why(&ev->facts->info[MM_F_DISEASE_STATE], lang) : NULL;
  if (why) {
    mm_strbuf_puts(b, " <span class=\"meta\">(");
    mm_strbuf_html(b, why);
    mm_strbuf_puts(b, ")</span>");
  }
  mm_strbuf_puts(b, "</p>");
  summary_html(b, ev, lang);
  mm_strbuf_printf(b, "<table class=\"facts\"><caption>%s</caption>",
                   mm_msg_get(MM_MSG_KEY_FACTS, lang));
  static const char *const key_facts[] = {"age", "prior_lines", "transplant_eligible",
                                          "triple_class_exposed", "triple_class_refractory",
                                          "penta_refractory", "lenalidomide_refractory",
                                          "anti_bcma_exposed", "progression_on_last",
                                          "asct_to_progression_months", "frailty", "iss",
                                          "r_iss", "r2_iss", NULL};
  for (const char *const *k = key_facts; *k; k++) {
    int slot = mm_kb_fact_slot(ev->kb, *k);
    if (slot < 0) continue;
    mm_strbuf t;
    mm_strbuf_init(&t, 1024);
    mm_render_fact_value_text(&t, ev->facts, slot, lang);
    mm_strbuf_printf(b, "<tr><td>%s</td><td>", *k);
    mm_strbuf_html(b, t.data);
    const mm_fact_info *info = ev->facts->info ? &ev->facts->info[slot] : NULL;
    if (info && info->derived) mm_strbuf_printf(b, " (%s)", mm_msg_get(MM_MSG_DERIVED, lang));
    mm_strbuf_puts(b, "</td><td class=\"meta\">");
    if (mm_fact_why(info, lang)) mm_strbuf_html(b, mm_fact_why(info, lang));
    if (info && !ev->facts->values[slot].known && info->n_missing) {
      mm_strbuf_printf(b, " <span class=\"missing\">%s:", mm_msg_get(MM_MSG_MISSING, lang));
      for (size_t m = 0; m < info->n_missing; m++) {
        mm_strbuf_puts(b, " ");
        mm_strbuf_html(b, info->missing[m]);
      }
      mm_strbuf_puts(b, "</span>");
    }
    mm_strbuf_puts(b, "</td></tr>");
    mm_strbuf_free(&t);
  }
  mm_strbuf_puts(b, "</table>");
  groups(b, ev, lang);
  if (ev->n_trials) {
    mm_strbuf_printf(b, "<h2 class=\"neutral\">%s</h2>", mm_msg_get(MM_MSG_TRIALS, lang));
    for (size_t i = 0; i < ev->n_trials; i++) option(b, ev, &ev->trials[i], lang);
  }
  supportive_html(b, ev, lang);
  warnings_html(b, ev, lang);
  mm_strbuf_puts(b, "</body></html>\n");
}
