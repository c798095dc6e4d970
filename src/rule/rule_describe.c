/* rule_describe.c: renders a compiled rule back as an expression, from its
 * bytecode (the syntax tree is not kept). The text is canonical, not the
 * author's: facts are named as first written, a constant is on the right of
 * its comparison (3 <= x reads x >= 3), only needed parentheses remain, and
 * 'p = false' reads 'not p'. Given the fact vector, each fact also shows its
 * value, so an explanation can say why a criterion failed:
 *   prior_lines [2] >= 3 and progression_on_last [unknown]
 * It decompiles with a stack of text fragments, each with its precedence
 * (or 1, and 2, not 3, comparison 4, atom 5), plus, for 'is known' and
 * 'in', the text its negation reads as ('is unknown', 'not in'). This is
 * for messages, not the evaluation path: it allocates (and frees) freely. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule_code.h"
#include "util/strbuf.h"

enum { P_OR = 1, P_AND = 2, P_NOT = 3, P_CMP = 4, P_ATOM = 5 };

typedef struct frag {
  mm_strbuf text;
  int prec;
  mm_strbuf neg; /* how 'not <text>' reads, when it has its own form */
  bool has_neg;
} frag;

typedef struct describer {
  const mm_rule *r;
  const mm_value *facts;
  frag *st;
  size_t sp, cap;
} describer;

static void frag_init(frag *f) {
  mm_strbuf_init(&f->text, 1 << 20);
  mm_strbuf_init(&f->neg, 1 << 20);
  f->prec = P_ATOM;
  f->has_neg = false;
}

static void frag_free(frag *f) {
  mm_strbuf_free(&f->text);
  mm_strbuf_free(&f->neg);
}

/* A constant as the language reads it back to the same double: a plain
 * decimal (no exponent: docs/rule-language.md), the shortest that is exact.
 * A compiled constant was written in at most 63 characters, so this is too. */
static void put_num(mm_strbuf *b, double x) {
  char buf[400];
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, sizeof buf, "%.*e", p - 1, x);
    if (strtod(buf, NULL) != x && p < 17) continue;
    int exp10 = atoi(strchr(buf, 'e') + 1); /* x = d.ddd * 10^exp10 */
    int decimals = p - 1 - exp10;
    snprintf(buf, sizeof buf, "%.*f", decimals > 0 ? (decimals < 340 ? decimals : 340) : 0, x);
    mm_strbuf_puts(b, buf);
    return;
  }
}

static void put_str_lit(mm_strbuf *b, const char *s) {
  char q = strchr(s, '\'') ? '"' : '\'';
  mm_strbuf_putc(b, q);
  mm_strbuf_puts(b, s);
  mm_strbuf_putc(b, q);
}

/* A fact's name, and with facts its value: "prior_lines [2]". */
static void put_ref(describer *d, mm_strbuf *b, unsigned ref) {
  mm_strbuf_puts(b, ref < d->r->n_refs ? d->r->ref_names[ref] : "?");
  if (!d->facts || ref >= d->r->n_refs) return;
  const mm_value *v = &d->facts[d->r->slots[ref]];
  mm_strbuf_puts(b, " [");
  if (!v->known || v->type != d->r->types[ref] || (v->type == MM_TYPE_NUMBER && v->num != v->num) ||
      (v->type == MM_TYPE_STRING && !v->str))
    mm_strbuf_puts(b, "unknown");
  else if (v->type == MM_TYPE_BOOL) mm_strbuf_puts(b, v->b ? "true" : "false");
  else if (v->type == MM_TYPE_NUMBER) mm_strbuf_printf(b, "%g", v->num);
  else put_str_lit(b, v->str);
  mm_strbuf_putc(b, ']');
}

static frag *push(describer *d, int prec) {
  if (d->sp == d->cap) return NULL; /* cannot happen: cap covers max_stack */
  frag *f = &d->st[d->sp++];
  frag_init(f);
  f->prec = prec;
  return f;
}

/* Appends f's text to b, in parentheses if it binds looser than prec. */
static void put_operand(mm_strbuf *b, const frag *f, int prec) {
  bool paren = f->prec < prec;
  if (paren) mm_strbuf_putc(b, '(');
  mm_strbuf_add(b, f->text.data ? f->text.data : "", f->text.len);
  if (paren) mm_strbuf_putc(b, ')');
}

/* Replaces the two top fragments a, b with "a <op> b" at precedence prec. */
static void binary(describer *d, const char *op, int prec) {
  frag *a = &d->st[d->sp - 2], *b = &d->st[d->sp - 1];
  frag out;
  frag_init(&out);
  out.prec = prec;
  /* a right operand of the same precedence needs parentheses for '=' */
  put_operand(&out.text, a, prec == P_CMP ? P_ATOM : prec);
  mm_strbuf_puts(&out.text, op);
  put_operand(&out.text, b, prec == P_CMP ? P_ATOM : prec);
  frag_free(a);
  frag_free(b);
  *a = out;
  d->sp--;
}

static void negate(describer *d) {
  frag *a = &d->st[d->sp - 1];
  frag out;
  frag_init(&out);
  if (a->has_neg) {
    out.prec = P_CMP;
    mm_strbuf_add(&out.text, a->neg.data, a->neg.len);
    /* and 'not not' of it reads as the original again */
    mm_strbuf_add(&out.neg, a->text.data, a->text.len);
    out.has_neg = true;
  } else {
    out.prec = P_NOT;
    mm_strbuf_puts(&out.text, "not ");
    put_operand(&out.text, a, P_NOT);
  }
  frag_free(a);
  *a = out;
}

static const char *const rel_text[] = {" < ", " <= ", " > ", " >= ", " = ", " != "};

/* The fragment for a leaf instruction. */
static void leaf(describer *d, const mm_rule_ins *in) {
  const mm_rule *r = d->r;
  frag *f = push(d, P_CMP);
  if (!f) return;
  mm_strbuf *t = &f->text;
  switch ((mm_rule_op)in->op) {
  case MM_OP_LOAD:
    f->prec = P_ATOM;
    put_ref(d, t, in->a);
    return;
  case MM_OP_KNOWN:
    put_ref(d, t, in->a);
    mm_strbuf_puts(t, " is known");
    put_ref(d, &f->neg, in->a);
    mm_strbuf_puts(&f->neg, " is unknown");
    f->has_neg = true;
    return;
  case MM_OP_INN:
  case MM_OP_INS: {
    const mm_rule_list l = r->lists[in->k];
    mm_strbuf items;
    mm_strbuf_init(&items, 1 << 20);
    mm_strbuf_putc(&items, '[');
    for (uint32_t i = 0; i < l.n; i++) {
      if (i) mm_strbuf_puts(&items, ", ");
      if (in->op == MM_OP_INN) put_num(&items, r->nums[l.start + i]);
      else put_str_lit(&items, r->strs[l.start + i]);
    }
    mm_strbuf_putc(&items, ']');
    put_ref(d, t, in->a);
    mm_strbuf_puts(t, " in ");
    mm_strbuf_add(t, items.data, items.len);
    put_ref(d, &f->neg, in->a);
    mm_strbuf_puts(&f->neg, " not in ");
    mm_strbuf_add(&f->neg, items.data, items.len);
    f->has_neg = true;
    mm_strbuf_free(&items);
    return;
  }
  case MM_OP_EQS:
  case MM_OP_NES:
    put_ref(d, t, in->a);
    mm_strbuf_puts(t, in->op == MM_OP_EQS ? " = " : " != ");
    put_str_lit(t, r->strs[in->k]);
    return;
  case MM_OP_EQSR:
  case MM_OP_NESR:
    put_ref(d, t, in->a);
    mm_strbuf_puts(t, in->op == MM_OP_EQSR ? " = " : " != ");
    put_ref(d, t, in->b);
    return;
  default:
    if (in->op >= MM_OP_LTN && in->op <= MM_OP_NEN) {
      put_ref(d, t, in->a);
      mm_strbuf_puts(t, rel_text[in->op - MM_OP_LTN]);
      put_num(t, r->nums[in->k]);
    } else if (in->op >= MM_OP_LTR && in->op <= MM_OP_NER) {
      put_ref(d, t, in->a);
      mm_strbuf_puts(t, rel_text[in->op - MM_OP_LTR]);
      put_ref(d, t, in->b);
    }
    return;
  }
}

static const bool leaf_op[] = {
#define X(name, layout, leaf, doc) leaf,
    MM_RULE_OPS(X)
#undef X
};

void mm_rule_describe(const mm_rule *r, const mm_value *facts, mm_strbuf *out) {
  describer d = {.r = r, .facts = facts, .cap = (size_t)r->max_stack + 2};
  d.st = calloc(d.cap, sizeof *d.st);
  if (!d.st) {
    out->failed = true;
    return;
  }
  for (uint32_t pc = 0; pc < r->n_code; pc++) {
    const mm_rule_ins *in = &r->code[pc];
    if (in->op < MM_OP__COUNT && leaf_op[in->op]) {
      leaf(&d, in);
      if (in->mode == MM_MODE_AND || in->mode == MM_MODE_OR)
        binary(&d, in->mode == MM_MODE_AND ? " and " : " or ", in->mode == MM_MODE_AND ? P_AND : P_OR);
      continue;
    }
    frag *f;
    switch ((mm_rule_op)in->op) {
    case MM_OP_TRUE:
    case MM_OP_FALSE:
      if ((f = push(&d, P_ATOM))) mm_strbuf_puts(&f->text, in->op == MM_OP_TRUE ? "true" : "false");
      break;
    case MM_OP_NOT: negate(&d); break;
    case MM_OP_KNOWNT: {
      frag *a = &d.st[d.sp - 1];
      frag x;
      frag_init(&x);
      x.prec = P_CMP;
      put_operand(&x.text, a, P_ATOM);
      mm_strbuf_puts(&x.text, " is known");
      put_operand(&x.neg, a, P_ATOM);
      mm_strbuf_puts(&x.neg, " is unknown");
      x.has_neg = true;
      frag_free(a);
      *a = x;
      break;
    }
    case MM_OP_EQB: binary(&d, " = ", P_CMP); break;
    case MM_OP_NEB: binary(&d, " != ", P_CMP); break;
    case MM_OP_ANDJ: binary(&d, " and ", P_AND); break;
    case MM_OP_ORJ: binary(&d, " or ", P_OR); break;
    default: break; /* JF, JT: the chain's start, nothing to render */
    }
  }
  if (d.sp >= 1) mm_strbuf_add(out, d.st[0].text.data ? d.st[0].text.data : "", d.st[0].text.len);
  for (size_t i = 0; i < d.sp; i++) frag_free(&d.st[i]);
  free(d.st);
}
