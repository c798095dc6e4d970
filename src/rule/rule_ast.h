/* rule_ast.h: internal to src/rule. The tokens of the criteria language, the
 * syntax tree the parser builds, and the hand-offs between the stages:
 *   rule_lex.c (text -> tokens) -> rule_parse.c (tokens -> tree)
 *   -> rule_compile.c (tree -> checked bytecode) -> rule_eval.c (VM).
 * Positions inside the expression text are kept as a 0-based line index and
 * a 0-based byte offset within that line; rule_compile.c maps them to the
 * file's line and column through mm_rule_origin. */
#ifndef MM_RULE_AST_H
#define MM_RULE_AST_H
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/diag.h"

/* Token kinds. Keywords come in one block (grep ORDER KEYWORDS). */
typedef enum {
  TK_EOF,
  TK_NUMBER,
  TK_STRING,
  TK_NAME,
  /* keywords, ORDER KEYWORDS */
  TK_AND,
  TK_OR,
  TK_NOT,
  TK_IN,
  TK_IS,
  TK_KNOWN,
  TK_UNKNOWN,
  TK_TRUE,
  TK_FALSE,
  /* operators and punctuation */
  TK_LT,
  TK_LE,
  TK_GT,
  TK_GE,
  TK_EQ, /* '=' and '==' */
  TK_NE,
  TK_LPAREN,
  TK_RPAREN,
  TK_LBRACK,
  TK_RBRACK,
  TK_COMMA
} mm_rule_tk;

typedef struct mm_rule_pos {
  int line; /* 0-based line index within the expression text */
  int col;  /* 0-based byte offset within that line */
} mm_rule_pos;

typedef struct mm_rule_token {
  mm_rule_tk kind;
  size_t off, len; /* the token's bytes in the source (strings: with quotes) */
  mm_rule_pos pos;
  double num;      /* TK_NUMBER */
} mm_rule_token;

typedef struct mm_rule_lexer {
  const char *src;
  size_t len, at;
  int line;          /* line index of src[at] */
  size_t line_start; /* offset of that line's first byte */
} mm_rule_lexer;

/* A stage's error: what kind, where, and one line of reason. The stages keep
 * only the first error, in this fixed record (a message is cut at 319 bytes);
 * mm_rule_compile turns it into the one diagnostic at the file position. */
typedef struct mm_rule_error {
  mm_diag_code code;
  mm_rule_pos pos;
  char msg[320];
} mm_rule_error;

void mm_rule_lex_init(mm_rule_lexer *lx, const char *src, size_t len);
/* The next token into *out; -1 with *err filled on a lexical error. */
int mm_rule_lex_next(mm_rule_lexer *lx, mm_rule_token *out, mm_rule_error *err);
/* How a token reads in an error message: "'and'", "name 'x'", "end of rule". */
void mm_rule_tk_describe(const char *src, const mm_rule_token *t, char *buf, size_t n);

/* Syntax tree. Parentheses leave no node; 'and'/'or' chains are n-ary, so
 * a 10,000-term 'or' is one node with 10,000 children and the tree's depth
 * stays within MM_RULE_MAX_DEPTH. */
typedef enum {
  N_NUM,  /* num */
  N_STR,  /* str */
  N_BOOL, /* b */
  N_NAME, /* str = the name */
  N_CALL, /* str = function, arg = argument; argpos = argument's position */
  N_AND,  /* kids[0..n) */
  N_OR,   /* kids[0..n) */
  N_NOT,  /* l */
  N_CMP,  /* l op r; op is TK_LT..TK_NE */
  N_IN,   /* l ['not'] in kids[0..n) (literals); neg */
  N_IS    /* l is ['not'] known|unknown; neg = 'not', b = 'known' */
} mm_rule_nk;

typedef struct mm_rule_node mm_rule_node;
struct mm_rule_node {
  mm_rule_nk kind;
  mm_rule_pos pos;    /* first token of the node */
  mm_rule_pos oppos;  /* operator token (cmp, in, is) */
  size_t off, end;    /* source span [off, end) */
  double num;
  const char *str, *arg;
  mm_rule_pos argpos;
  bool b, neg;
  mm_rule_tk op;
  mm_rule_node *l, *r;
  mm_rule_node **kids;
  size_t n, cap;
};

/* Parses src[0..len) into a tree allocated in a. 0, or -1 with *err. */
int mm_rule_parse(mm_rule_node **out, mm_arena *a, const char *src, size_t len,
                  mm_rule_error *err);

#endif
