/* reimbursement.c: see reimbursement.h. */
#include "evaluate/reimbursement.h"

#include "evaluate/render_common.h"

void mm_eval_reimbursement(const mm_evaluation *ev, mm_option_result *r) {
  if (ev->opts.jurisdiction != MM_JURIS_IT || r->opt->kind != MM_OPT_THERAPY || !r->indication)
    return;
  mm_eval_reimbursement_found(ev, r,
                              mm_reimb_find(mm_kb_reimbursement(ev->kb), r->opt, r->indication));
}

void mm_eval_reimbursement_found(const mm_evaluation *ev, mm_option_result *r,
                                 const mm_reimbursement *e) {
  r->reimbursement = e;
  /* An act published after as_of did not yet decide anything on that day. */
  mm_date act = !e ? MM_DATE_NONE
                   : e->gazzetta_date != MM_DATE_NONE ? e->gazzetta_date : e->determination_date;
  r->reimbursement_after_as_of = act != MM_DATE_NONE && act > ev->patient->as_of;
}

bool mm_reimbursement_shown(const mm_option_result *r) {
  return r->ev && r->ev->opts.jurisdiction == MM_JURIS_IT && r->opt->kind == MM_OPT_THERAPY &&
         r->indication;
}

/* GU dates as the GU writes them in Italian (06/06/2024), ISO in English. */
static void act_date(mm_strbuf *b, mm_date d, mm_lang lang) {
  char iso[11];
  mm_date_format(d, iso);
  if (lang == MM_LANG_IT)
    mm_strbuf_printf(b, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
  else
    mm_strbuf_puts(b, iso);
}

void mm_render_reimbursement_line(mm_strbuf *b, const mm_option_result *r, mm_lang lang) {
  const mm_reimbursement *e = r->reimbursement;
  mm_strbuf_printf(b, "%s: ", mm_msg_get(MM_MSG_REIMB, lang));
  if (!e) {
    mm_strbuf_puts(b, mm_msg_get(MM_MSG_REIMB_NOT_RECORDED, lang));
    return;
  }
  if (e->status == MM_REIMB_NOT_FOUND) {
    char d[11];
    mm_date_format(e->searched, d);
    mm_strbuf_printf(b, "%s (%s %s)", mm_msg_get(MM_MSG_REIMB_NOT_FOUND, lang),
                     mm_msg_get(MM_MSG_REIMB_SEARCHED, lang), d);
  } else if (e->status == MM_REIMB_C_NN) {
    mm_strbuf_printf(b, "%s %s (%s)", mm_msg_get(MM_MSG_REIMB_CLASS, lang), e->klass,
                     mm_msg_get(MM_MSG_REIMB_C_NN, lang));
  } else {
    mm_strbuf_puts(b, mm_msg_get(e->status == MM_REIMB_REIMBURSED ? MM_MSG_REIMB_REIMBURSED
                                                                  : MM_MSG_REIMB_NOT_REIMBURSED,
                                 lang));
    if (e->klass) mm_strbuf_printf(b, ", %s %s", mm_msg_get(MM_MSG_REIMB_CLASS, lang), e->klass);
  }
  if (e->determination) {
    mm_strbuf_printf(b, ", %s %s", mm_msg_get(MM_MSG_REIMB_DET, lang), e->determination);
  } else if (e->determination_date != MM_DATE_NONE) {
    mm_strbuf_printf(b, ", %s %s ", mm_msg_get(MM_MSG_REIMB_DET, lang),
                     mm_msg_get(MM_MSG_REIMB_OF, lang));
    act_date(b, e->determination_date, lang);
  }
  if (e->gazzetta_date != MM_DATE_NONE) {
    if (e->gazzetta_number)
      mm_strbuf_printf(b, ", %s%d %s ", mm_msg_get(MM_MSG_REIMB_GU, lang), e->gazzetta_number,
                       mm_msg_get(MM_MSG_REIMB_OF, lang));
    else
      mm_strbuf_printf(b, ", %s %s ", mm_msg_get(MM_MSG_REIMB_GU_DATED, lang),
                       mm_msg_get(MM_MSG_REIMB_OF, lang));
    act_date(b, e->gazzetta_date, lang);
  }
  if (r->reimbursement_after_as_of)
    mm_strbuf_printf(b, " (%s)", mm_msg_get(MM_MSG_REIMB_AFTER_AS_OF, lang));
  if (e->prov.verification != MM_VERIFIED)
    mm_strbuf_printf(b, " [%s]", mm_msg_get(e->prov.verification == MM_SECONDARY
                                                ? MM_MSG_SECONDARY_SOURCE
                                                : MM_MSG_REVIEW,
                                            lang));
}

void mm_render_reimbursement_text(mm_strbuf *b, const mm_option_result *r, mm_lang lang) {
  if (!mm_reimbursement_shown(r)) return;
  mm_strbuf_puts(b, "    ");
  mm_render_reimbursement_line(b, r, lang);
  mm_strbuf_putc(b, '\n');
}

void mm_render_reimbursement_text_source(mm_strbuf *b, const mm_option_result *r, mm_lang lang) {
  const mm_reimbursement *e = mm_reimbursement_shown(r) ? r->reimbursement : NULL;
  if (!e) return;
  if (e->note.en)
    mm_strbuf_printf(b, "    %s: %s\n", mm_msg_get(MM_MSG_REIMB_NOTE, lang),
                     mm_text_in(e->note, lang));
  if (e->prov.n_sources)
    mm_strbuf_printf(b, "    %s: %s\n", mm_msg_get(MM_MSG_REIMB_SOURCE, lang),
                     e->prov.sources[0]);
}

void mm_render_reimbursement_html(mm_strbuf *b, const mm_option_result *r, mm_lang lang) {
  if (!mm_reimbursement_shown(r)) return;
  mm_strbuf line;
  mm_strbuf_init(&line, 4096);
  mm_render_reimbursement_line(&line, r, lang);
  mm_strbuf_puts(b, "<div class=\"meta reimbursement\">");
  mm_strbuf_html(b, line.data ? line.data : "");
  mm_strbuf_free(&line);
  const mm_reimbursement *e = r->reimbursement;
  if (e && e->note.en) {
    mm_strbuf_puts(b, "<br>");
    mm_strbuf_html(b, mm_text_in(e->note, lang));
  }
  if (e && e->prov.n_sources) {
    mm_strbuf_printf(b, "<br><span class=\"src\">%s: ", mm_msg_get(MM_MSG_REIMB_SOURCE, lang));
    mm_strbuf_html(b, e->prov.sources[0]);
    mm_strbuf_puts(b, "</span>");
  }
  mm_strbuf_puts(b, "</div>");
}

static void json_key(mm_strbuf *b, bool *first, const char *k) {
  if (!*first) mm_strbuf_putc(b, ',');
  *first = false;
  mm_strbuf_json_string(b, k);
  mm_strbuf_putc(b, ':');
}

static void json_date(mm_strbuf *b, bool *first, const char *k, mm_date d) {
  if (d == MM_DATE_NONE) return;
  char s[11];
  mm_date_format(d, s);
  json_key(b, first, k);
  mm_strbuf_json_string(b, s);
}

void mm_render_reimbursement_json(mm_strbuf *b, const mm_option_result *r, mm_lang lang) {
  if (!mm_reimbursement_shown(r)) {
    mm_strbuf_puts(b, "null");
    return;
  }
  const mm_reimbursement *e = r->reimbursement;
  const mm_reimb_kb *rk = mm_kb_reimbursement(r->ev->kb);
  bool first = true;
  mm_strbuf_putc(b, '{');
  json_key(b, &first, "country");
  mm_strbuf_json_string(b, rk->country);
  json_key(b, &first, "authority");
  mm_strbuf_json_string(b, rk->authority);
  json_key(b, &first, "status");
  mm_strbuf_json_string(b, e ? mm_reimb_status_code(e->status) : "not_recorded");
  if (e) {
    if (e->klass) {
      json_key(b, &first, "class");
      mm_strbuf_json_string(b, e->klass);
    }
    if (e->determination || e->determination_date != MM_DATE_NONE) {
      bool f2 = true;
      json_key(b, &first, "determination");
      mm_strbuf_putc(b, '{');
      if (e->determination) {
        json_key(b, &f2, "number");
        mm_strbuf_json_string(b, e->determination);
      }
      json_date(b, &f2, "date", e->determination_date);
      mm_strbuf_putc(b, '}');
    }
    if (e->gazzetta_date != MM_DATE_NONE) {
      bool f2 = true;
      json_key(b, &first, "gazzetta");
      mm_strbuf_putc(b, '{');
      if (e->gazzetta_number) {
        json_key(b, &f2, "number");
        mm_strbuf_printf(b, "%d", e->gazzetta_number);
      }
      json_date(b, &f2, "date", e->gazzetta_date);
      if (e->gazzetta_code) {
        json_key(b, &f2, "code");
        mm_strbuf_json_string(b, e->gazzetta_code);
      }
      mm_strbuf_putc(b, '}');
    }
    json_key(b, &first, "published_after_as_of");
    mm_strbuf_puts(b, r->reimbursement_after_as_of ? "true" : "false");
    json_date(b, &first, "searched", e->searched);
    if (e->note.en) {
      json_key(b, &first, "note");
      mm_strbuf_json_string(b, mm_text_in(e->note, lang));
    }
    json_key(b, &first, "verification");
    mm_strbuf_json_string(b, e->prov.verification == MM_VERIFIED    ? "verified"
                             : e->prov.verification == MM_SECONDARY ? "secondary"
                                                                    : "unverified");
    json_key(b, &first, "sources");
    mm_strbuf_putc(b, '[');
    for (size_t i = 0; i < e->prov.n_sources; i++) {
      if (i) mm_strbuf_putc(b, ',');
      mm_strbuf_json_string(b, e->prov.sources[i]);
    }
    mm_strbuf_putc(b, ']');
  }
  /* The line in words, for pages that show it as it is (the web page). */
  mm_strbuf line;
  mm_strbuf_init(&line, 4096);
  mm_render_reimbursement_line(&line, r, lang);
  json_key(b, &first, "text");
  mm_strbuf_json_string(b, line.data ? line.data : "");
  mm_strbuf_free(&line);
  mm_strbuf_putc(b, '}');
}
