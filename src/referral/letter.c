/* letter.c: the letter from the hub to the spoke after an infusion
 * (pathway.h), Italian or English, one printable HTML page (A4, 1-2 pages):
 * who was infused with what and when, the course (CRS/ICANS with their
 * ASTCT grades, the response so far), and the plan the spoke takes over:
 * the visit schedule (kb/pathway.yaml), supportive care with start and end
 * dates (kb/supportive_care.yaml windows, counted from the infusion), the
 * label's conditions (kb/pathway.yaml, with the SmPC section cited),
 * warning signs and whom to call. Everything from the record and the kb:
 * nothing is typed twice. */
#include <string.h>

#include "referral/outcome.h"

#define T(en, it) (lang == MM_LANG_IT ? (it) : (en))

static mm_date add_months(mm_date d, double months) {
  int y, m, day;
  mm_date_to_ymd(d, &y, &m, &day);
  int whole = (int)months;
  m += whole;
  y += (m - 1) / 12;
  m = (m - 1) % 12 + 1;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
  return mm_date_from_ymd(y, m, day > max ? max : day);
}

static void date_cell(mm_strbuf *b, mm_date d) {
  char s[11];
  if (d == MM_DATE_NONE) {
    mm_strbuf_puts(b, "&ndash;");
    return;
  }
  mm_date_format(d, s);
  mm_strbuf_puts(b, s);
}

static void episode_line(mm_strbuf *b, const mm_ref_episodes *e, const char *name, mm_lang lang) {
  mm_strbuf_printf(b, "<li><b>%s</b>: ", name);
  if (e->any == 0) {
    mm_strbuf_puts(b, T("none (toxicities reviewed at a visit from day 28)",
                        "nessuna (tossicità valutate a una visita dal giorno 28)"));
  } else if (e->any < 0) {
    mm_strbuf_puts(b, T("not known: no episode recorded and no visit from day 28 says the "
                        "toxicities were reviewed",
                        "non noto: nessun episodio registrato e nessuna visita dal giorno 28 "
                        "riporta la valutazione delle tossicità"));
  } else {
    mm_strbuf_printf(b, "%s ", T("onset", "esordio"));
    date_cell(b, e->onset);
    mm_strbuf_printf(b, ", %s ", T("resolution", "risoluzione"));
    if (e->unresolved) mm_strbuf_puts(b, T("not yet recorded", "non ancora registrata"));
    else date_cell(b, e->resolution);
    mm_strbuf_printf(b, "; %s ", T("highest ASTCT grade", "grado ASTCT massimo"));
    if (e->grade_unknown || e->grade < 0)
      mm_strbuf_puts(b, T("not computable from the recorded signs",
                          "non calcolabile dai segni registrati"));
    else mm_strbuf_printf(b, "%d", e->grade);
    if (!e->tocilizumab_unknown)
      mm_strbuf_printf(b, "; tocilizumab %d %s", e->tocilizumab, T("doses", "dosi"));
    if (e->steroids >= 0)
      mm_strbuf_printf(b, "; %s %s", T("corticosteroids", "corticosteroidi"),
                       e->steroids ? T("given", "somministrati") : T("not given", "non somministrati"));
  }
  mm_strbuf_puts(b, "</li>");
}

int mm_ref_letter_html(mm_strbuf *b, const mm_kb *kb, const mm_referral *r, mm_lang lang,
                       mm_date today, mm_arena *a, mm_diags *d) {
  mm_path_kb pk;
  if (mm_path_kb_read(&pk, kb, a, d) < 0) return MM_REF_EINVALID;
  mm_ref_facts f;
  if (mm_ref_outcome_read(r, a, &f) < 0) return MM_REF_ENOMEM;
  if (f.infused_on == MM_DATE_NONE) {
    mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, "state",
                   "referral '%s' is not infused: the letter follows the infusion", r->id);
    return MM_REF_EINVALID;
  }
  const mm_ref_kb *rk = mm_kb_referral(kb);
  const mm_ref_target *t = mm_ref_kb_target(rk, r->target);
  bool bisp = t && t->bispecific;
  mm_strbuf_printf(b, "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                   T("en", "it"));
  mm_strbuf_html(b, T("Letter to the referring centre", "Lettera al centro inviante"));
  mm_strbuf_puts(b, "</title><style>@page{size:A4;margin:16mm}body{font:10.5pt/1.35 "
                    "sans-serif;max-width:180mm;margin:auto}h1{font-size:14pt}h2{font-size:"
                    "11.5pt;margin:10px 0 3px;border-bottom:1px solid #999}table{border-"
                    "collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px;text-align:"
                    "left;font-size:9.5pt}ul{margin:3px 0;padding-left:18px}.src{font-size:8pt;"
                    "color:#444}</style></head><body>");
  mm_strbuf_puts(b, "<h1>");
  mm_strbuf_html(b, T("CAR-T / bispecific pathway: letter to the referring centre",
                      "Percorso CAR-T / bispecifici: lettera al centro inviante"));
  mm_strbuf_puts(b, "</h1><p>");
  mm_strbuf_printf(b, "%s: <b>", T("From the treating centre", "Dal centro di trattamento"));
  mm_strbuf_html(b, r->to_center);
  mm_strbuf_printf(b, "</b> &middot; %s: <b>", T("to", "a"));
  mm_strbuf_html(b, r->from_center);
  mm_strbuf_printf(b, "</b> &middot; %s ", T("date", "data"));
  date_cell(b, today);
  mm_strbuf_printf(b, "<br>%s: <b>", T("Referral", "Richiesta"));
  mm_strbuf_html(b, r->id);
  mm_strbuf_printf(b, "</b> &middot; %s: <b>", T("patient (pseudonym)", "paziente (pseudonimo)"));
  mm_strbuf_html(b, r->patient);
  mm_strbuf_puts(b, "</b></p>");

  /* 1. the infusion */
  mm_strbuf_printf(b, "<h2>%s</h2><ul><li>", T("Infusion", "Infusione"));
  mm_strbuf_html(b, t ? mm_ref_text_in(&t->name, lang) : r->target);
  mm_strbuf_printf(b, " &middot; %s ", bisp ? T("first step-up dose", "prima dose step-up")
                                            : T("infused on", "infuso il"));
  date_cell(b, f.infused_on);
  if (f.lot) {
    mm_strbuf_printf(b, " &middot; %s ", T("lot", "lotto"));
    mm_strbuf_html(b, f.lot);
  }
  mm_strbuf_puts(b, "</li>");
  if (f.ld_drugs) {
    mm_strbuf_printf(b, "<li>%s: ", T("Lymphodepletion", "Linfodeplezione"));
    mm_strbuf_html(b, f.ld_drugs);
    mm_strbuf_printf(b, " (%s ", T("from", "dal"));
    date_cell(b, f.ld_start);
    mm_strbuf_puts(b, ")</li>");
  }
  if (f.bridging == 1) {
    mm_strbuf_printf(b, "<li>%s: ", T("Bridging therapy", "Terapia ponte"));
    mm_strbuf_html(b, f.bridging_drugs ? f.bridging_drugs : "");
    mm_strbuf_puts(b, "</li>");
  }
  mm_strbuf_puts(b, "</ul>");

  /* 2. the course */
  mm_strbuf_printf(b, "<h2>%s</h2><ul>", T("Course so far", "Decorso finora"));
  episode_line(b, &f.crs, T("Cytokine release syndrome (CRS)", "Sindrome da rilascio di citochine (CRS)"), lang);
  episode_line(b, &f.icans, "ICANS", lang);
  mm_strbuf_printf(b, "<li><b>%s</b>: ", T("Response (IMWG, from the recorded labs)",
                                           "Risposta (IMWG, dagli esami registrati)"));
  if (f.best_response) {
    mm_strbuf_html(b, f.best_response);
    mm_strbuf_printf(b, " (%s ", T("best, on", "migliore, il"));
    date_cell(b, f.best_response_date);
    mm_strbuf_puts(b, ")");
  } else {
    mm_strbuf_puts(b, T("not yet assessable", "non ancora valutabile"));
  }
  mm_strbuf_puts(b, "</li>");
  if (f.has_igg) {
    mm_strbuf_printf(b, "<li>IgG %g mg/dL (", f.igg);
    date_cell(b, f.igg_date);
    mm_strbuf_puts(b, ")</li>");
  }
  mm_strbuf_puts(b, "</ul>");

  /* 3. the visit schedule */
  mm_strbuf_printf(b, "<h2>%s</h2><table><tr><th>%s</th><th>%s</th><th>%s</th></tr>",
                   T("Follow-up visits", "Visite di follow-up"), T("visit", "visita"),
                   T("date", "data"), T("done", "eseguita"));
  for (size_t i = 0; i < pk.n_visits; i++) {
    const mm_path_visit *v = &pk.visits[i];
    bool done = false;
    for (size_t k = 0; k < f.view.r.n_events; k++) {
      const mm_ref_event *e = &f.view.r.events[k];
      if (e->kind && strcmp(e->kind, "visit") == 0 && e->data &&
          strstr(e->data, mm_arena_printf(a, "\"visit\":\"%s\"", v->id)))
        done = true;
    }
    mm_strbuf_puts(b, "<tr><td>");
    mm_strbuf_html(b, mm_ref_text_in(&v->name, lang));
    mm_strbuf_puts(b, "</td><td>");
    date_cell(b, f.infused_on + v->day);
    mm_strbuf_printf(b, "</td><td>%s</td></tr>", done ? T("yes", "s&igrave;") : "");
  }
  mm_strbuf_puts(b, "</table>");

  /* 4. supportive care: the kb's items of the phase after this product */
  mm_strbuf_printf(b, "<h2>%s</h2><table><tr><th>%s</th><th>%s</th><th>%s</th></tr>",
                   T("Supportive care", "Terapia di supporto"), T("what", "cosa"),
                   T("from", "dal"), T("until", "al"));
  mm_supportive_phase want = bisp ? MM_PHASE_AFTER_BISPECIFIC : MM_PHASE_AFTER_CAR_T;
  for (size_t i = 0; i < kb->n_supportive; i++) {
    const mm_supportive *it = &kb->supportive[i];
    if (it->phase != want && it->phase != MM_PHASE_ANY) continue;
    mm_strbuf_puts(b, "<tr><td>");
    mm_strbuf_html(b, mm_ref_text_in(&it->text, lang));
    /* a laboratory item: its window says when; the last value recorded
     * is given, the rule is not re-evaluated here */
    if (it->phase == MM_PHASE_ANY && f.has_igg && strstr(it->trigger, "igg"))
      mm_strbuf_printf(b, " <i>(%s IgG %g mg/dL)</i>", T("last recorded", "ultimo valore"), f.igg);
    if (it->phase == MM_PHASE_ANY && f.has_anc && strstr(it->trigger, "anc"))
      mm_strbuf_printf(b, " <i>(%s ANC %g x10^9/L)</i>", T("last recorded", "ultimo valore"), f.anc);
    mm_strbuf_puts(b, "</td><td>");
    /* CAR-T windows count from the infusion; a bispecific's from its last
     * dose, which this record does not hold: given in words */
    bool dated = !bisp && it->window.fact && it->phase == MM_PHASE_AFTER_CAR_T;
    if (dated && it->window.has_from) date_cell(b, add_months(f.infused_on, it->window.from_months));
    else mm_strbuf_html(b, mm_ref_text_in(&it->window.text, lang));
    mm_strbuf_puts(b, "</td><td>");
    if (dated && it->window.has_until) date_cell(b, add_months(f.infused_on, it->window.until_months));
    else if (dated) mm_strbuf_puts(b, T("ongoing (per the item)", "in corso (come indicato)"));
    mm_strbuf_puts(b, "</td></tr>");
  }
  mm_strbuf_puts(b, "</table>");

  /* 5. the label's conditions */
  bool any = false;
  for (size_t i = 0; i < pk.n_conditions; i++) {
    const mm_path_condition *c = &pk.conditions[i];
    bool mine = false;
    for (size_t k = 0; k < c->n_products; k++) mine |= strcmp(c->products[k], r->target) == 0;
    if (!mine) continue;
    if (!any)
      mm_strbuf_printf(b, "<h2>%s</h2><ul>", T("Conditions of the label after infusion",
                                               "Condizioni della scheda tecnica dopo l'infusione"));
    any = true;
    mm_strbuf_puts(b, "<li>");
    mm_strbuf_html(b, mm_ref_text_in(&c->text, lang));
    mm_strbuf_printf(b, " <b>%s ", T("Until", "Fino al"));
    date_cell(b, f.infused_on + 7 * c->weeks);
    mm_strbuf_puts(b, "</b>.<br><span class=\"src\">");
    mm_strbuf_html(b, c->sources);
    mm_strbuf_puts(b, "</span></li>");
  }
  if (any) mm_strbuf_puts(b, "</ul>");

  /* 6. warning signs and whom to call */
  mm_strbuf_printf(b, "<h2>%s</h2><ul>", T("Warning signs: call at once", "Segni di allarme: chiamare subito"));
  for (size_t i = 0; i < pk.n_warnings; i++) {
    mm_strbuf_puts(b, "<li>");
    mm_strbuf_html(b, mm_ref_text_in(&pk.warnings[i].text, lang));
    mm_strbuf_puts(b, "</li>");
  }
  mm_strbuf_printf(b, "</ul><p><b>%s</b>: ", T("Whom to call", "Chi chiamare"));
  mm_strbuf_html(b, mm_ref_text_in(&pk.contact, lang));
  mm_strbuf_puts(b, " (");
  mm_strbuf_html(b, r->to_center);
  mm_strbuf_printf(b, ").</p><p class=\"src\">%s</p></body></html>\n",
                   T("Generated by mmpath from the referral record; supportive-care items and "
                     "windows from kb/supportive_care.yaml, schedule and label conditions from "
                     "kb/pathway.yaml. A clinician reviews and signs it.",
                     "Generata da mmpath dalla scheda della richiesta; terapia di supporto e "
                     "finestre da kb/supportive_care.yaml, calendario e condizioni della scheda "
                     "tecnica da kb/pathway.yaml. Un medico la rivede e la firma."));
  return b->failed ? MM_REF_ENOMEM : MM_REF_OK;
}
