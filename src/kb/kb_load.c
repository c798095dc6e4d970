/* kb_load.c: loads a knowledge-base directory in one pass, in dependency
 * order (manifest, vocabularies, definitions, the fact schema, everything
 * written in the rule language, the watch list, the Italian reimbursement,
 * the score tables, the referral vocabulary, the FHIR code map), and reports
 * every problem found. The only place that opens kb files. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kb/kb_internal.h"
#include "score/score.h"

#define KB_SCHEMA_VERSION "1"

/* Kept for the checks that read the files as written (kb_check.h). */
static void keep_tree(mm_kb *kb, const mm_yaml *root) {
  if (kb->n_trees % 32 == 0) {
    const mm_yaml **grown = mm_arena_grow(&kb->arena, kb->trees, kb->n_trees, kb->n_trees + 32,
                                          sizeof *grown);
    if (!grown) return;
    kb->trees = grown;
  }
  kb->trees[kb->n_trees++] = root;
}

/* dir/rel as a tree in the kb's arena; NULL when it does not exist (a problem
 * if required: MM_E_NOT_FOUND, which callers branch on) or does not parse. */
static const mm_yaml *load_yaml(mm_kb *kb, mm_yaml_reader *r, const char *dir,
                                const char *rel, bool required) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  struct stat st;
  if (stat(path, &st) != 0) {
    if (required)
      mm_diag_errorc(r->diags, MM_E_NOT_FOUND, path, 0, 0, NULL, "missing knowledge-base file");
    return NULL;
  }
  mm_yaml_error err;
  mm_yaml *root = mm_yaml_load_file(&kb->arena, path, &err);
  /* the text already reads "file:line:col: reason" */
  if (!root) mm_diag_errorc(r->diags, err.code, NULL, 0, 0, NULL, "%s", err.text);
  else keep_tree(kb, root);
  return root;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every *.yaml of dir/sub, sorted, so the order of options is stable. */
static void load_folder(mm_kb *kb, mm_yaml_reader *r, const char *dir, const char *sub,
                        int (*load)(mm_kb *, mm_yaml_reader *, const mm_yaml *)) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, sub);
  DIR *d = opendir(path);
  if (!d) return;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      char **grown = mm_arena_grow(&kb->arena, names, n, cap, sizeof *names);
      if (!grown) break;
      names = grown;
    }
    names[n++] = mm_arena_printf(&kb->arena, "%s/%s", sub, e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n; i++) {
    const mm_yaml *root = load_yaml(kb, r, dir, names[i], true);
    if (root) load(kb, r, root);
  }
}

static void load_manifest(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *m) {
  if (!mm_yaml_is_map(r, m, "the manifest")) return;
  static const char *const keys[] = {"kb_version", "schema_version", "released", "reviewed",
                                     "reviewers", NULL};
  mm_yaml_check_keys(r, m, keys);
  kb->version = mm_yaml_read_string(r, m, "kb_version", true);
  kb->schema_version = mm_yaml_read_string(r, m, "schema_version", true);
  if (kb->schema_version && strcmp(kb->schema_version, KB_SCHEMA_VERSION) != 0)
    mm_yaml_report(r, mm_yaml_get(m, "schema_version"), MM_E_INVALID,
                 "schema_version %s is not one this mmpath reads (it reads %s)",
                 kb->schema_version, KB_SCHEMA_VERSION);
  kb->released = mm_yaml_read_date(r, m, "released", true);
  kb->reviewed = mm_yaml_read_date(r, m, "reviewed", true);
  size_t n;
  mm_yaml_read_strings(r, m, "reviewers", &n, true);
}

unsigned mm_kb_rule_sources(const mm_kb *kb, const mm_rule *rule) {
  const int *slots;
  size_t n = rule ? mm_rule_slots(rule, &slots) : 0;
  unsigned sources = 0;
  /* Slots past the kb's facts are a caller's own (earlier criteria). */
  for (size_t i = 0; i < n; i++)
    if (slots[i] >= 0 && (size_t)slots[i] < kb->n_facts) sources |= 1u << kb->facts[slots[i]].source;
  return sources;
}

bool mm_kb_rule_reads_scores(const mm_kb *kb, const mm_rule *rule) {
  return mm_kb_rule_sources(kb, rule) & (1u << MM_FACT_SCORE);
}

/* The score tables: every file of kb/scores/ read, then mm_scores_read. */
static void load_scores(mm_kb *kb, mm_yaml_reader *r, const char *dir) {
  const mm_yaml *roots[16] = {0};
  for (size_t i = 0; mm_score_files[i] && i < sizeof roots / sizeof *roots; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "scores/%s", mm_score_files[i]);
    roots[i] = load_yaml(kb, r, dir, rel, true);
  }
  if (mm_scores_read(&kb->scores, r, dir, roots) != 0) kb->scores = NULL;
}

int mm_kb_load(mm_kb **out, const char *dir, mm_diags *diags) {
  *out = NULL;
  mm_kb *kb = calloc(1, sizeof *kb);
  if (!kb) return -1;
  mm_arena_init(&kb->arena, 1 << 16);
  kb->dir = mm_arena_strdup(&kb->arena, dir);
  size_t errors_before = diags->errors;
  mm_yaml_reader r = {&kb->arena, diags};
  if (mm_kb_names_init(kb, 4096) != 0) goto fail;

  /* Without a manifest this is no knowledge base: that one problem only. */
  const mm_yaml *manifest = load_yaml(kb, &r, dir, "manifest.yaml", true);
  if (!manifest) goto fail;
  load_manifest(kb, &r, manifest);

  static const struct {
    const char *file;
    int (*load)(mm_kb *, mm_yaml_reader *, const mm_yaml *);
  } vocab[] = {
      {"vocabulary/classes.yaml", mm_kb_load_classes},
      {"vocabulary/drugs.yaml", mm_kb_load_drugs},
      {"vocabulary/regimens.yaml", mm_kb_load_regimens},
      {"vocabulary/labs.yaml", mm_kb_load_labs},
      {"vocabulary/comorbidities.yaml", mm_kb_load_comorbidities},
      {"definitions.yaml", mm_kb_load_definitions},
  };
  const mm_yaml *definitions = NULL;
  for (size_t i = 0; i < sizeof vocab / sizeof *vocab; i++) {
    const mm_yaml *root = load_yaml(kb, &r, dir, vocab[i].file, true);
    if (root) vocab[i].load(kb, &r, root);
    if (i == sizeof vocab / sizeof *vocab - 1) definitions = root;
  }
  mm_kb_names_finish(kb);
  /* Names must be sound before anything that names them is read. */
  if (diags->errors > errors_before || mm_kb_build_schema(kb, &r) != 0) goto parts;
  if (definitions) mm_kb_compile_definitions(kb, &r, definitions);

  const mm_yaml *algorithm = load_yaml(kb, &r, dir, "algorithm.yaml", true);
  if (algorithm) mm_kb_load_algorithm(kb, &r, algorithm);
  load_folder(kb, &r, dir, "therapies", mm_kb_load_therapy);
  load_folder(kb, &r, dir, "trials", mm_kb_load_trial);
  const mm_yaml *supportive = load_yaml(kb, &r, dir, "supportive_care.yaml", true);
  if (supportive) mm_kb_load_supportive(kb, &r, supportive);
  const mm_yaml *watch = load_yaml(kb, &r, dir, "watchlist.yaml", true);
  if (watch) mm_kb_load_watchlist(kb, &r, watch);
  /* The Italian reimbursement names therapies and their indications: read
   * over therapies without problems, so that a broken therapy file is not
   * reported twice. */
  if (diags->errors == errors_before)
    mm_kb_load_reimbursement(kb, &r, load_yaml(kb, &r, dir, "reimbursement/it.yaml", true));

  /* Scores cost time to compute: note whether any rule reads one. */
  /* Found once here, not by name in every evaluation of a registry. */
  kb->not_relapsed_slot = mm_kb_fact_slot(kb, "not_relapsed");
  for (size_t i = 0; i < kb->n_options && !kb->scores_read; i++) {
    const mm_option *o = &kb->options[i];
    for (size_t k = 0; k < o->n_criteria; k++) kb->scores_read |= mm_kb_rule_reads_scores(kb, o->criteria[k].rule);
    for (size_t k = 0; k < o->n_exclusion; k++) kb->scores_read |= mm_kb_rule_reads_scores(kb, o->exclusion[k].rule);
    for (size_t j = 0; j < o->n_indications; j++)
      for (size_t k = 0; k < o->indications[j].n_criteria; k++)
        kb->scores_read |= mm_kb_rule_reads_scores(kb, o->indications[j].criteria[k].rule);
  }
  for (size_t i = 0; i < kb->n_supportive; i++) kb->scores_read |= mm_kb_rule_reads_scores(kb, kb->supportive[i].rule);
  for (size_t i = 0; i < kb->n_composites; i++) kb->scores_read |= mm_kb_rule_reads_scores(kb, kb->composites[i].rule);
  kb->scores_read |= mm_kb_rule_reads_scores(kb, kb->transplant_rule.rule);
  kb->transplant_sources = mm_kb_rule_sources(kb, kb->transplant_rule.rule);
  for (size_t i = 0; i < kb->n_composites; i++)
    kb->composite_sources |= mm_kb_rule_sources(kb, kb->composites[i].rule);

  load_scores(kb, &r, dir);

parts:;
  /* The referral vocabulary names nothing else: read (and reported) even
   * when the rest failed, so that one check shows every problem. */
  const mm_yaml *referral = load_yaml(kb, &r, dir, "referral.yaml", true);
  if (referral) mm_kb_load_referral(kb, &r, referral);
  kb->pathway = load_yaml(kb, &r, dir, "pathway.yaml", false);
  /* The FHIR code map names drugs, labs and comorbidities: only over a
   * vocabulary (and the rest) without problems. */
  if (diags->errors == errors_before) {
    const mm_yaml *fhir = load_yaml(kb, &r, dir, "fhir.yaml", true);
    if (fhir) mm_kb_load_fhir_map(kb, &r, fhir);
  }

  if (kb->arena.failed) mm_diag_errorc(diags, MM_E_NOMEM, dir, 0, 0, NULL, "out of memory");
  if (diags->errors > errors_before) goto fail;
  *out = kb;
  return 0;
fail:
  mm_kb_free(kb);
  return -1;
}

void mm_kb_free(mm_kb *kb) {
  if (!kb) return;
  mm_arena_free(&kb->arena);
  free(kb);
}

const mm_scores *mm_kb_scores(const mm_kb *kb) { return kb->scores; }
const mm_ref_kb *mm_kb_referral(const mm_kb *kb) { return kb->referral; }
const mm_fhir_map *mm_kb_fhir_map(const mm_kb *kb) { return kb->fhir_map; }
