/* cmd_kb_rule.c: `mmpath kb rule ID [--dump]`: one compiled rule of the
 * knowledge base, with where it is written, so that a reviewer can check
 * what the loader made of it.
 *
 * A rule's ID is its place in the kb, ':'-separated (docs/cli.md):
 *   definitions:ID                       kb/definitions.yaml (composite facts,
 *                                        transplant_eligible)
 *   supportive_care:ID                   kb/supportive_care.yaml
 *   algorithm|overlay:SETTING:REGIMEN:CRITERION   kb/algorithm.yaml
 *   THERAPY:INDICATION:CRITERION         kb/therapies/
 *   TRIAL:inclusion|exclusion:CRITERION  kb/trials/
 * Any ':'-suffix of an ID (triple_class_exposed), or OPTION:CRITERION as
 * `screen` prints its reasons (teclistamab:adult), names the rules it ends;
 * a ':'-prefix (teclistamab) names the rules under it. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_kb_rule.h"
#include "rule/rule.h"
#include "util/strbuf.h"
#include "util/suggest.h"

typedef struct kb_rule {
  const char *id;     /* the full ID */
  const char *option; /* OPTION:CRITERION for option criteria, else NULL */
  const char *what;   /* what it is, for the reader */
  mm_text text;
  const mm_text *review; /* why it needs clinician review, or NULL */
  const mm_rule *rule;
} kb_rule;

typedef struct rules {
  mm_arena *a;
  kb_rule *v;
  size_t n, cap;
} rules;

static void add(rules *s, const char *id, const char *option, const char *what, mm_text text,
                const mm_text *review, const mm_rule *rule) {
  if (!rule || !id) return;
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 256;
    kb_rule *v = mm_arena_grow(s->a, s->v, s->n, cap, sizeof *v);
    if (!v) return;
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = (kb_rule){id, option, what, text, review, rule};
}

static void add_criteria(rules *s, const char *prefix, const char *option, const char *what,
                         const mm_criterion *c, size_t n) {
  for (size_t i = 0; i < n; i++)
    add(s, mm_arena_printf(s->a, "%s:%s", prefix, c[i].id),
        mm_arena_printf(s->a, "%s:%s", option, c[i].id), what, c[i].text,
        c[i].has_review ? &c[i].review : NULL, c[i].rule);
}

/* Every rule of the kb, in the order of kb list. */
static void collect(rules *s, const mm_kb *kb) {
  const mm_composite *t = &kb->transplant_rule;
  add(s, mm_arena_printf(s->a, "definitions:%s", t->id), NULL,
      "the transplant-eligibility rule (used when the record does not say)", t->text, NULL,
      t->rule);
  for (size_t i = 0; i < kb->n_composites; i++) {
    const mm_composite *c = &kb->composites[i];
    add(s, mm_arena_printf(s->a, "definitions:%s", c->id), NULL, "a composite fact", c->text,
        NULL, c->rule);
  }
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    if (o->kind == MM_OPT_GUIDELINE) {
      const char *what = o->rule_tag
          ? mm_arena_printf(s->a, "a criterion of guideline regimen %s (%s, %s, rule %s)", o->id,
                            o->group, o->setting, o->rule_tag)
          : mm_arena_printf(s->a, "a criterion of guideline regimen %s (%s, %s)", o->id,
                            o->group, o->setting);
      add_criteria(s, mm_arena_printf(s->a, "%s:%s:%s", o->group, o->setting, o->id), o->id,
                   what, o->criteria, o->n_criteria);
    } else if (o->kind == MM_OPT_THERAPY) {
      for (size_t k = 0; k < o->n_indications; k++) {
        const mm_indication *ind = &o->indications[k];
        add_criteria(s, mm_arena_printf(s->a, "%s:%s", o->id, ind->id), o->id,
                     mm_arena_printf(s->a, "a label criterion of approved therapy %s (%s "
                                     "indication %s)", o->id,
                                     ind->jurisdiction == MM_JURIS_US ? "US" : "EU", ind->id),
                     ind->criteria, ind->n_criteria);
      }
    } else {
      add_criteria(s, mm_arena_printf(s->a, "%s:inclusion", o->id), o->id,
                   mm_arena_printf(s->a, "an inclusion criterion of trial %s", o->id),
                   o->criteria, o->n_criteria);
      add_criteria(s, mm_arena_printf(s->a, "%s:exclusion", o->id), o->id,
                   mm_arena_printf(s->a, "an exclusion criterion of trial %s", o->id),
                   o->exclusion, o->n_exclusion);
    }
  }
  for (size_t i = 0; i < kb->n_supportive; i++) {
    const mm_supportive *c = &kb->supportive[i];
    add(s, mm_arena_printf(s->a, "supportive_care:%s", c->id), NULL, "a supportive-care rule",
        c->text, NULL, c->rule);
  }
}

/* Whether q names r: its full ID (exact), else a ':'-suffix of it ("adult"
 * of "x:y:adult"), a ':'-prefix ("x" or "x:y") or its OPTION:CRITERION. */
static bool names(const kb_rule *r, const char *q, bool exact) {
  if (exact) return strcmp(r->id, q) == 0;
  if (r->option && strcmp(r->option, q) == 0) return true;
  size_t n = strlen(r->id), k = strlen(q);
  if (k >= n) return false;
  if (strcmp(r->id + n - k, q) == 0 && r->id[n - k - 1] == ':') return true;
  return strncmp(r->id, q, k) == 0 && r->id[k] == ':';
}

/* How many rules q names; *last: the last of them. */
static size_t count(const rules *s, const char *q, bool exact, size_t *last) {
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++)
    if (names(&s->v[i], q, exact)) n++, *last = i;
  return n;
}

/* A multi-line expression (a YAML block) continues under its first line. */
static void print_field(const char *label, const char *text) {
  printf("%-7s ", label);
  for (const char *p = text; *p; p++) {
    if (*p == '\n' && p[1]) printf("\n%8s", "");
    else if (*p != '\n') putchar(*p);
  }
  putchar('\n');
}

static void print_rule(const kb_rule *r, bool dump) {
  int line;
  const char *file = mm_rule_file(r->rule, &line);
  print_field("rule", r->id);
  print_field("what", r->what);
  if (file) printf("%-7s %s:%d\n", "where", file, line);
  if (r->text.en) print_field("text", r->text.en);
  if (r->review && r->review->en) print_field("review", r->review->en);
  print_field("when", mm_rule_source(r->rule));
  if (!dump) return;
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_rule_dump(r->rule, &b);
  printf("code\n%s", b.data ? b.data : "");
  mm_strbuf_free(&b);
}

static void print_where(const kb_rule *r) {
  int line;
  const char *file = mm_rule_file(r->rule, &line);
  if (file) fprintf(stderr, "  %s  (%s:%d)\n", r->id, file, line);
  else fprintf(stderr, "  %s\n", r->id);
}

int mm_cmd_kb_rule(const mm_kb *kb, const char *id, bool dump) {
  mm_arena arena;
  mm_arena_init(&arena, 0);
  rules s = {.a = &arena};
  collect(&s, kb);
  int rc = MM_EXIT_INTERNAL;
  if (arena.failed) {
    fprintf(stderr, "mmpath kb rule: out of memory\n");
    goto done;
  }
  /* The full ID; else every rule the ID names by a part of it. */
  bool exact = true;
  size_t hit = 0, hits = count(&s, id, exact, &hit);
  if (hits == 0) {
    exact = false;
    hits = count(&s, id, exact, &hit);
  }
  if (hits == 1) {
    print_rule(&s.v[hit], dump);
    rc = MM_EXIT_OK;
  } else if (hits > 1) {
    fprintf(stderr, "mmpath kb rule: '%s' names %zu rules; give one ID:\n", id, hits);
    for (size_t i = 0; i < s.n; i++)
      if (names(&s.v[i], id, exact)) print_where(&s.v[i]);
    rc = MM_EXIT_USAGE;
  } else {
    /* Offer every ID and every part that names a rule. */
    mm_suggest sg;
    mm_suggest_init(&sg, id);
    for (size_t i = 0; i < s.n; i++) {
      mm_suggest_offer(&sg, s.v[i].id);
      if (s.v[i].option) mm_suggest_offer(&sg, s.v[i].option);
      for (const char *p = strchr(s.v[i].id, ':'); p; p = strchr(p + 1, ':'))
        mm_suggest_offer(&sg, p + 1);
    }
    const char *best = mm_suggest_result(&sg);
    fprintf(stderr, "mmpath kb rule: no rule '%s' in %s", id, kb->dir);
    if (best) fprintf(stderr, "; did you mean '%s'?\n", best);
    else fprintf(stderr, " (IDs: docs/cli.md, `mmpath kb rule definitions` lists a group)\n");
    rc = MM_EXIT_USAGE;
  }
done:
  mm_arena_free(&arena);
  return rc;
}
