/* rule_lex.c: the lexer of the criteria language. It turns the expression
 * text into tokens one at a time, on demand, and keeps the line and column
 * of each. Lexical rules (docs/rule-language.md, "Lexical rules"):
 *   numbers   -?[0-9]+(.[0-9]+)?        12  3.5  -1
 *   strings   '...' or "..."            no escapes, no newline inside
 *   names     [A-Za-z_][A-Za-z0-9_-]*   anti-CD38 is one name (no subtraction)
 *   keywords  and or not in is known unknown true false (any letter case)
 *   operators < <= > >= = == != ( ) [ ] ,
 * Common slips from other languages (&&, ||, !, =>, <>) get a hint. */
#include "rule/rule_ast.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void mm_rule_lex_init(mm_rule_lexer *lx, const char *src, size_t len) {
  lx->src = src;
  lx->len = len;
  lx->at = 0;
  lx->line = 0;
  lx->line_start = 0;
}

static const struct {
  const char *word;
  mm_rule_tk kind;
} keywords[] = { /* ORDER KEYWORDS */
  {"and", TK_AND},     {"or", TK_OR},           {"not", TK_NOT},
  {"in", TK_IN},       {"is", TK_IS},           {"known", TK_KNOWN},
  {"unknown", TK_UNKNOWN}, {"true", TK_TRUE},   {"false", TK_FALSE},
};

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_name_start(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}
static bool is_name_char(int c) { return is_name_start(c) || is_digit(c) || c == '-'; }

static mm_rule_pos pos_at(const mm_rule_lexer *lx, size_t off) {
  return (mm_rule_pos){lx->line, (int)(off - lx->line_start)};
}

static int fail(mm_rule_error *err, mm_diag_code code, mm_rule_pos pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(mm_rule_error *err, mm_diag_code code, mm_rule_pos pos, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err->code = code;
  err->pos = pos;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  va_end(ap);
  return -1;
}

/* Printable form of one source byte for messages. */
static const char *show_char(char c, char buf[8]) {
  unsigned char u = (unsigned char)c;
  if (u >= 0x20 && u < 0x7f) snprintf(buf, 8, "%c", c);
  else snprintf(buf, 8, "\\x%02x", u);
  return buf;
}

int mm_rule_lex_next(mm_rule_lexer *lx, mm_rule_token *out, mm_rule_error *err) {
  const char *s = lx->src;
  size_t n = lx->len, i = lx->at;
  /* whitespace, counting lines */
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
    if (s[i] == '\n') {
      lx->line++;
      lx->line_start = i + 1;
    }
    i++;
  }
  memset(out, 0, sizeof *out);
  out->off = i;
  out->pos = pos_at(lx, i);
  if (i >= n) {
    out->kind = TK_EOF;
    lx->at = i;
    return 0;
  }
  char c = s[i];
  size_t j = i + 1;
  char cb[8];
  if (is_digit(c) || (c == '-' && i + 1 < n && is_digit(s[i + 1]))) {
    if (c == '-') j = i + 1;
    else j = i;
    while (j < n && is_digit(s[j])) j++;
    if (j < n && s[j] == '.') {
      j++;
      if (j >= n || !is_digit(s[j]))
        return fail(err, MM_E_SYNTAX, out->pos, "malformed number: a digit must follow '.'");
      while (j < n && is_digit(s[j])) j++;
    }
    if (j < n && (is_name_char(s[j]) || s[j] == '.')) {
      char word[48];
      size_t k = j;
      while (k < n && (is_name_char(s[k]) || s[k] == '.')) k++;
      size_t w = k - i < sizeof word - 1 ? k - i : sizeof word - 1;
      memcpy(word, s + i, w);
      word[w] = '\0';
      return fail(err, MM_E_SYNTAX, out->pos,
                  "malformed number '%s' (a name cannot start with a digit; quote it "
                  "as a string in a call, e.g. exposed('5-FU'))", word);
    }
    char tmp[64];
    size_t w = j - i;
    if (w >= sizeof tmp) return fail(err, MM_E_LIMIT, out->pos, "number too long");
    memcpy(tmp, s + i, w);
    tmp[w] = '\0';
    out->kind = TK_NUMBER;
    out->num = strtod(tmp, NULL);
  } else if (c == '\'' || c == '"') {
    while (j < n && s[j] != c && s[j] != '\n') j++;
    if (j >= n || s[j] != c)
      return fail(err, MM_E_SYNTAX, out->pos, "unterminated string: missing closing %s",
                  c == '\'' ? "'" : "\"");
    j++;
    out->kind = TK_STRING;
  } else if (is_name_start(c)) {
    while (j < n && is_name_char(s[j])) j++;
    out->kind = TK_NAME;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
      size_t kl = strlen(keywords[k].word);
      if (kl == j - i && strncasecmp(s + i, keywords[k].word, kl) == 0) {
        out->kind = keywords[k].kind;
        break;
      }
    }
  } else {
    char d = j < n ? s[j] : '\0';
    switch (c) {
    case '(': out->kind = TK_LPAREN; break;
    case ')': out->kind = TK_RPAREN; break;
    case '[': out->kind = TK_LBRACK; break;
    case ']': out->kind = TK_RBRACK; break;
    case ',': out->kind = TK_COMMA; break;
    case '<':
      if (d == '>') return fail(err, MM_E_SYNTAX, out->pos, "unexpected '<>'; write '!='");
      out->kind = d == '=' ? TK_LE : TK_LT;
      j += d == '=';
      break;
    case '>':
      out->kind = d == '=' ? TK_GE : TK_GT;
      j += d == '=';
      break;
    case '=':
      if (d == '>') return fail(err, MM_E_SYNTAX, out->pos, "unexpected '=>'; write '>='");
      if (d == '<') return fail(err, MM_E_SYNTAX, out->pos, "unexpected '=<'; write '<='");
      out->kind = TK_EQ;
      j += d == '=';
      break;
    case '!':
      if (d != '=') return fail(err, MM_E_SYNTAX, out->pos, "unexpected '!'; write 'not'");
      out->kind = TK_NE;
      j++;
      break;
    case '&':
      return fail(err, MM_E_SYNTAX, out->pos, "unexpected '&'; write 'and'");
    case '|':
      return fail(err, MM_E_SYNTAX, out->pos, "unexpected '|'; write 'or'");
    case '-':
      return fail(err, MM_E_SYNTAX, out->pos,
                  "unexpected '-': there is no subtraction; a '-' belongs inside a "
                  "name (anti-CD38) or before a number (-1)");
    default:
      return fail(err, MM_E_SYNTAX, out->pos, "unexpected character '%s'", show_char(c, cb));
    }
  }
  out->len = j - i;
  lx->at = j;
  return 0;
}

void mm_rule_tk_describe(const char *src, const mm_rule_token *t, char *buf, size_t n) {
  int w = t->len > 40 ? 40 : (int)t->len;
  const char *dots = t->len > 40 ? "..." : "";
  switch (t->kind) {
  case TK_EOF: snprintf(buf, n, "end of rule"); break;
  case TK_NUMBER: snprintf(buf, n, "number %.*s%s", w, src + t->off, dots); break;
  case TK_STRING: snprintf(buf, n, "string %.*s%s", w, src + t->off, dots); break;
  case TK_NAME: snprintf(buf, n, "name '%.*s%s'", w, src + t->off, dots); break;
  default: snprintf(buf, n, "'%.*s'", w, src + t->off); break;
  }
}
