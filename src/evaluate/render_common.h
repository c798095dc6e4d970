/* render_common.h: what the JSON, text and HTML renderers share. Renderers
 * only format the result tree; none recomputes a verdict or an input list.
 * Every word comes from messages.h or, for clinical text, from the kb. */
#ifndef MM_RENDER_COMMON_H
#define MM_RENDER_COMMON_H
#include "evaluate/evaluate.h"
#include "evaluate/messages.h"

/* A kb text in the language asked (English when it has no Italian). */
static inline const char *mm_text_in(mm_text t, mm_lang lang) {
  return mm_text_get(t, mm_lang_code(lang));
}

/* A value as JSON (null when unknown). */
void mm_render_value_json(mm_strbuf *b, mm_value v);
/* A value for people: "2", "yes" / "sì", "unknown" / "non noto", "first_relapse". */
void mm_render_value_text(mm_strbuf *b, mm_value v, mm_lang lang);
/* A fact's value for people: as mm_render_value_text, string codes through
 * mm_fact_value_label ("second_relapse_or_later" / "seconda recidiva o
 * successive"). */
void mm_render_fact_value_text(mm_strbuf *b, const mm_facts *f, int slot, mm_lang lang);
/* "label, section ... (updated YYYY-MM-DD)" for an entry's first source. */
void mm_render_source(mm_strbuf *b, const mm_provenance *p);
const char *mm_status_word(mm_tv t); /* eligible | not_eligible | unknown (codes) */
/* The heading of a status group: "ELIGIBLE" / "ELEGGIBILE" ... */
const char *mm_status_heading(mm_tv t, mm_lang lang);
/* What kind of option it is, for people: "guideline", "approved therapy" ... */
const char *mm_option_kind_label(const mm_option *o, mm_lang lang);
/* A refractoriness finding in words, from the table and the kb's names:
 * "refractory to daratumumab (anti-CD38) and carfilzomib", "not refractory
 * to elotuzumab or pomalidomide", "not known whether refractory to
 * carfilzomib". */
void mm_render_refractoriness(mm_strbuf *b, const mm_kb *kb, const mm_refractoriness *f,
                              mm_lang lang);
/* Is the option's refractoriness shown as a caution line beside it? When
 * the disease is refractory to what it relies on and no criterion of the
 * option already says so (a label option, a regimen of another setting). */
bool mm_refractory_caution(const mm_option_result *r);
/* A criterion's text: a principle's in the words of its finding, else the
 * kb's text. */
void mm_render_criterion_text(mm_strbuf *b, const mm_criterion_result *c, mm_lang lang);
/* A trial exclusion as the record has it (the exclusion's own rule): absent
 * (MM_FALSE), present (MM_TRUE), not known. */
const char *mm_exclusion_word(mm_tv rule_value, mm_lang lang);
/* The tier of an option: a stable code for machines ("recommended",
 * "allowed", "caution", "unknown", "not_eligible") and a heading for people. */
const char *mm_tier_code(mm_tier t);
const char *mm_tier_heading(mm_tier t, mm_lang lang);
/* Why a fact has its value, in the language asked (NULL if nothing to say). */
const char *mm_fact_why(const mm_fact_info *info, mm_lang lang);
/* The decisions a conditional supportive item rests on, in words: "if CAR-T
 * goes ahead or if a bispecific antibody goes ahead" (nothing if none). */
void mm_render_supportive_conditions(mm_strbuf *b, const mm_supportive_result *s, mm_lang lang);

/* Pieces of the compact answer (render_compact.c), written by its renderer
 * and made once by the screening plan (mm_screen_piece), so that both give
 * the same bytes. The head of an option: {"id":ID,"status":S then, for a
 * trial, ,"enrolling":E, else ,"kind":K,"tier":T. */
void mm_render_compact_head(mm_strbuf *b, const mm_option *o, mm_tv status, mm_tier tier,
                            mm_tv enrolling);
/* ,"indication":ID */
void mm_render_compact_indication(mm_strbuf *b, const mm_indication *ind);
/* ,"note":CODE (nothing for MM_NOTE_NONE) */
void mm_render_compact_note(mm_strbuf *b, mm_note_code code);
/* ,"knowledge_base":V,"jurisdiction":J,"disease_state": */
void mm_render_compact_about(mm_strbuf *b, const mm_kb *kb, mm_jurisdiction j);
/* A supportive-care item listed (indicated when result is MM_TRUE, else
 * unknown): {"id":ID,"status":S} and ,"conditional":true before the brace
 * when conditional. */
void mm_render_compact_supportive(mm_strbuf *b, const mm_supportive *item, mm_tv result,
                                  bool conditional);
/* A deciding criterion, left open: {"id":ID then ,"exclusion":true and
 * ,"review":true when so (review: its false counts as unknown). */
void mm_render_compact_criterion(mm_strbuf *b, const mm_criterion *c, bool exclusion,
                                 bool review);

/* Pieces of a rendering that depend only on the kb and the language, kept
 * between evaluations (render_cache.c; mm_evaluation.cache). */
mm_render_cache *mm_render_cache_new(void);
void mm_render_cache_free(mm_render_cache *c);
/* Appends the piece kept for (key, tag, lang): true, or false if none. */
bool mm_render_cache_emit(const mm_render_cache *c, mm_strbuf *b, const void *key, unsigned tag,
                          mm_lang lang);
/* A fact's name as a JSON key and its colon ("prior_lines":), kept by slot
 * in c when c is not NULL. */
void mm_render_fact_key(mm_render_cache *c, mm_strbuf *b, const mm_kb *kb, int slot);
/* The same followed by {"value": (the start of a fact in the facts object). */
void mm_render_fact_head(mm_render_cache *c, mm_strbuf *b, const mm_kb *kb, int slot);
/* Keeps a copy of the piece (nothing when out of memory: it is rendered
 * again next time). */
void mm_render_cache_put(mm_render_cache *c, const void *key, unsigned tag, mm_lang lang,
                         const char *bytes, size_t len);

#endif
