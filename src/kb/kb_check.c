/* kb_check.c: see kb_check.h. The checks read the files as written (the
 * trees the loader kept), so that every `sources` list is covered, whatever
 * part of the kb reads it (options, vocabularies, score tables, the FHIR
 * code map, the referral vocabulary), and each problem points at its line. */
#include "kb/kb_check.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "yaml/yaml_tree.h"

/* --- the source rule ---------------------------------------------------- */

static bool is_alnum(char c) { return isalnum((unsigned char)c) != 0; }
static bool is_digit(char c) { return isdigit((unsigned char)c) != 0; }

static size_t n_digits(const char *p) {
  size_t n = 0;
  while (is_digit(p[n])) n++;
  return n;
}

/* p starts a word of s: nothing alphanumeric just before it. */
static bool word_at(const char *s, const char *p) { return p == s || !is_alnum(p[-1]); }

/* Case-insensitive strstr. */
static const char *find_ci(const char *s, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = s; *p; p++)
    if (strncasecmp(p, needle, n) == 0) return p;
  return NULL;
}

/* Every occurrence of a prefix at the start of a word, case-insensitively,
 * is tried with match(rest); true at the first that matches. */
static bool any_word(const char *s, const char *prefix, bool (*match)(const char *rest)) {
  size_t n = strlen(prefix);
  for (const char *p = s; (p = find_ci(p, prefix)); p++)
    if (word_at(s, p) && match(p + n)) return true;
  return false;
}

/* http(s)://host.tld...: a host with a dot. */
static bool url_rest(const char *p) {
  size_t n = 0;
  bool dot = false;
  while (p[n] && !isspace((unsigned char)p[n]) && p[n] != '/' && p[n] != '"' && p[n] != ')') {
    dot |= p[n] == '.' && n > 0 && is_alnum(p[n + 1]);
    n++;
  }
  return dot;
}
/* 10.NNNN/suffix */
static bool doi_rest(const char *p) {
  size_t n = n_digits(p);
  return n >= 4 && n <= 9 && p[n] == '/' && p[n + 1] && !isspace((unsigned char)p[n + 1]);
}
/* PMID 12345678, PMID: 12345678 */
static bool pmid_rest(const char *p) {
  while (*p == ':' || *p == ' ') p++;
  size_t n = n_digits(p);
  return n >= 4 && n <= 9;
}
/* NCT + 8 digits, ISRCTN + 8 digits */
static bool eight_digits(const char *p) { return n_digits(p) == 8; }
/* EudraCT 2021-003284-10; EU CT (CTIS) 2023-503691-38-00 */
static bool eudract_at(const char *s, const char *p) {
  return word_at(s, p) && n_digits(p) == 4 && p[4] == '-' && n_digits(p + 5) == 6 &&
         p[11] == '-' && n_digits(p + 12) == 2 && !is_digit(p[14]);
}
/* EU/1/22/1648 */
static bool eu_rest(const char *p) {
  return n_digits(p) == 2 && p[2] == '/' && n_digits(p + 3) >= 1;
}
/* BLA 761440, NDA 021880, ANDA 212345 */
static bool fda_rest(const char *p) {
  if (*p == ' ' || *p == '#' || *p == '-') p++;
  return n_digits(p) == 6;
}
/* docs/name.md or docs/dir/name.md: a document shipped with mmpath */
static bool docs_rest(const char *p) {
  size_t n = 0;
  while (is_alnum(p[n]) || p[n] == '-' || p[n] == '_' || (p[n] == '/' && n && p[n - 1] != '/')) n++;
  return n > 0 && p[n - 1] != '/' && strncmp(p + n, ".md", 3) == 0;
}

/* "6 giugno 2024", "6 June 2024": a day, a month name (Italian or English)
 * and a year. */
static bool named_date(const char *p, size_t day_len) {
  static const char *const months[] = {
      "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
      "settembre", "ottobre", "novembre", "dicembre", "january", "february", "march", "april",
      "may", "june", "july", "august", "september", "october", "november", "december", NULL};
  const char *q = p + day_len;
  if (*q++ != ' ') return false;
  for (const char *const *m = months; *m; m++) {
    size_t n = strlen(*m);
    if (strncasecmp(q, *m, n) == 0 && q[n] == ' ' && n_digits(q + n + 1) == 4) return true;
  }
  return false;
}

/* A date: YYYY-MM-DD, D-M-YYYY / D/M/YYYY / D.M.YYYY (as the GU writes), or
 * a day with a month name. */
static bool has_date(const char *s) {
  for (const char *p = s; *p; p++) {
    if (!word_at(s, p) || !is_digit(*p)) continue;
    size_t a = n_digits(p);
    const char *q = p + a;
    if ((a == 1 || a == 2) && named_date(p, a)) return true;
    if (a == 4 && *q == '-' && n_digits(q + 1) == 2 && q[3] == '-' && n_digits(q + 4) == 2) return true;
    if ((a == 1 || a == 2) && (*q == '-' || *q == '/' || *q == '.')) {
      size_t b = n_digits(q + 1);
      const char *t = q + 1 + b;
      if ((b == 1 || b == 2) && *t == *q && n_digits(t + 1) == 4) return true;
    }
  }
  return false;
}

/* "GU" (or "Gazzetta Ufficiale") with a number "n. 131" and a date. */
static bool gu_ref(const char *s) {
  bool gu = false;
  for (const char *p = s; (p = strstr(p, "GU")) && !gu; p++)
    gu = word_at(s, p) && !is_alnum(p[2]);
  if (!gu && !find_ci(s, "gazzetta ufficiale")) return false;
  bool number = false;
  for (const char *p = s; (p = find_ci(p, "n.")) && !number; p++) {
    const char *q = p + 2;
    while (*q == ' ') q++;
    number = word_at(s, p) && is_digit(*q);
  }
  return number && has_date(s);
}

static bool names_outside_file(const char *s) {
  if (strstr(s, "shared/") || strstr(s, "../") || find_ci(s, "file:")) return true;
  /* an absolute path standing as a word (not the path of a URL) */
  for (const char *p = s; *p; p++)
    if (*p == '/' && is_alnum(p[1]) && (p == s || p[-1] == ' ' || p[-1] == '(' || p[-1] == '\''))
      return true;
  return false;
}

const char *mm_kb_source_problem(const char *s) {
  if (!s || !*s) return "empty source";
  if (names_outside_file(s))
    return "names a file outside the product (shared/, ../, file: or an absolute path): cite the "
           "primary reference itself";
  if (any_word(s, "http://", url_rest) || any_word(s, "https://", url_rest) ||
      any_word(s, "10.", doi_rest) || any_word(s, "PMID", pmid_rest) ||
      any_word(s, "NCT", eight_digits) || any_word(s, "ISRCTN", eight_digits) ||
      any_word(s, "EU/1/", eu_rest) || any_word(s, "BLA", fda_rest) ||
      any_word(s, "NDA", fda_rest) || any_word(s, "ANDA", fda_rest) ||
      any_word(s, "docs/", docs_rest) || gu_ref(s))
    return NULL;
  for (const char *p = s; *p; p++)
    if (eudract_at(s, p)) return NULL;
  return "is not a primary, addressable reference: no URL, DOI, PMID, trial-registry id, "
         "GU number and date, EU number or FDA application number";
}

/* --- walking the files as written ------------------------------------- */

typedef struct walker {
  mm_diags *diags;     /* checking: where problems go (NULL when listing) */
  size_t errors;
  bool listing;        /* listing: the list grows in arena */
  mm_arena *arena;     /* names of entries (and the list) */
  mm_kb_review *list;
  size_t n;
} walker;

static bool not_verified(const mm_yaml *v) {
  return v && v->kind == MM_YAML_SCALAR &&
         (strcmp(v->str, "secondary") == 0 || strcmp(v->str, "unverified") == 0);
}

static const char *scalar(const mm_yaml *map, const char *key) {
  const mm_yaml *v = mm_yaml_get(map, key);
  return v && v->kind == MM_YAML_SCALAR ? v->str : NULL;
}

/* What a reader calls the entry: its id, regimen, or system and code; else
 * the key it is written under; "(file)" for a file's own provenance. */
static const char *entry_name(walker *w, const mm_yaml *map, const char *key) {
  const char *s = scalar(map, "id");
  if (!s) s = scalar(map, "regimen");
  if (!s) s = scalar(map, "name"); /* an ambiguous regimen name */
  if (!s && scalar(map, "system") && scalar(map, "code") && w->arena)
    s = mm_arena_printf(w->arena, "%s %s", scalar(map, "system"), scalar(map, "code"));
  return s ? s : key ? key : "(file)";
}

static void check_sources(walker *w, const mm_yaml *list) {
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *s = list->items[i];
    if (s->kind != MM_YAML_SCALAR) continue; /* the loader reports it */
    const char *why = mm_kb_source_problem(s->str);
    if (!why) continue;
    size_t len = strlen(s->str);
    mm_diag_errorc(w->diags, MM_E_INVALID, s->file, s->line, s->col, NULL,
                   "source %s: \"%.*s%s\"", why, len > 72 ? 69 : (int)len, s->str,
                   len > 72 ? "..." : "");
    w->errors++;
  }
}

static void walk(walker *w, const mm_yaml *node, mm_date searched, const char *key) {
  if (node->kind == MM_YAML_SEQ) {
    for (size_t i = 0; i < node->n; i++) walk(w, node->items[i], searched, key);
    return;
  }
  if (node->kind != MM_YAML_MAP) return;
  const char *own = scalar(node, "searched");
  mm_date d;
  if (own && mm_date_parse(own, strlen(own), &d)) searched = d;
  const mm_yaml *v = mm_yaml_get(node, "verification");
  if (not_verified(v)) {
    bool unverified = strcmp(v->str, "unverified") == 0;
    if (w->diags && searched == MM_DATE_NONE) {
      mm_diag_errorc(w->diags, MM_E_MISSING, v->file, v->line, v->col, NULL,
                     "%s: 'verification: %s' needs 'searched: YYYY-MM-DD', the date the "
                     "primary source was last searched for", entry_name(w, node, key), v->str);
      w->errors++;
    }
    if (w->listing) {
      mm_kb_review *grown = w->list;
      if (w->n % 32 == 0)
        grown = mm_arena_grow(w->arena, w->list, w->n, w->n + 32, sizeof *grown);
      if (grown) {
        w->list = grown;
        w->list[w->n++] = (mm_kb_review){node->file, node->line, entry_name(w, node, key),
                                         unverified ? MM_UNVERIFIED : MM_SECONDARY, searched};
      }
    }
  }
  for (size_t i = 0; i < node->n; i++) {
    const char *k = node->keys[i]->str;
    if (strcmp(k, "sources") == 0 && node->items[i]->kind == MM_YAML_SEQ) {
      if (w->diags) check_sources(w, node->items[i]);
    } else {
      walk(w, node->items[i], searched, k);
    }
  }
}

size_t mm_kb_check(const mm_kb *kb, mm_date as_of, mm_diags *diags) {
  walker w = {.diags = diags, .arena = diags->arena};
  for (size_t i = 0; i < kb->n_trees; i++) walk(&w, kb->trees[i], MM_DATE_NONE, NULL);
  for (size_t i = 0; i < kb->n_watch && as_of != MM_DATE_NONE; i++) {
    const mm_watch_item *it = &kb->watch[i];
    bool decided = it->expected != MM_DATE_NONE && it->expected < as_of;
    bool stale = it->recheck != MM_DATE_NONE && it->recheck < as_of;
    if (!decided && !stale) continue;
    char date[11];
    mm_date_format(decided ? it->expected : it->recheck, date);
    /* MM_E_STATE: the kb's state of knowledge, not its text, is at fault */
    mm_diag_warnc(diags, MM_E_STATE, it->prov.file, it->prov.line, it->col, NULL,
                  decided ? "watch list '%s' (%s, %s): decision date %s passed: re-check"
                          : "watch list '%s' (%s, %s): re-check date %s passed: search again",
                  it->id, it->product, it->agency, date);
  }
  return w.errors;
}

mm_kb_review *mm_kb_review_list(const mm_kb *kb, mm_arena *arena, size_t *n) {
  walker w = {.listing = true, .arena = arena};
  for (size_t i = 0; i < kb->n_trees; i++) walk(&w, kb->trees[i], MM_DATE_NONE, NULL);
  *n = w.list ? w.n : 0;
  return w.list;
}
