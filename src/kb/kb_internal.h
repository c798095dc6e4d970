/* kb_internal.h: what the kb loader's files share (not for other modules). */
#ifndef MM_KB_INTERNAL_H
#define MM_KB_INTERNAL_H
#include "kb/kb.h"
#include "kb/kb_fhir_map.h"
#include "kb/kb_names.h"
#include "kb/kb_read.h"
#include "kb/kb_referral.h"
#include "kb/kb_reimbursement.h"
#include "yaml/yaml_read.h"
#include "yaml/yaml_tree.h"

int mm_kb_load_classes(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_drugs(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_regimens(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_labs(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_comorbidities(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);

/* kb/definitions.yaml: read (compile later, once the schema exists). */
int mm_kb_load_definitions(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_compile_definitions(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);

/* The fact schema: engine facts, then per drug, class, lab, comorbidity and
 * composite. */
int mm_kb_build_schema(mm_kb *kb, mm_yaml_reader *r);

/* Options, trials and supportive care; criteria compiled on the way. */
int mm_kb_load_algorithm(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_therapy(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_trial(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_supportive(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
/* kb/watchlist.yaml (kb_watch.c): pending decisions, into kb->watch. */
int mm_kb_load_watchlist(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);

/* kb/referral.yaml (kb_referral.c) and kb/fhir.yaml (kb_fhir_map.c): into
 * kb->referral and kb->fhir_map; the FHIR map names the vocabularies'
 * drugs, labs and comorbidities, so it is read after them. */
int mm_kb_load_referral(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
int mm_kb_load_fhir_map(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
/* kb/reimbursement/it.yaml (kb_reimbursement.c) into kb->reimbursement:
 * names therapies and their indications, so it is read after them. */
int mm_kb_load_reimbursement(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);

/* kb_principles.c: a class's `cross_refractory` (classes.yaml); the
 * `principles` of kb/algorithm.yaml, read before its settings; and, once
 * the guideline regimens are read, each principle's criterion added to the
 * regimens of its settings. */
int mm_kb_read_cross_refractory(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *entry, mm_class *c);
int mm_kb_load_principles(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root);
void mm_kb_apply_principles(mm_kb *kb, mm_yaml_reader *r);

/* Compiles a rule written at node (a YAML scalar); NULL on error. */
mm_rule *mm_kb_compile_rule(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *node);

#endif
