/* reimbursement.h: the Italian reimbursement of a therapy beside its EU
 * verdict (jurisdiction MM_JURIS_IT): found once by mm_evaluate, shown the
 * same way by the JSON, text and HTML renderers. The finding is data
 * (kb/reimbursement/it.yaml); its words come from messages.h. */
#ifndef MM_EVALUATE_REIMBURSEMENT_H
#define MM_EVALUATE_REIMBURSEMENT_H
#include <stdbool.h>

#include "evaluate/evaluate.h"
#include "kb/kb_reimbursement.h"

/* Sets r->reimbursement (and whether its act postdates the evaluation) for
 * a therapy evaluated in jurisdiction MM_JURIS_IT; nothing otherwise. */
void mm_eval_reimbursement(const mm_evaluation *ev, mm_option_result *r);
/* The same with the kb's finding e already found (mm_reimb_find of the
 * option and its deciding indication; NULL: none recorded), as the
 * screening plan keeps it. */
void mm_eval_reimbursement_found(const mm_evaluation *ev, mm_option_result *r,
                                 const mm_reimbursement *e);

/* Is there a reimbursement line to show beside this option? (jurisdiction
 * it, an approved therapy with a deciding indication) */
bool mm_reimbursement_shown(const mm_option_result *r);

/* The finding in one line, "AIFA reimbursement: class C(nn) (not yet
 * assessed for reimbursement), Det. 75/2024, GU no. 131 of 2024-06-06",
 * "Rimborsabilità AIFA: non trovata (ricerca del 2026-12-07)". */
void mm_render_reimbursement_line(mm_strbuf *b, const mm_option_result *r, mm_lang lang);

/* The renderers' parts: for text, the finding's line (under the
 * indication, beside the verdict) and its note and source (under the
 * label's source); an HTML block; the JSON value of the option's
 * "reimbursement" key. Each does nothing (JSON: null) when
 * mm_reimbursement_shown is false. */
void mm_render_reimbursement_text(mm_strbuf *b, const mm_option_result *r, mm_lang lang);
void mm_render_reimbursement_text_source(mm_strbuf *b, const mm_option_result *r, mm_lang lang);
void mm_render_reimbursement_html(mm_strbuf *b, const mm_option_result *r, mm_lang lang);
void mm_render_reimbursement_json(mm_strbuf *b, const mm_option_result *r, mm_lang lang);

#endif
