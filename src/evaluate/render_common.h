/* render_common.h: what the JSON, text and HTML renderers share. Renderers
 * only format the result tree; none recomputes a verdict. */
#ifndef MM_RENDER_COMMON_H
#define MM_RENDER_COMMON_H
#include "evaluate/evaluate.h"
#include "evaluate/labels.h"

/* A value as JSON (null when unknown). */
void mm_render_value_json(mm_strbuf *b, mm_value v);
/* A value for people: "2", "yes", "unknown", "first_relapse". */
void mm_render_value_text(mm_strbuf *b, mm_value v, const char *lang);
/* The inputs that would decide an unknown criterion (distinct, in order). */
size_t mm_criterion_missing(const mm_facts *f, const mm_rule_trace *trace, const char **out,
                            size_t cap);
/* "label, section ... (updated YYYY-MM-DD)" for an entry's first source. */
void mm_render_source(mm_strbuf *b, const mm_provenance *p);
const char *mm_status_word(mm_tv t); /* eligible | not_eligible | unknown */
/* Why a fact has its value, in the language asked (NULL if nothing to say). */
const char *mm_fact_why(const mm_fact_info *info, const char *lang);

#endif
