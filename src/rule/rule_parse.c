/* rule_parse.c: the parser of the criteria language, hand-written
 * precedence climbing in the manner of Lua's lparser.c. Each function
 * carries its grammar rule. The whole grammar:
 *   expr    -> or
 *   or      -> and {'or' and}
 *   and     -> not {'and' not}
 *   not     -> 'not' not | cmp
 *   cmp     -> primary [cmpop primary]
 *            | primary ['not'] 'in' '[' literal {',' literal} ']'
 *            | primary 'is' ['not'] ('known' | 'unknown')
 *   primary -> NUMBER | STRING | 'true' | 'false' | NAME
 *            | NAME '(' (NAME | STRING) ')' | '(' expr ')'
 *   literal -> NUMBER | STRING
 *   cmpop   -> '<' | '<=' | '>' | '>=' | '=' | '==' | '!='
 * 'or' and 'and' are climbed with a priority table (subexpr); chains of one
 * operator become one n-ary node. Nesting ('(' and 'not') is bounded by
 * MM_RULE_MAX_DEPTH, so no input can exhaust the C stack. The parser stops
 * at the first error: one error, exactly placed, beats a cascade. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rule/rule.h"
#include "rule/rule_ast.h"

typedef struct parser {
  mm_rule_lexer lx;
  mm_rule_token tok; /* current token */
  mm_rule_token prev;
  mm_arena *arena;
  mm_rule_error *err;
  int depth;
  bool failed;
} parser;

static void error_at(parser *p, mm_diag_code code, mm_rule_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(parser *p, mm_diag_code code, mm_rule_pos pos, const char *fmt, ...) {
  if (p->failed) return;
  p->failed = true;
  p->err->code = code;
  p->err->pos = pos;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
  va_end(ap);
}

static void advance(parser *p) {
  if (p->failed) return;
  p->prev = p->tok;
  if (mm_rule_lex_next(&p->lx, &p->tok, p->err) < 0) {
    p->failed = true;
    p->tok.kind = TK_EOF;
  }
}

static const char *tkdesc(parser *p, const mm_rule_token *t, char *buf, size_t n) {
  mm_rule_tk_describe(p->lx.src, t, buf, n);
  return buf;
}

static mm_rule_node *new_node(parser *p, mm_rule_nk kind, const mm_rule_token *first) {
  mm_rule_node *x = mm_arena_alloc(p->arena, sizeof *x);
  if (!x) {
    error_at(p, MM_E_NOMEM, first->pos, "out of memory");
    return NULL;
  }
  x->kind = kind;
  x->pos = first->pos;
  x->oppos = first->pos;
  x->off = first->off;
  x->end = first->off + first->len;
  return x;
}

static void add_kid(parser *p, mm_rule_node *x, mm_rule_node *kid) {
  if (x->n == x->cap) {
    size_t cap = x->cap ? x->cap * 2 : 4;
    mm_rule_node **k = mm_arena_grow(p->arena, x->kids, x->n, cap, sizeof *k);
    if (!k) {
      error_at(p, MM_E_NOMEM, kid->pos, "out of memory");
      return;
    }
    x->kids = k;
    x->cap = cap;
  }
  x->kids[x->n++] = kid;
}

static bool enter(parser *p) {
  if (++p->depth > MM_RULE_MAX_DEPTH) {
    error_at(p, MM_E_LIMIT, p->tok.pos, "nesting too deep (limit is %d)", MM_RULE_MAX_DEPTH);
    return false;
  }
  return true;
}
static void leave(parser *p) { p->depth--; }

/* The text of a NAME or STRING token (strings without quotes). */
static const char *tok_text(parser *p, const mm_rule_token *t) {
  size_t off = t->off, len = t->len;
  if (t->kind == TK_STRING) {
    off++;
    len -= 2;
  }
  char *s = mm_arena_strndup(p->arena, p->lx.src + off, len);
  if (!s) error_at(p, MM_E_NOMEM, t->pos, "out of memory");
  return s;
}

static mm_rule_node *expr(parser *p);

/* primary -> NUMBER | STRING | 'true' | 'false' | NAME
 *          | NAME '(' (NAME | STRING) ')' | '(' expr ')' */
static mm_rule_node *primary(parser *p) {
  mm_rule_token t = p->tok;
  mm_rule_node *x = NULL;
  char b1[80], b2[80];
  switch (t.kind) {
  case TK_NUMBER:
    if ((x = new_node(p, N_NUM, &t))) x->num = t.num;
    advance(p);
    return x;
  case TK_STRING:
    if ((x = new_node(p, N_STR, &t))) x->str = tok_text(p, &t);
    advance(p);
    return x;
  case TK_TRUE:
  case TK_FALSE:
    if ((x = new_node(p, N_BOOL, &t))) x->b = t.kind == TK_TRUE;
    advance(p);
    return x;
  case TK_NAME:
    if (!(x = new_node(p, N_NAME, &t))) return NULL;
    x->str = tok_text(p, &t);
    advance(p);
    if (p->tok.kind != TK_LPAREN) return x;
    /* a call: fn(arg) */
    x->kind = N_CALL;
    advance(p);
    if (p->tok.kind != TK_NAME && p->tok.kind != TK_STRING) {
      error_at(p, MM_E_SYNTAX, p->tok.pos, "expected a name inside %s(...) but found %s", x->str,
               tkdesc(p, &p->tok, b1, sizeof b1));
      return NULL;
    }
    x->arg = tok_text(p, &p->tok);
    x->argpos = p->tok.pos;
    advance(p);
    if (p->tok.kind != TK_RPAREN) {
      error_at(p, MM_E_SYNTAX, p->tok.pos, "expected ')' to close %s( but found %s", x->str,
               tkdesc(p, &p->tok, b1, sizeof b1));
      return NULL;
    }
    x->end = p->tok.off + p->tok.len;
    advance(p);
    return x;
  case TK_LPAREN: {
    if (!enter(p)) return NULL;
    advance(p);
    x = expr(p);
    if (p->failed) return NULL;
    if (p->tok.kind != TK_RPAREN) {
      error_at(p, MM_E_SYNTAX, p->tok.pos,
               "expected ')' to close the '(' at column %d but found %s", t.pos.col + 1,
               tkdesc(p, &p->tok, b1, sizeof b1));
      return NULL;
    }
    leave(p);
    advance(p);
    return x;
  }
  default:
    error_at(p, MM_E_SYNTAX, t.pos, "expected a value, a name or '(' but found %s",
             tkdesc(p, &t, b2, sizeof b2));
    return NULL;
  }
}

static bool is_cmpop(mm_rule_tk k) { return k >= TK_LT && k <= TK_NE; }

/* literal -> NUMBER | STRING */
static mm_rule_node *literal(parser *p) {
  mm_rule_token t = p->tok;
  char b[80];
  if (t.kind == TK_NUMBER || t.kind == TK_STRING) return primary(p);
  if (t.kind == TK_NAME)
    error_at(p, MM_E_SYNTAX, t.pos,
             "list items must be numbers or quoted strings; write '%.*s' in quotes",
             (int)t.len, p->lx.src + t.off);
  else
    error_at(p, MM_E_SYNTAX, t.pos, "expected a number or a quoted string in the list but found %s",
             tkdesc(p, &t, b, sizeof b));
  return NULL;
}

/* cmp -> primary [cmpop primary]
 *      | primary ['not'] 'in' '[' literal {',' literal} ']'
 *      | primary 'is' ['not'] ('known' | 'unknown') */
static mm_rule_node *cmp(parser *p) {
  mm_rule_token first = p->tok;
  char b[80];
  mm_rule_node *l = primary(p);
  if (p->failed) return NULL;
  mm_rule_token op = p->tok;
  mm_rule_node *x = NULL;
  if (is_cmpop(op.kind)) {
    if (!(x = new_node(p, N_CMP, &first))) return NULL;
    x->op = op.kind;
    x->oppos = op.pos;
    x->l = l;
    advance(p);
    x->r = primary(p);
    if (p->failed) return NULL;
    x->end = x->r->end;
    if (is_cmpop(p->tok.kind))
      error_at(p, MM_E_SYNTAX, p->tok.pos, "comparisons do not chain; join them with 'and' "
               "(a < b and b < c)");
    return x;
  }
  if (op.kind == TK_NOT || op.kind == TK_IN) {
    if (!(x = new_node(p, N_IN, &first))) return NULL;
    x->l = l;
    x->oppos = op.pos;
    if (op.kind == TK_NOT) {
      x->neg = true;
      advance(p);
      if (p->tok.kind != TK_IN) {
        error_at(p, MM_E_SYNTAX, p->tok.pos, "expected 'in' after 'not' but found %s",
                 tkdesc(p, &p->tok, b, sizeof b));
        return NULL;
      }
    }
    advance(p);
    if (p->tok.kind != TK_LBRACK) {
      error_at(p, MM_E_SYNTAX, p->tok.pos, "expected '[' to start the list after 'in' but found %s",
               tkdesc(p, &p->tok, b, sizeof b));
      return NULL;
    }
    advance(p);
    if (p->tok.kind == TK_RBRACK) {
      error_at(p, MM_E_SYNTAX, p->tok.pos, "empty list after 'in'");
      return NULL;
    }
    for (;;) {
      mm_rule_node *item = literal(p);
      if (p->failed) return NULL;
      add_kid(p, x, item);
      if (p->tok.kind == TK_COMMA) {
        advance(p);
        continue;
      }
      if (p->tok.kind == TK_RBRACK) break;
      error_at(p, MM_E_SYNTAX, p->tok.pos, "expected ',' or ']' in the list but found %s",
               tkdesc(p, &p->tok, b, sizeof b));
      return NULL;
    }
    x->end = p->tok.off + 1;
    advance(p);
    return x;
  }
  if (op.kind == TK_IS) {
    if (!(x = new_node(p, N_IS, &first))) return NULL;
    x->l = l;
    x->oppos = op.pos;
    advance(p);
    if (p->tok.kind == TK_NOT) {
      x->neg = true;
      advance(p);
    }
    if (p->tok.kind != TK_KNOWN && p->tok.kind != TK_UNKNOWN) {
      error_at(p, MM_E_SYNTAX, p->tok.pos, "expected 'known' or 'unknown' after 'is' but found %s",
               tkdesc(p, &p->tok, b, sizeof b));
      return NULL;
    }
    x->b = p->tok.kind == TK_KNOWN;
    x->end = p->tok.off + p->tok.len;
    advance(p);
    return x;
  }
  return l;
}

/* not -> 'not' not | cmp */
static mm_rule_node *not_(parser *p) {
  if (p->tok.kind != TK_NOT) return cmp(p);
  mm_rule_token t = p->tok;
  if (!enter(p)) return NULL;
  advance(p);
  mm_rule_node *x = new_node(p, N_NOT, &t);
  if (!x) return NULL;
  x->l = not_(p);
  if (p->failed) return NULL;
  x->end = x->l->end;
  leave(p);
  return x;
}

/* Binary operator priorities: or 1, and 2 (higher binds tighter). */
static int priority(mm_rule_tk k) {
  return k == TK_OR ? 1 : k == TK_AND ? 2 : 0;
}

/* subexpr -> not {binop subexpr}, where binop has priority > limit
 * (or -> and {'or' and}; and -> not {'and' not}) */
static mm_rule_node *subexpr(parser *p, int limit) {
  mm_rule_node *left = not_(p);
  while (!p->failed) {
    mm_rule_tk op = p->tok.kind;
    int pri = priority(op);
    if (pri <= limit) break;
    mm_rule_nk nk = op == TK_OR ? N_OR : N_AND;
    advance(p);
    mm_rule_node *right = subexpr(p, pri);
    if (p->failed) return NULL;
    if (left->kind != nk) { /* a chain starts: a n-ary node */
      mm_rule_node *x = mm_arena_alloc(p->arena, sizeof *x);
      if (!x) {
        error_at(p, MM_E_NOMEM, left->pos, "out of memory");
        return NULL;
      }
      x->kind = nk;
      x->pos = x->oppos = left->pos;
      x->off = left->off;
      add_kid(p, x, left);
      left = x;
    }
    add_kid(p, left, right);
    left->end = right->end;
  }
  return p->failed ? NULL : left;
}

/* expr -> or */
static mm_rule_node *expr(parser *p) {
  return subexpr(p, 0);
}

int mm_rule_parse(mm_rule_node **out, mm_arena *a, const char *src, size_t len,
                  mm_rule_error *err) {
  parser p = {.arena = a, .err = err};
  char b[80];
  *out = NULL;
  mm_rule_lex_init(&p.lx, src, len);
  advance(&p);
  if (!p.failed && p.tok.kind == TK_EOF) error_at(&p, MM_E_SYNTAX, p.tok.pos, "empty rule");
  mm_rule_node *x = p.failed ? NULL : expr(&p);
  if (!p.failed && p.tok.kind != TK_EOF)
    error_at(&p, MM_E_SYNTAX, p.tok.pos, "expected 'and', 'or' or the end of the rule but found %s",
             tkdesc(&p, &p.tok, b, sizeof b));
  if (p.failed) return -1;
  *out = x;
  return 0;
}
