/* cmd_kb.c: `mmpath kb check|list|rule [--kb DIR]`: validate the knowledge
 * base (every file, name, rule, source and date; the source rule and the
 * watch list of kb_check.h), show what it holds, show one compiled rule
 * (cmd_kb_rule.c). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_kb_rule.h"
#include "kb/kb.h"
#include "kb/kb_check.h"
#include "referral/pathway.h"

static const char *verification(mm_verification v) {
  return v == MM_VERIFIED ? "verified" : v == MM_SECONDARY ? "secondary source" : "UNVERIFIED";
}

static void list(const mm_kb *kb, const char *what) {
  bool all = !what;
  char date[11];
  mm_date_format(kb->reviewed, date);
  printf("knowledge base %s (schema %s), reviewed %s, %s\n", kb->version, kb->schema_version,
         date, kb->dir);
  if (all || strcmp(what, "summary") == 0) {
    size_t g = 0, t = 0, tr = 0, unverified = 0;
    for (size_t i = 0; i < kb->n_options; i++) {
      g += kb->options[i].kind == MM_OPT_GUIDELINE;
      t += kb->options[i].kind == MM_OPT_THERAPY;
      tr += kb->options[i].kind == MM_OPT_TRIAL;
      unverified += kb->options[i].prov.verification == MM_UNVERIFIED;
    }
    printf("  %zu drug classes, %zu drugs, %zu regimens (%zu ambiguous names), %zu lab tests, "
           "%zu comorbidity codes\n", kb->n_classes, kb->n_drugs, kb->n_regimens,
           kb->n_ambiguities, kb->n_labs, kb->n_comorbidities);
    printf("  %zu guideline entries, %zu approved therapies, %zu trials, %zu supportive-care "
           "items, %zu composite facts, %zu facts in all\n", g, t, tr, kb->n_supportive,
           kb->n_composites, kb->n_facts);
  }
  if (all || strcmp(what, "drugs") == 0) {
    printf("\ndrugs:\n");
    for (size_t i = 0; i < kb->n_drugs; i++) {
      const mm_drug *d = &kb->drugs[i];
      printf("  %-28s", d->id);
      for (size_t k = 0; k < d->n_classes; k++)
        printf("%s%s", k ? "," : " ", kb->classes[d->classes[k]].id);
      for (size_t k = 0; k < d->n_brands; k++) printf("%s%s", k ? ", " : "  (", d->brands[k]);
      printf("%s\n", d->n_brands ? ")" : "");
    }
  }
  if (all || strcmp(what, "regimens") == 0) {
    printf("\nregimens:\n");
    for (size_t i = 0; i < kb->n_regimens; i++) {
      const mm_regimen *r = &kb->regimens[i];
      printf("  %-16s =", r->id);
      for (size_t k = 0; k < r->n_drugs; k++) printf(" %s", kb->drugs[r->drugs[k]].id);
      printf("\n");
    }
  }
  if (all || strcmp(what, "options") == 0) {
    printf("\noptions:\n");
    for (size_t i = 0; i < kb->n_options; i++) {
      const mm_option *o = &kb->options[i];
      if (o->kind == MM_OPT_TRIAL) continue;
      printf("  %-22s %-18s %-38s %s\n", o->id,
             o->kind == MM_OPT_GUIDELINE ? o->group : "approved_therapy",
             o->kind == MM_OPT_GUIDELINE ? o->setting : o->group, verification(o->prov.verification));
    }
  }
  if (all || strcmp(what, "trials") == 0) {
    printf("\ntrials:\n");
    for (size_t i = 0; i < kb->n_options; i++) {
      const mm_option *o = &kb->options[i];
      if (o->kind != MM_OPT_TRIAL) continue;
      mm_date_format(o->status_date, date);
      printf("  %-12s %-18s phase %-4s %s (%s)\n", o->id, o->name.en, o->phase, o->status, date);
    }
  }
}

/* The checks of kb_check.h: problems printed (warnings too, the watch list's
 * passed dates among them); non-zero when a source breaks the rule. */
static int check_sources(const mm_kb *kb, mm_date as_of, mm_arena *arena) {
  mm_diags diags;
  mm_diags_init(&diags, arena);
  size_t errors = mm_kb_check(kb, as_of, &diags);
  /* kb/pathway.yaml's schema is the referral layer's (src/referral/pathway_kb.c) */
  if (kb->pathway) {
    mm_path_kb pk;
    size_t before = diags.errors;
    mm_path_kb_read(&pk, kb, arena, &diags);
    errors += diags.errors - before;
  }
  mm_cli_print_diags(&diags, MM_LANG_EN);
  if (errors)
    fprintf(stderr, "mmpath kb: %zu error%s in %s (docs/kb-format.md, \"Sources\")\n", errors,
            errors == 1 ? "" : "s", kb->dir);
  return errors ? -1 : 0;
}

/* What rests on a secondary source or on none, with when it was last
 * searched for: one line each. */
static void print_review(const mm_kb *kb, mm_date as_of, mm_arena *arena) {
  size_t n;
  const mm_kb_review *list = mm_kb_review_list(kb, arena, &n);
  size_t dir_len = strlen(kb->dir);
  printf("not verified against a primary source (%zu):\n", n);
  printf("  %-10s  %-10s  %-44s  %s\n", "status", "searched", "where", "entry");
  for (size_t i = 0; i < n; i++) {
    const char *file = list[i].file;
    if (strncmp(file, kb->dir, dir_len) == 0 && file[dir_len] == '/') file += dir_len + 1;
    char date[11] = "-", where[300];
    if (list[i].searched != MM_DATE_NONE) mm_date_format(list[i].searched, date);
    snprintf(where, sizeof where, "%s:%d", file, list[i].line);
    printf("  %-10s  %-10s  %-44s  %s\n",
           list[i].verification == MM_UNVERIFIED ? "unverified" : "secondary", date, where,
           list[i].what);
  }
  size_t passed = 0, undated = 0;
  for (size_t i = 0; i < kb->n_watch; i++) {
    undated += kb->watch[i].expected == MM_DATE_NONE;
    passed += (kb->watch[i].expected != MM_DATE_NONE && kb->watch[i].expected < as_of) ||
              (kb->watch[i].recheck != MM_DATE_NONE && kb->watch[i].recheck < as_of);
  }
  char date[11];
  mm_date_format(as_of, date);
  printf("watch list: %zu pending decision%s (%zu without a public date), %zu to re-check as of %s\n",
         kb->n_watch, kb->n_watch == 1 ? "" : "s", undated, passed, date);
}

int mm_cmd_kb(int argc, char **argv) {
  const char *dir = NULL, *sub = NULL, *what = NULL;
  bool dump = false;
  mm_date as_of = mm_date_today();
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--kb") == 0 && i + 1 < argc) dir = argv[++i];
    else if (strcmp(argv[i], "--dump") == 0) dump = true;
    else if (strcmp(argv[i], "--as-of") == 0 && i + 1 < argc) {
      if (!mm_date_parse(argv[i + 1], strlen(argv[i + 1]), &as_of)) {
        fprintf(stderr, "mmpath kb: --as-of must be a date YYYY-MM-DD, got '%s'\n", argv[i + 1]);
        return MM_EXIT_USAGE;
      }
      i++;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      printf("usage: mmpath kb check [--kb DIR] [--as-of YYYY-MM-DD]\n"
             "       mmpath kb list [summary|drugs|regimens|options|trials] [--kb DIR]\n"
             "       mmpath kb rule ID [--dump] [--kb DIR]\n"
             "  check: every file, name, rule, source and date; --as-of: the day the\n"
             "  watch list's decision dates are compared with (default today)\n"
             "  rule: one rule of the kb (a definition, an option's criterion, a\n"
             "  supportive-care rule): where it is written and its expression; --dump\n"
             "  adds the compiled code. ID: definitions:ID, supportive_care:ID,\n"
             "  algorithm|overlay:SETTING:REGIMEN:CRITERION, THERAPY:INDICATION:CRITERION,\n"
             "  TRIAL:inclusion|exclusion:CRITERION, or a part of one (docs/cli.md)\n");
      return MM_EXIT_OK;
    } else if (!sub) sub = argv[i];
    else if (!what) what = argv[i];
    else {
      fprintf(stderr, "mmpath kb: unexpected argument '%s'\n", argv[i]);
      return MM_EXIT_USAGE;
    }
  }
  bool rule = sub && strcmp(sub, "rule") == 0;
  if (!sub || (strcmp(sub, "check") != 0 && strcmp(sub, "list") != 0 && !rule)) {
    fprintf(stderr, "usage: mmpath kb check|list|rule [--kb DIR]\n");
    return MM_EXIT_USAGE;
  }
  if (rule && !what) {
    fprintf(stderr, "usage: mmpath kb rule ID [--dump] [--kb DIR]\n");
    return MM_EXIT_USAGE;
  }
  if (dump && !rule) {
    fprintf(stderr, "mmpath kb: --dump goes with kb rule ID\n");
    return MM_EXIT_USAGE;
  }
  dir = mm_cli_kb_dir(dir);
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_kb *kb = NULL;
  /* All of it: score tables, referral vocabulary and FHIR code map too. */
  int rc = mm_kb_load(&kb, dir, &diags);
  mm_cli_print_diags(&diags, MM_LANG_EN);
  if (rc != 0) {
    fprintf(stderr, "mmpath kb: %zu error%s in %s\n", diags.errors, diags.errors == 1 ? "" : "s", dir);
    mm_kb_free(kb);
    mm_arena_free(&arena);
    return MM_EXIT_INVALID;
  }
  if (strcmp(sub, "check") == 0 && check_sources(kb, as_of, &arena) != 0) {
    rc = MM_EXIT_INVALID;
  } else if (strcmp(sub, "check") == 0) {
    size_t unverified = 0, secondary = 0, all = 0;
#define COUNT(p) (all++, unverified += (p).verification == MM_UNVERIFIED, \
                  secondary += (p).verification == MM_SECONDARY)
    for (size_t i = 0; i < kb->n_drugs; i++) COUNT(kb->drugs[i].prov);
    for (size_t i = 0; i < kb->n_regimens; i++) COUNT(kb->regimens[i].prov);
    for (size_t i = 0; i < kb->n_labs; i++) COUNT(kb->labs[i].prov);
    for (size_t i = 0; i < kb->n_comorbidities; i++) COUNT(kb->comorbidities[i].prov);
    for (size_t i = 0; i < kb->n_composites; i++) COUNT(kb->composites[i].prov);
    for (size_t i = 0; i < kb->n_supportive; i++) COUNT(kb->supportive[i].prov);
    for (size_t i = 0; i < kb->n_options; i++) {
      const mm_option *o = &kb->options[i];
      if (o->kind == MM_OPT_GUIDELINE) continue;
      COUNT(o->prov);
      for (size_t k = 0; k < o->n_indications; k++) COUNT(o->indications[k].prov);
    }
#undef COUNT
    printf("%s: knowledge base %s is valid: %zu drugs, %zu regimens, %zu options and trials, "
           "%zu supportive-care items; of %zu sourced entries %zu rest on a secondary source and "
           "%zu are unverified (shown for clinician review, never a hard rule)\n",
           dir, kb->version, kb->n_drugs, kb->n_regimens, kb->n_options, kb->n_supportive, all,
           secondary, unverified);
    print_review(kb, as_of, &arena);
  } else if (rule) {
    int code = mm_cmd_kb_rule(kb, what, dump);
    mm_kb_free(kb);
    mm_arena_free(&arena);
    return code;
  } else {
    list(kb, what);
  }
  mm_kb_free(kb);
  mm_arena_free(&arena);
  return rc == 0 ? MM_EXIT_OK : rc;
}
