/* rule_compile.c: from syntax tree to checked bytecode. One walk over the
 * tree resolves every name through the caller's mm_rule_names (a name read
 * twice is resolved once), checks types (a criterion is boolean; numbers
 * compare with numbers; strings only with =, != and in; a string compared
 * with a fact that has allowed values must be one of them), and emits the
 * postfix code of rule_ops.h. The first error becomes one diagnostic at the
 * exact file:line:col, with a "did you mean" when a near name exists.
 * The tree and work buffers live in a scratch arena freed before returning;
 * only the finished rule is copied into the caller's arena. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rule/rule.h"
#include "rule/rule_ast.h"
#include "rule/rule_code.h"
#include "util/suggest.h"

#define NO_JUMP UINT32_MAX

typedef struct cache_entry {
  const char *text; /* "prior_lines" or "exposed(PI)" as written */
  int ref;
} cache_entry;

typedef struct compiler {
  const char *src;
  const mm_rule_names *names;
  mm_arena *tmp;
  mm_rule_error err;
  bool failed;
  /* distinct facts */
  int slots[MM_RULE_MAX_REFS];
  mm_type types[MM_RULE_MAX_REFS];
  const char *ref_names[MM_RULE_MAX_REFS];
  const char *const *values[MM_RULE_MAX_REFS]; /* allowed values, or NULL */
  int n_refs;
  cache_entry *cache;
  size_t n_cache, cap_cache;
  /* output */
  mm_rule_ins *code;
  size_t n_code, cap_code;
  double *nums;
  size_t n_nums, cap_nums;
  const char **strs;
  size_t n_strs, cap_strs;
  mm_rule_list *lists;
  size_t n_lists, cap_lists;
  int depth, max_depth; /* evaluation stack */
} compiler;

static void error_at(compiler *c, mm_diag_code code, mm_rule_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(compiler *c, mm_diag_code code, mm_rule_pos pos, const char *fmt, ...) {
  if (c->failed) return;
  c->failed = true;
  c->err.code = code;
  c->err.pos = pos;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
  va_end(ap);
}

/* Grow an array in the scratch arena to hold one more element. */
static bool reserve(compiler *c, void **arr, size_t n, size_t *cap, size_t elem) {
  if (n < *cap) return true;
  size_t nc = *cap ? *cap * 2 : 16;
  void *p = mm_arena_grow(c->tmp, *arr, n, nc, elem);
  if (!p) {
    error_at(c, MM_E_NOMEM, (mm_rule_pos){0, 0}, "out of memory");
    return false;
  }
  *arr = p;
  *cap = nc;
  return true;
}

/* ---- suggestions ------------------------------------------------------ */

/* The nearest name so far, copied: each_name's strings need not outlive the
 * callback. */
typedef struct nearest {
  const char *target;
  char best[64];
  int d;
} nearest;

static void consider(void *ctx, const char *name) {
  nearest *n = ctx;
  if (!name) return;
  int d = mm_edit_distance(n->target, name);
  /* The rule language's own cut-off (a 4-letter name allows 2 edits, one
   * more than mm_suggest_result), kept so that its messages do not change. */
  size_t len = strlen(n->target);
  int limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
  if (d <= limit && d < n->d && strlen(name) < sizeof n->best) {
    n->d = d;
    memcpy(n->best, name, strlen(name) + 1);
  }
}

/* ---- emitting --------------------------------------------------------- */

static uint32_t emit(compiler *c, mm_rule_op op, int a, int b, uint32_t k, int delta) {
  if (c->failed) return 0;
  if (!reserve(c, (void **)&c->code, c->n_code, &c->cap_code, sizeof *c->code)) return 0;
  c->code[c->n_code] = (mm_rule_ins){.op = (uint8_t)op, .a = (uint8_t)a, .b = (uint8_t)b,
                                     .k = k};
  c->depth += delta;
  if (c->depth > c->max_depth) c->max_depth = c->depth;
  return (uint32_t)c->n_code++;
}

static uint32_t add_num(compiler *c, double x) {
  if (!reserve(c, (void **)&c->nums, c->n_nums, &c->cap_nums, sizeof *c->nums)) return 0;
  c->nums[c->n_nums] = x;
  return (uint32_t)c->n_nums++;
}

static uint32_t add_str(compiler *c, const char *s) {
  if (!reserve(c, (void **)&c->strs, c->n_strs, &c->cap_strs, sizeof *c->strs)) return 0;
  c->strs[c->n_strs] = s;
  return (uint32_t)c->n_strs++;
}

/* ---- names ------------------------------------------------------------ */

static const char *type_name(mm_type t) {
  return t == MM_TYPE_BOOL ? "boolean" : t == MM_TYPE_NUMBER ? "number" : "string";
}

/* The node's source text, for messages (shortened). */
static const char *span(compiler *c, const mm_rule_node *x, char *buf, size_t n) {
  size_t len = x->end - x->off;
  if (len > 48) snprintf(buf, n, "%.45s...", c->src + x->off);
  else snprintf(buf, n, "%.*s", (int)len, c->src + x->off);
  return buf;
}

/* Resolves a N_NAME or N_CALL node to a reference index; -1 on error. */
static int resolve(compiler *c, const mm_rule_node *x) {
  const char *text = x->kind == N_CALL ? mm_arena_printf(c->tmp, "%s(%s)", x->str, x->arg)
                                        : x->str;
  if (!text) {
    error_at(c, MM_E_NOMEM, x->pos, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < c->n_cache; i++)
    if (strcmp(c->cache[i].text, text) == 0) return c->cache[i].ref;

  mm_rule_name_info info = {.slot = -1};
  const mm_rule_names *nm = c->names;
  if (x->kind == N_NAME) {
    if (!nm->resolve || nm->resolve(nm->payload, x->str, &info) != 0) {
      nearest n = {.target = x->str, .d = 1000};
      if (nm->each_name) nm->each_name(nm->payload, consider, &n);
      if (n.d < 1000)
        error_at(c, MM_E_UNKNOWN_NAME, x->pos, "unknown name '%s'; did you mean '%s'?", x->str,
                 n.best);
      else
        error_at(c, MM_E_UNKNOWN_NAME, x->pos, "unknown name '%s'", x->str);
      return -1;
    }
  } else {
    char why[240] = "";
    if (!nm->resolve_call ||
        nm->resolve_call(nm->payload, x->str, x->arg, &info, why, sizeof why) != 0) {
      char quoted[120];
      snprintf(quoted, sizeof quoted, "'%s'", x->arg);
      /* point at the argument when the resolver's reason is about it */
      mm_rule_pos at = why[0] && strstr(why, quoted) ? x->argpos : x->pos;
      if (why[0]) error_at(c, MM_E_UNKNOWN_NAME, at, "%s", why);
      else error_at(c, MM_E_UNKNOWN_NAME, at, "unknown name '%s'", text);
      return -1;
    }
  }
  if (info.slot < 0 || (info.type != MM_TYPE_BOOL && info.type != MM_TYPE_NUMBER &&
                        info.type != MM_TYPE_STRING)) {
    error_at(c, MM_E_INVALID, x->pos, "name '%s' resolved to an invalid fact (slot %d)", text,
             info.slot);
    return -1;
  }
  int ref = -1;
  for (int i = 0; i < c->n_refs; i++)
    if (c->slots[i] == info.slot) ref = i;
  if (ref < 0) {
    if (c->n_refs == MM_RULE_MAX_REFS) {
      error_at(c, MM_E_LIMIT, x->pos, "too many distinct facts in one rule (limit is %d)",
               MM_RULE_MAX_REFS);
      return -1;
    }
    ref = c->n_refs++;
    c->slots[ref] = info.slot;
    c->types[ref] = info.type;
    c->values[ref] = info.type == MM_TYPE_STRING ? info.values : NULL;
    c->ref_names[ref] = text;
  }
  if (!reserve(c, (void **)&c->cache, c->n_cache, &c->cap_cache, sizeof *c->cache)) return -1;
  c->cache[c->n_cache++] = (cache_entry){text, ref};
  return ref;
}

/* Checks string literal lit against the allowed values of fact node f. */
static void check_value(compiler *c, const mm_rule_node *f, const mm_rule_node *lit) {
  int ref = resolve(c, f); /* cached: the operand was resolved already */
  const char *const *vals = ref < 0 ? NULL : c->values[ref];
  if (!vals) return;
  for (size_t i = 0; vals[i]; i++)
    if (strcmp(vals[i], lit->str) == 0) return;
  nearest n = {.target = lit->str, .d = 1000};
  for (size_t i = 0; vals[i]; i++) consider(&n, vals[i]);
  char fb[64];
  span(c, f, fb, sizeof fb);
  if (n.d < 1000) {
    error_at(c, MM_E_INVALID, lit->pos, "'%s' is not a value of '%s'; did you mean '%s'?", lit->str,
             fb, n.best);
    return;
  }
  char list[200] = "";
  size_t used = 0;
  for (size_t i = 0; vals[i] && used < sizeof list - 8; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", vals[i]);
    if (w < 0) break;
    used += (size_t)w;
  }
  if (used >= sizeof list) memcpy(list + sizeof list - 4, "...", 4);
  error_at(c, MM_E_INVALID, lit->pos, "'%s' is not a value of '%s' (allowed: %s)", lit->str, fb,
           list);
}

/* ---- operands and types ----------------------------------------------- */

typedef enum { OPD_REF, OPD_NUM, OPD_STR, OPD_BOOL, OPD_EXPR } opd_kind;
typedef struct operand {
  opd_kind kind;
  mm_type type;
  int ref;
  const mm_rule_node *x;
} operand;

static int operand_of(compiler *c, const mm_rule_node *x, operand *o) {
  o->x = x;
  o->ref = -1;
  switch (x->kind) {
  case N_NUM: o->kind = OPD_NUM; o->type = MM_TYPE_NUMBER; return 0;
  case N_STR: o->kind = OPD_STR; o->type = MM_TYPE_STRING; return 0;
  case N_BOOL: o->kind = OPD_BOOL; o->type = MM_TYPE_BOOL; return 0;
  case N_NAME:
  case N_CALL:
    o->kind = OPD_REF;
    o->ref = resolve(c, x);
    if (o->ref < 0) return -1;
    o->type = c->types[o->ref];
    return 0;
  default: o->kind = OPD_EXPR; o->type = MM_TYPE_BOOL; return 0;
  }
}

static const char *what(compiler *c, const operand *o, char *buf, size_t n) {
  char sp[64];
  span(c, o->x, sp, sizeof sp);
  if (o->kind == OPD_EXPR) snprintf(buf, n, "'%s' (a condition)", sp);
  else if (o->kind == OPD_STR) snprintf(buf, n, "%s (a string)", sp);
  else snprintf(buf, n, "'%s' (a %s)", sp, type_name(o->type));
  return buf;
}

static void cbool(compiler *c, const mm_rule_node *x, const char *ctx);

static bool is_const(const operand *o) {
  return o->kind == OPD_NUM || o->kind == OPD_STR || o->kind == OPD_BOOL;
}

static mm_rule_tk flip(mm_rule_tk op) {
  switch (op) {
  case TK_LT: return TK_GT;
  case TK_LE: return TK_GE;
  case TK_GT: return TK_LT;
  case TK_GE: return TK_LE;
  default: return op;
  }
}

static bool fold_num(mm_rule_tk op, double a, double b) {
  switch (op) {
  case TK_LT: return a < b;
  case TK_LE: return a <= b;
  case TK_GT: return a > b;
  case TK_GE: return a >= b;
  case TK_EQ: return a == b;
  default: return a != b;
  }
}

/* Emits a boolean operand of '=' / '!=' (a condition, a fact or a literal). */
static void push_bool(compiler *c, const operand *o) {
  if (o->kind == OPD_BOOL) emit(c, o->x->b ? MM_OP_TRUE : MM_OP_FALSE, 0, 0, 0, 1);
  else if (o->kind == OPD_REF) emit(c, MM_OP_LOAD, o->ref, 0, 0, 1);
  else cbool(c, o->x, "'='");
}

/* cmp: l op r */
static void ccmp(compiler *c, const mm_rule_node *x) {
  operand L, R;
  char b1[120], b2[120];
  if (operand_of(c, x->l, &L) < 0 || operand_of(c, x->r, &R) < 0) return;
  mm_rule_tk op = x->op;
  int rel = (int)op - (int)TK_LT; /* ORDER CMP */
  if (L.type != R.type) {
    error_at(c, MM_E_TYPE, x->oppos, "cannot compare %s with %s", what(c, &L, b1, sizeof b1),
             what(c, &R, b2, sizeof b2));
    return;
  }
  if (L.type == MM_TYPE_BOOL) {
    if (op != TK_EQ && op != TK_NE) {
      error_at(c, MM_E_TYPE, x->oppos, "booleans compare only with '=' or '!='; '%s' is boolean",
               span(c, L.x, b1, sizeof b1));
      return;
    }
    if (L.kind == OPD_BOOL && R.kind == OPD_BOOL) {
      bool v = (L.x->b == R.x->b) == (op == TK_EQ);
      emit(c, v ? MM_OP_TRUE : MM_OP_FALSE, 0, 0, 0, 1);
    } else if (L.kind == OPD_BOOL || R.kind == OPD_BOOL) {
      const operand *lit = L.kind == OPD_BOOL ? &L : &R, *other = lit == &L ? &R : &L;
      push_bool(c, other);
      if ((op == TK_EQ) != lit->x->b) emit(c, MM_OP_NOT, 0, 0, 0, 0);
    } else {
      push_bool(c, &L);
      push_bool(c, &R);
      emit(c, op == TK_EQ ? MM_OP_EQB : MM_OP_NEB, 0, 0, 0, -1);
    }
    return;
  }
  if (L.type == MM_TYPE_STRING) {
    if (op != TK_EQ && op != TK_NE) {
      error_at(
          c, MM_E_TYPE, x->oppos, "strings compare only with '=', '!=' or 'in'; %s%s%s is a string",
          L.kind == OPD_STR ? "" : "'", span(c, L.x, b1, sizeof b1), L.kind == OPD_STR ? "" : "'");
      return;
    }
    if (L.kind == OPD_STR && R.kind == OPD_STR) {
      bool v = (strcmp(L.x->str, R.x->str) == 0) == (op == TK_EQ);
      emit(c, v ? MM_OP_TRUE : MM_OP_FALSE, 0, 0, 0, 1);
    } else if (L.kind == OPD_STR || R.kind == OPD_STR) {
      const operand *lit = L.kind == OPD_STR ? &L : &R, *f = lit == &L ? &R : &L;
      check_value(c, f->x, lit->x);
      uint32_t k = add_str(c, lit->x->str);
      emit(c, op == TK_EQ ? MM_OP_EQS : MM_OP_NES, f->ref, 0, k, 1);
    } else {
      emit(c, op == TK_EQ ? MM_OP_EQSR : MM_OP_NESR, L.ref, R.ref, 0, 1);
    }
    return;
  }
  /* numbers */
  if (L.kind == OPD_NUM && R.kind == OPD_NUM) {
    emit(c, fold_num(op, L.x->num, R.x->num) ? MM_OP_TRUE : MM_OP_FALSE, 0, 0, 0, 1);
  } else if (L.kind == OPD_NUM || R.kind == OPD_NUM) {
    const operand *lit = L.kind == OPD_NUM ? &L : &R, *f = lit == &L ? &R : &L;
    if (lit == &L) rel = (int)flip(op) - (int)TK_LT;
    uint32_t k = add_num(c, lit->x->num);
    emit(c, (mm_rule_op)(MM_OP_LTN + rel), f->ref, 0, k, 1);
  } else {
    emit(c, (mm_rule_op)(MM_OP_LTR + rel), L.ref, R.ref, 0, 1);
  }
}

/* in: l ['not'] in [items] */
static void cin(compiler *c, const mm_rule_node *x) {
  operand L;
  char b1[120];
  if (operand_of(c, x->l, &L) < 0) return;
  if (L.kind != OPD_REF || L.type == MM_TYPE_BOOL) {
    error_at(c, MM_E_TYPE, x->oppos, "'in' needs a number or string fact on its left, not %s",
             what(c, &L, b1, sizeof b1));
    return;
  }
  mm_rule_nk want = L.type == MM_TYPE_NUMBER ? N_NUM : N_STR;
  if (!reserve(c, (void **)&c->lists, c->n_lists, &c->cap_lists, sizeof *c->lists)) return;
  mm_rule_list list = {.start = (uint32_t)(want == N_NUM ? c->n_nums : c->n_strs),
                       .n = (uint32_t)x->n};
  for (size_t i = 0; i < x->n && !c->failed; i++) {
    const mm_rule_node *it = x->kids[i];
    if (it->kind != want) {
      char sp[64];
      error_at(c, MM_E_TYPE, it->pos, "list item %s is a %s, but '%s' is a %s",
               span(c, it, sp, sizeof sp), it->kind == N_NUM ? "number" : "string",
               span(c, x->l, b1, sizeof b1), type_name(L.type));
      return;
    }
    if (want == N_STR) {
      check_value(c, x->l, it);
      add_str(c, it->str);
    } else {
      add_num(c, it->num);
    }
  }
  if (c->failed) return;
  c->lists[c->n_lists] = list;
  emit(c, want == N_NUM ? MM_OP_INN : MM_OP_INS, L.ref, 0, (uint32_t)c->n_lists++, 1);
  if (x->neg) emit(c, MM_OP_NOT, 0, 0, 0, 0);
}

/* is: l is ['not'] known|unknown */
static void cis(compiler *c, const mm_rule_node *x) {
  operand L;
  char b1[120];
  if (operand_of(c, x->l, &L) < 0) return;
  if (is_const(&L)) {
    error_at(c, MM_E_TYPE, x->oppos, "'is known' needs a fact or a condition; %s is always known",
             what(c, &L, b1, sizeof b1));
    return;
  }
  if (L.kind == OPD_REF) {
    emit(c, MM_OP_KNOWN, L.ref, 0, 0, 1);
  } else {
    cbool(c, x->l, "'is known'");
    emit(c, MM_OP_KNOWNT, 0, 0, 0, 0);
  }
  if (x->b == x->neg) emit(c, MM_OP_NOT, 0, 0, 0, 0);
}

static const bool leaf_op[] = {
#define X(name, layout, leaf, doc) leaf,
    MM_RULE_OPS(X)
#undef X
};

/* and/or chain: kid0 J kid1 XJ kid2 XJ ... ; every jump goes to the end.
 * A kid that compiled to one leaf instruction takes the jump as its mode
 * (rule_ops.h) instead of a separate JF/JT/ANDJ/ORJ. Pending jumps are
 * linked through their j fields until the end is known. */
static void cchain(compiler *c, const mm_rule_node *x) {
  bool is_and = x->kind == N_AND;
  const char *ctx = is_and ? "'and'" : "'or'";
  uint32_t pending = NO_JUMP;
  for (size_t i = 0; i < x->n && !c->failed; i++) {
    size_t start = c->n_code;
    cbool(c, x->kids[i], ctx);
    if (c->failed) return;
    mm_rule_ins *last = &c->code[c->n_code - 1];
    if (c->n_code == start + 1 && leaf_op[last->op] && last->mode == MM_MODE_PUSH) {
      last->mode = (uint8_t)(i == 0 ? (is_and ? MM_MODE_JF : MM_MODE_JT)
                                    : (is_and ? MM_MODE_AND : MM_MODE_OR));
      last->j = pending;
      pending = (uint32_t)start;
      if (i > 0) c->depth--; /* combined into the value below it */
    } else {
      mm_rule_op op = i == 0 ? (is_and ? MM_OP_JF : MM_OP_JT) : (is_and ? MM_OP_ANDJ : MM_OP_ORJ);
      uint32_t at = emit(c, op, 0, 0, 0, i == 0 ? 0 : -1);
      if (c->failed) return;
      c->code[at].j = pending;
      pending = at;
    }
  }
  if (c->failed) return;
  uint32_t end = (uint32_t)c->n_code;
  while (pending != NO_JUMP) {
    uint32_t next = c->code[pending].j;
    c->code[pending].j = end;
    pending = next;
  }
}

/* Emits x, which must be boolean; ctx names who needs it ("'and'"). */
static void cbool(compiler *c, const mm_rule_node *x, const char *ctx) {
  if (c->failed) return;
  char sp[64];
  switch (x->kind) {
  case N_BOOL: emit(c, x->b ? MM_OP_TRUE : MM_OP_FALSE, 0, 0, 0, 1); return;
  case N_NUM:
  case N_STR:
    error_at(c, MM_E_TYPE, x->pos, "%s needs a condition (true or false), but %s%s%s is a %s", ctx,
             x->kind == N_NUM ? "'" : "", span(c, x, sp, sizeof sp),
             x->kind == N_NUM ? "'" : "", x->kind == N_NUM ? "number" : "string");
    return;
  case N_NAME:
  case N_CALL: {
    int ref = resolve(c, x);
    if (ref < 0) return;
    if (c->types[ref] != MM_TYPE_BOOL) {
      error_at(c, MM_E_TYPE, x->pos, "%s needs a condition (true or false), but '%s' is a %s%s",
               ctx, span(c, x, sp, sizeof sp), type_name(c->types[ref]),
               c->types[ref] == MM_TYPE_NUMBER ? "; compare it, e.g. with '>='" : "");
      return;
    }
    emit(c, MM_OP_LOAD, ref, 0, 0, 1);
    return;
  }
  case N_AND:
  case N_OR: cchain(c, x); return;
  case N_NOT:
    cbool(c, x->l, "'not'");
    emit(c, MM_OP_NOT, 0, 0, 0, 0);
    return;
  case N_CMP: ccmp(c, x); return;
  case N_IN: cin(c, x); return;
  case N_IS: cis(c, x); return;
  }
}

/* ---- the entry point -------------------------------------------------- */

static void file_pos(const mm_rule_origin *o, mm_rule_pos p, int *line, int *col) {
  if (!o) {
    *line = p.line + 1;
    *col = p.col + 1;
  } else if (o->block) {
    *line = o->line + 1 + p.line;
    *col = o->indent + p.col;
  } else if (p.line == 0) {
    *line = o->line;
    *col = o->col + p.col;
  } else {
    *line = o->line + p.line;
    *col = p.col + 1;
  }
}

static void *copy_out(mm_arena *a, const void *p, size_t n, size_t elem) {
  void *q = mm_arena_alloc(a, n ? n * elem : 1);
  if (q && n) memcpy(q, p, n * elem);
  return q;
}

int mm_rule_compile(mm_rule **out, mm_arena *arena, const char *src,
                    const mm_rule_names *names, const mm_rule_origin *origin,
                    mm_diags *diags) {
  *out = NULL;
  const char *file = origin ? origin->file : NULL;
  int line, col;
  size_t len = src ? strlen(src) : 0;
  if (!src || len > MM_RULE_MAX_SOURCE) {
    file_pos(origin, (mm_rule_pos){0, 0}, &line, &col);
    mm_diag_errorc(diags, MM_E_LIMIT, file, line, col, NULL,
                   "rule too long (%zu bytes; limit is %d)", len, MM_RULE_MAX_SOURCE);
    return -1;
  }
  compiler c = {.src = src, .names = names};
  mm_arena tmp;
  mm_arena_init(&tmp, 0);
  c.tmp = &tmp;
  mm_rule_node *tree = NULL;
  if (mm_rule_parse(&tree, &tmp, src, len, &c.err) < 0) c.failed = true;
  else cbool(&c, tree, "a criterion");
  if (!c.failed && c.max_depth > MM_RULE_STACK)
    error_at(&c, MM_E_LIMIT, (mm_rule_pos){0, 0},
             "rule too complex (needs %d stack values; limit is %d)", c.max_depth, MM_RULE_STACK);
  if (!c.failed && tmp.failed) error_at(&c, MM_E_NOMEM, (mm_rule_pos){0, 0}, "out of memory");
  if (c.failed) {
    file_pos(origin, c.err.pos, &line, &col);
    mm_diag_errorc(diags, c.err.code, file, line, col, NULL, "%s", c.err.msg);
    mm_arena_free(&tmp);
    return -1;
  }

  mm_rule *r = mm_arena_alloc(arena, sizeof *r);
  if (r) {
    r->source = mm_arena_strdup(arena, src);
    /* Where it was written, for `mmpath kb rule`; copied: the origin's file
     * name may not live as long as the rule. */
    file_pos(origin, (mm_rule_pos){0, 0}, &line, &col);
    r->file = file ? mm_arena_strdup(arena, file) : NULL;
    r->line = origin ? line : 0;
    r->code = copy_out(arena, c.code, c.n_code, sizeof *c.code);
    r->n_code = (uint32_t)c.n_code;
    r->max_stack = (uint32_t)c.max_depth;
    r->nums = copy_out(arena, c.nums, c.n_nums, sizeof *c.nums);
    const char **strs = mm_arena_alloc(arena, (c.n_strs ? c.n_strs : 1) * sizeof *strs);
    for (size_t i = 0; strs && i < c.n_strs; i++) strs[i] = mm_arena_strdup(arena, c.strs[i]);
    r->strs = strs;
    r->lists = copy_out(arena, c.lists, c.n_lists, sizeof *c.lists);
    r->n_refs = (uint32_t)c.n_refs;
    r->slots = copy_out(arena, c.slots, (size_t)c.n_refs, sizeof c.slots[0]);
    r->types = copy_out(arena, c.types, (size_t)c.n_refs, sizeof c.types[0]);
    const char **rn = mm_arena_alloc(arena, (size_t)(c.n_refs ? c.n_refs : 1) * sizeof *rn);
    for (int i = 0; rn && i < c.n_refs; i++) rn[i] = mm_arena_strdup(arena, c.ref_names[i]);
    r->ref_names = rn;
  }
  mm_arena_free(&tmp);
  if (!r || arena->failed) {
    file_pos(origin, (mm_rule_pos){0, 0}, &line, &col);
    mm_diag_errorc(diags, MM_E_NOMEM, file, line, col, NULL, "out of memory");
    return -1;
  }
  *out = r;
  return 0;
}
