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

static inline bool cmp_num(int rel, double a, double b) {
  switch (rel) { /* ORDER CMP */
  case 0: return a < b;
  case 1: return a <= b;
  case 2: return a > b;
  case 3: return a >= b;
  case 4: return a == b;
  default: return a != b;
  }
}

static inline __attribute__((always_inline)) mm_tv run(const mm_rule *r,
                                                         const mm_value *facts,
                                                         mm_rule_trace *tr,
                                                         const bool T) {
  uint8_t st[MM_RULE_STACK];
  uint64_t um[MM_RULE_STACK]; /* unknown sets, only with trace */
  uint64_t used = 0;
  int sp = 0;
  const mm_rule_ins *code = r->code;
  const int *slots = r->slots;
  const uint32_t n = r->n_code;
  uint32_t pc = 0;

#define PUSH(t, m)       \
  do {                   \
    st[sp] = (uint8_t)(t); \
    if (T) um[sp] = (m); \
    sp++;                \
  } while (0)
#define FACT(i) (T ? (used |= BIT(i), &facts[slots[i]]) : &facts[slots[i]])

  while (pc < n) {
    const mm_rule_ins in = code[pc++];
    switch ((mm_rule_op)in.op) {
    case MM_OP_TRUE: PUSH(MM_TRUE, 0); break;
    case MM_OP_FALSE: PUSH(MM_FALSE, 0); break;
    case MM_OP_LOAD: {
      const mm_value *v = FACT(in.a);
      if (v->known && v->type == MM_TYPE_BOOL) PUSH(v->b ? MM_TRUE : MM_FALSE, 0);
      else PUSH(MM_UNKNOWN, BIT(in.a));
      break;
    }
    case MM_OP_KNOWN: {
      const mm_value *v = FACT(in.a);
      bool k = v->known && v->type == r->types[in.a] &&
               (v->type != MM_TYPE_NUMBER || v->num == v->num) &&
               (v->type != MM_TYPE_STRING || v->str);
      PUSH(k ? MM_TRUE : MM_FALSE, 0);
      break;
    }
    case MM_OP_KNOWNT:
      st[sp - 1] = st[sp - 1] != MM_UNKNOWN ? MM_TRUE : MM_FALSE;
      if (T) um[sp - 1] = 0;
      break;
    case MM_OP_NOT: st[sp - 1] = (uint8_t)mm_tv_not((mm_tv)st[sp - 1]); break;
    case MM_OP_EQB:
    case MM_OP_NEB: {
      sp--;
      mm_tv a = (mm_tv)st[sp - 1], b = (mm_tv)st[sp];
      if (a == MM_UNKNOWN || b == MM_UNKNOWN) {
        st[sp - 1] = MM_UNKNOWN;
        if (T) um[sp - 1] = (a == MM_UNKNOWN ? um[sp - 1] : 0) | (b == MM_UNKNOWN ? um[sp] : 0);
      } else {
        st[sp - 1] = ((a == b) == (in.op == MM_OP_EQB)) ? MM_TRUE : MM_FALSE;
      }
      break;
    }
    case MM_OP_JF:
      if (st[sp - 1] == MM_FALSE) pc = in.k;
      break;
    case MM_OP_JT:
      if (st[sp - 1] == MM_TRUE) pc = in.k;
      break;
    case MM_OP_ANDJ:
    case MM_OP_ORJ: {
      sp--;
      mm_tv a = (mm_tv)st[sp - 1], b = (mm_tv)st[sp];
      bool is_and = in.op == MM_OP_ANDJ;
      mm_tv x = is_and ? mm_tv_and(a, b) : mm_tv_or(a, b);
      st[sp - 1] = (uint8_t)x;
      if (T)
        um[sp - 1] = x != MM_UNKNOWN ? 0
                                     : (a == MM_UNKNOWN ? um[sp - 1] : 0) |
                                           (b == MM_UNKNOWN ? um[sp] : 0);
      if (x == (is_and ? MM_FALSE : MM_TRUE)) pc = in.k;
      break;
    }
    case MM_OP_LTN:
    case MM_OP_LEN:
    case MM_OP_GTN:
    case MM_OP_GEN:
    case MM_OP_EQN:
    case MM_OP_NEN: {
      double x = 0;
      if (get_num(FACT(in.a), &x))
        PUSH(cmp_num(in.op - MM_OP_LTN, x, r->nums[in.k]) ? MM_TRUE : MM_FALSE, 0);
      else PUSH(MM_UNKNOWN, BIT(in.a));
      break;
    }
    case MM_OP_LTR:
    case MM_OP_LER:
    case MM_OP_GTR:
    case MM_OP_GER:
    case MM_OP_EQR:
    case MM_OP_NER: {
      double x = 0, y = 0;
      bool kx = get_num(FACT(in.a), &x), ky = get_num(FACT(in.b), &y);
      if (kx && ky) PUSH(cmp_num(in.op - MM_OP_LTR, x, y) ? MM_TRUE : MM_FALSE, 0);
      else PUSH(MM_UNKNOWN, (kx ? 0 : BIT(in.a)) | (ky ? 0 : BIT(in.b)));
      break;
    }
    case MM_OP_EQS:
    case MM_OP_NES: {
      const char *s = get_str(FACT(in.a));
      if (s) PUSH((strcmp(s, r->strs[in.k]) == 0) == (in.op == MM_OP_EQS) ? MM_TRUE : MM_FALSE, 0);
      else PUSH(MM_UNKNOWN, BIT(in.a));
      break;
    }
    case MM_OP_EQSR:
    case MM_OP_NESR: {
      const char *s = get_str(FACT(in.a)), *t = get_str(FACT(in.b));
      if (s && t) PUSH((strcmp(s, t) == 0) == (in.op == MM_OP_EQSR) ? MM_TRUE : MM_FALSE, 0);
      else PUSH(MM_UNKNOWN, (s ? 0 : BIT(in.a)) | (t ? 0 : BIT(in.b)));
      break;
    }
    case MM_OP_INN: {
      double x = 0;
      if (get_num(FACT(in.a), &x)) {
        const mm_rule_list l = r->lists[in.k];
        bool hit = false;
        for (uint32_t i = 0; i < l.n && !hit; i++) hit = r->nums[l.start + i] == x;
        PUSH(hit ? MM_TRUE : MM_FALSE, 0);
      } else {
        PUSH(MM_UNKNOWN, BIT(in.a));
      }
      break;
    }
    case MM_OP_INS: {
      const char *s = get_str(FACT(in.a));
      if (s) {
        const mm_rule_list l = r->lists[in.k];
        bool hit = false;
        for (uint32_t i = 0; i < l.n && !hit; i++) hit = strcmp(r->strs[l.start + i], s) == 0;
        PUSH(hit ? MM_TRUE : MM_FALSE, 0);
      } else {
        PUSH(MM_UNKNOWN, BIT(in.a));
      }
      break;
    }
    case MM_OP__COUNT: break;
    }
  }
#undef PUSH
#undef FACT
  mm_tv result = (mm_tv)st[0];
  if (T) {
    tr->n_used = tr->n_unknown = 0;
    uint64_t unk = result == MM_UNKNOWN ? um[0] : 0;
    for (uint32_t i = 0; i < r->n_refs; i++) {
      if (used & BIT(i)) tr->used[tr->n_used++] = slots[i];
      if (unk & BIT(i)) tr->unknown[tr->n_unknown++] = slots[i];
    }
  }
  return result;
}

mm_tv mm_rule_eval(const mm_rule *rule, const mm_value *facts, mm_rule_trace *trace) {
  if (trace) return run(rule, facts, trace, true);
  return run(rule, facts, NULL, false);
}

size_t mm_rule_slots(const mm_rule *rule, const int **slots_out) {
  *slots_out = rule->slots;
  return rule->n_refs;
}

const char *mm_rule_source(const mm_rule *rule) { return rule->source; }
