/* score_kb.h: the loaded kb/scores/ (*.yaml) tables, shared by the files of
 * src/score/ (not public: callers use score.h). */
#ifndef MM_SCORE_KB_H
#define MM_SCORE_KB_H
#include "score/score.h"
#include "util/strbuf.h"

typedef enum { SK_LT, SK_LE, SK_GT, SK_GE, SK_EQ } sk_op;

/* A named cut-off: `input op value unit`. */
typedef struct sk_threshold {
  const char *name;
  const char *input; /* NULL when the calculator decides what it applies to */
  sk_op op;
  double value;
  const char *unit;  /* may be NULL */
  const char *text;  /* may be NULL */
  bool unverified;
} sk_threshold;

/* One band of an item (points) or a domain (grade): either a comparison
 * `op value` (numbers, or == on a string / bool / number), or a closed range
 * [min, max]. `out` is the points or the grade it gives. */
typedef struct sk_band {
  bool is_range;
  sk_op op;
  double num;        /* numeric operand (or range min) */
  double max;        /* range max */
  const char *str;   /* == operand as written ("true", "II", "none") */
  const char *unit;
  double out;
} sk_band;

typedef struct sk_item {
  const char *input;
  sk_band *bands;    /* first band that holds gives `out`; none gives 0 */
  size_t n_bands;
} sk_item;

typedef struct sk_group {
  const char *value;
  double min, max;   /* inclusive */
  const char *text;
} sk_group;

typedef struct sk_entry {
  const char *id, *name, *notes, *file;
  const char *source;   /* sources joined with "; " */
  bool unverified;
  mm_score_input_spec *inputs;
  size_t n_inputs;
  sk_threshold *th;
  size_t n_th;
  sk_item *items;       /* points items (r2_iss, frailty) or grade domains */
  size_t n_items;
  sk_group *groups;
  size_t n_groups;
  const char **high_risk_ca;
  size_t n_hr;
  int confirmations;    /* response */
} sk_entry;

enum { SK_ISS, SK_R_ISS, SK_R2_ISS, SK_FRAILTY, SK_RESPONSE, SK_CRS, SK_ICE,
       SK_ICANS, SK_COUNT };

/* In the knowledge base's arena (score.h: ownership). */
struct mm_scores {
  sk_entry *e[SK_COUNT];
};

/* Lookups; NULL when absent (the loader guarantees what each score needs). */
const sk_threshold *sk_th(const sk_entry *e, const char *name);
const mm_score_input_spec *sk_input(const sk_entry *e, const char *name);

/* Comparison of a number against a threshold. */
bool sk_cmp(sk_op op, double x, double v);
const char *sk_op_text(sk_op op);
/* (The explanation of a cut-off, sk_th_say, is in score_why.h.) */

/* Result helpers (score.c). */
void sk_result_init(mm_score_result *out, const sk_entry *e, const char *score);
int sk_add_input(mm_score_result *out, mm_arena *a, const char *name, mm_value v,
                 const char *unit);
int sk_add_missing(mm_score_result *out, mm_arena *a, const char *name);
/* Validates a value against its spec: 0, or -1 with out->because naming it. */
int sk_check(mm_score_result *out, mm_arena *a, const mm_score_input_spec *s,
             mm_value v);

#endif
