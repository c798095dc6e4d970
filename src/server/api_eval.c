/* api_eval.c: evaluation endpoints: POST /api/v1/evaluate, /api/v1/facts,
 * /api/v1/screen (JSON Lines) and the scores (/api/v1/scores[/{name}]). */
#include <string.h>

#include "mmpath.h"
#include "server/api.h"

void mm_ep_evaluate(mm_call *c) { mm_api_not_implemented(c, "evaluation (mmpath_evaluate)"); }
void mm_ep_facts(mm_call *c) { mm_api_not_implemented(c, "facts (mmpath_facts)"); }
void mm_ep_screen(mm_call *c) { mm_api_not_implemented(c, "screening (src/screen)"); }
void mm_ep_scores(mm_call *c) { mm_api_not_implemented(c, "scores (src/score)"); }
void mm_ep_score(mm_call *c) { mm_api_not_implemented(c, "scores (src/score)"); }
