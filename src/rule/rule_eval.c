/* rule_eval.c: the rule VM. It runs a compiled criterion's postfix code over
 * the fact vector in three-valued (Kleene) logic: a comparison with an
 * unknown operand is unknown; false and unknown is false; true or unknown is
 * true; not unknown is unknown; 'is known' is never unknown. 'and'/'or'
 * stop at the first false/true operand, so facts after it are not read.
 *
 * With a trace, each stack value also carries a bit set (one bit per
 * distinct fact, MM_RULE_MAX_REFS = 64 fits a uint64_t) of the unknown facts
 * that made it unknown: an unknown 'and' or 'or' unites the sets of its
 * unknown operands; a known value carries none. The trace's unknown list is
 * the set on the final value. Evaluation never allocates; the one VM body is
 * instantiated twice (with and without trace) so the untraced path pays
 * nothing for tracing. */
#include <string.h>

#include "rule/rule_code.h"

#define BIT(i) ((uint64_t)1 << (i))

static inline bool get_num(const mm_value *v, double *x) {
  if (!v->known || v->type != MM_TYPE_NUMBER || v->num != v->num) return false;
  *x = v->num;
  return true;
}

static inline const char *get_str(const mm_value *v) {
  return v->known && v->type == MM_TYPE_STRING ? v->str : NULL;
}

static inline __attribute__((always_inline)) mm_tv run(const mm_rule *r,
                                                         const mm_value *facts,
                                                         mm_rule_trace *tr,
                                                         const bool T) {
  /* The top of the stack is kept in locals (top, topm), which the compiler
   * can hold in registers; st/um hold the values below it, st[0] being a
   * dummy under the first push. */
  uint8_t st[MM_RULE_STACK + 1];
  uint64_t um[MM_RULE_STACK + 1]; /* unknown sets, only with trace */
  mm_tv top = MM_UNKNOWN;
  uint64_t topm = 0;
  uint64_t used = 0;
  int sp = 0; /* values below the top */
  const mm_rule_ins *code = r->code;
  const int *slots = r->slots;
  const uint32_t n = r->n_code;
  uint32_t pc = 0;
  mm_tv res = MM_UNKNOWN; /* a leaf's value and its unknown set */
  uint64_t rm = 0;

#define PUSH(t, m)             \
  do {                         \
    st[sp] = (uint8_t)top;     \
    if (T) um[sp] = topm;      \
    sp++;                      \
    top = (t);                 \
    if (T) topm = (m);         \
  } while (0)
/* A leaf's value t (unknown set m); delivered after the switch as the
 * instruction's mode says. Other instructions 'continue'. */
#define RESULT(t, m)  \
  do {                \
    res = (t);        \
    if (T) rm = (m);  \
  } while (0)
#define FACT(i) (T ? (used |= BIT(i), &facts[slots[i]]) : &facts[slots[i]])

  while (pc < n) {
    const mm_rule_ins in = code[pc++];
    switch ((mm_rule_op)in.op) {
    case MM_OP_TRUE: PUSH(MM_TRUE, 0); continue;
    case MM_OP_FALSE: PUSH(MM_FALSE, 0); continue;
    case MM_OP_LOAD: {
      const mm_value *v = FACT(in.a);
      if (v->known && v->type == MM_TYPE_BOOL) RESULT(v->b ? MM_TRUE : MM_FALSE, 0);
      else RESULT(MM_UNKNOWN, BIT(in.a));
      break;
    }
    case MM_OP_KNOWN: {
      const mm_value *v = FACT(in.a);
      bool k = v->known && v->type == r->types[in.a] &&
               (v->type != MM_TYPE_NUMBER || v->num == v->num) &&
               (v->type != MM_TYPE_STRING || v->str);
      RESULT(k ? MM_TRUE : MM_FALSE, 0);
      break;
    }
    case MM_OP_KNOWNT:
      top = top != MM_UNKNOWN ? MM_TRUE : MM_FALSE;
      if (T) topm = 0;
      continue;
    case MM_OP_NOT: top = mm_tv_not(top); continue;
    case MM_OP_EQB:
    case MM_OP_NEB: {
      mm_tv a = (mm_tv)st[--sp], b = top;
      if (a == MM_UNKNOWN || b == MM_UNKNOWN) {
        top = MM_UNKNOWN;
        if (T) topm = (a == MM_UNKNOWN ? um[sp] : 0) | (b == MM_UNKNOWN ? topm : 0);
      } else {
        top = ((a == b) == (in.op == MM_OP_EQB)) ? MM_TRUE : MM_FALSE;
      }
      continue;
    }
    case MM_OP_JF:
      if (top == MM_FALSE) pc = in.j;
      continue;
    case MM_OP_JT:
      if (top == MM_TRUE) pc = in.j;
      continue;
    case MM_OP_ANDJ:
    case MM_OP_ORJ: {
      mm_tv a = (mm_tv)st[--sp], b = top;
      bool is_and = in.op == MM_OP_ANDJ;
      top = is_and ? mm_tv_and(a, b) : mm_tv_or(a, b);
      if (T)
        topm = top != MM_UNKNOWN
                   ? 0
                   : (a == MM_UNKNOWN ? um[sp] : 0) | (b == MM_UNKNOWN ? topm : 0);
      if (top == (is_and ? MM_FALSE : MM_TRUE)) pc = in.j;
      continue;
    }
    /* one case per operator: no second dispatch on the comparison */
#define CMP_NUM(OPC, REL)                                                    \
    case MM_OP_##OPC: {                                                      \
      double x_ = 0;                                                         \
      if (get_num(FACT(in.a), &x_)) RESULT(x_ REL r->nums[in.k] ? MM_TRUE : MM_FALSE, 0); \
      else RESULT(MM_UNKNOWN, BIT(in.a));                                    \
      break;                                                                 \
    }
#define CMP_REF(OPC, REL)                                                    \
    case MM_OP_##OPC: {                                                      \
      double x_ = 0, y_ = 0;                                                 \
      bool kx_ = get_num(FACT(in.a), &x_), ky_ = get_num(FACT(in.b), &y_);   \
      if (kx_ && ky_) RESULT(x_ REL y_ ? MM_TRUE : MM_FALSE, 0);             \
      else RESULT(MM_UNKNOWN, (kx_ ? 0 : BIT(in.a)) | (ky_ ? 0 : BIT(in.b))); \
      break;                                                                 \
    }
    CMP_NUM(LTN, <)
    CMP_NUM(LEN, <=)
    CMP_NUM(GTN, >)
    CMP_NUM(GEN, >=)
    CMP_NUM(EQN, ==)
    CMP_NUM(NEN, !=)
    CMP_REF(LTR, <)
    CMP_REF(LER, <=)
    CMP_REF(GTR, >)
    CMP_REF(GER, >=)
    CMP_REF(EQR, ==)
    CMP_REF(NER, !=)
#undef CMP_NUM
#undef CMP_REF
    case MM_OP_EQS:
    case MM_OP_NES: {
      const char *s = get_str(FACT(in.a));
      if (s) RESULT((strcmp(s, r->strs[in.k]) == 0) == (in.op == MM_OP_EQS) ? MM_TRUE : MM_FALSE, 0);
      else RESULT(MM_UNKNOWN, BIT(in.a));
      break;
    }
    case MM_OP_EQSR:
    case MM_OP_NESR: {
      const char *s = get_str(FACT(in.a)), *t = get_str(FACT(in.b));
      if (s && t) RESULT((strcmp(s, t) == 0) == (in.op == MM_OP_EQSR) ? MM_TRUE : MM_FALSE, 0);
      else RESULT(MM_UNKNOWN, (s ? 0 : BIT(in.a)) | (t ? 0 : BIT(in.b)));
      break;
    }
    case MM_OP_INN: {
      double x = 0;
      if (get_num(FACT(in.a), &x)) {
        const mm_rule_list l = r->lists[in.k];
        bool hit = false;
        for (uint32_t i = 0; i < l.n && !hit; i++) hit = r->nums[l.start + i] == x;
        RESULT(hit ? MM_TRUE : MM_FALSE, 0);
      } else {
        RESULT(MM_UNKNOWN, BIT(in.a));
      }
      break;
    }
    case MM_OP_INS: {
      const char *s = get_str(FACT(in.a));
      if (s) {
        const mm_rule_list l = r->lists[in.k];
        bool hit = false;
        for (uint32_t i = 0; i < l.n && !hit; i++) hit = strcmp(r->strs[l.start + i], s) == 0;
        RESULT(hit ? MM_TRUE : MM_FALSE, 0);
      } else {
        RESULT(MM_UNKNOWN, BIT(in.a));
      }
      break;
    }
    case MM_OP__COUNT: continue;
    }
    /* a leaf's value: deliver it (branches, not a second jump table: the
     * chain modes are by far the most frequent) */
    if (in.mode >= MM_MODE_AND) {
      bool is_and = in.mode == MM_MODE_AND;
      mm_tv a = top;
      top = is_and ? mm_tv_and(a, res) : mm_tv_or(a, res);
      if (T)
        topm = top != MM_UNKNOWN
                   ? 0
                   : (a == MM_UNKNOWN ? topm : 0) | (res == MM_UNKNOWN ? rm : 0);
      if (top == (is_and ? MM_FALSE : MM_TRUE)) pc = in.j;
    } else {
      PUSH(res, rm);
      if ((in.mode == MM_MODE_JF && res == MM_FALSE) || (in.mode == MM_MODE_JT && res == MM_TRUE))
        pc = in.j;
    }
  }
#undef PUSH
#undef RESULT
#undef FACT
  if (T) {
    tr->n_used = tr->n_unknown = 0;
    uint64_t unk = top == MM_UNKNOWN ? topm : 0;
    for (uint32_t i = 0; i < r->n_refs; i++) {
      if (used & BIT(i)) tr->used[tr->n_used++] = slots[i];
      if (unk & BIT(i)) tr->unknown[tr->n_unknown++] = slots[i];
    }
  }
  return top;
}

/* Two instances, each with its own stack frame: the untraced one has no
 * unknown-set array at all. */
static __attribute__((noinline)) mm_tv run_fast(const mm_rule *rule, const mm_value *facts) {
  return run(rule, facts, NULL, false);
}

static __attribute__((noinline)) mm_tv run_traced(const mm_rule *rule, const mm_value *facts,
                                                  mm_rule_trace *trace) {
  return run(rule, facts, trace, true);
}

mm_tv mm_rule_eval(const mm_rule *rule, const mm_value *facts, mm_rule_trace *trace) {
  return trace ? run_traced(rule, facts, trace) : run_fast(rule, facts);
}

size_t mm_rule_slots(const mm_rule *rule, const int **slots_out) {
  *slots_out = rule->slots;
  return rule->n_refs;
}

const char *mm_rule_source(const mm_rule *rule) { return rule->source; }

bool mm_rule_same(const mm_rule *a, const mm_rule *b) {
  if (a == b) return true;
  if (!a->source || !b->source || strcmp(a->source, b->source) != 0) return false;
  return a->n_refs == b->n_refs &&
         (a->n_refs == 0 || memcmp(a->slots, b->slots, a->n_refs * sizeof *a->slots) == 0);
}

const char *mm_rule_file(const mm_rule *rule, int *line) {
  *line = rule->line;
  return rule->file;
}
