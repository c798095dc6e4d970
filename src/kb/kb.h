/* kb.h: the knowledge base in memory. Loaded once from kb/ (YAML), then
 * immutable and shared read-only by every thread and every request: nothing
 * here changes after mm_kb_load returns. Every string and array lives in the
 * kb's arena.
 *
 * One object holds all of kb/: the vocabularies, definitions, fact schema,
 * options, trials and supportive care declared here, and four parts with
 * their own types: the score tables (kb/scores/, score/score.h), the
 * referral vocabulary (kb/referral.yaml, kb/kb_referral.h), the FHIR code
 * map (kb/fhir.yaml, kb/kb_fhir_map.h) and the Italian reimbursement of the
 * therapies (kb/reimbursement/it.yaml, kb/kb_reimbursement.h). */
#ifndef MM_KB_H
#define MM_KB_H
#include <stdbool.h>
#include <stddef.h>

#include "util/value.h"
#include "rule/rule.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"

typedef struct mm_text {
  const char *en, *it;
} mm_text;

typedef enum {
  MM_VERIFIED = 0,   /* checked against the primary source */
  MM_SECONDARY = 1,  /* checked through a secondary source only */
  MM_UNVERIFIED = 2  /* not checked: needs clinician review, never a hard rule */
} mm_verification;

typedef struct mm_provenance {
  const char **sources;
  size_t n_sources;
  mm_date updated, reviewed;
  mm_verification verification;
  /* When the primary source was last looked for (`searched`); MM_DATE_NONE
   * when not recorded. `mmpath kb check` requires it on every entry that is
   * not verified, so that a reader knows how stale the gap is. */
  mm_date searched;
  /* Why a value was chosen where no source states it (a plausibility bound,
   * a unit conversion): mmpath's own reasoning, never a source. NULL if none. */
  const char *rationale;
  const char *file; /* where the entry is written */
  int line;
} mm_provenance;

typedef struct mm_class {
  const char *id;
  mm_text name;
  const char **synonyms;
  size_t n_synonyms;
  int slot_exposed, slot_refractory, slot_progressed_on, slot_current, slot_exposed_count,
      slot_refractory_count;
  size_t n_members; /* drugs of the class */
  mm_provenance prov;
  /* Cross-refractory (classes.yaml `cross_refractory`): refractory to one
   * member counts as refractory to every member when a relapse regimen is
   * chosen (kb/algorithm.yaml principles). cross_label names the class
   * beside a drug ("daratumumab (anti-CD38)"). */
  bool cross_refractory;
  mm_text cross_label;
  mm_provenance cross_prov;
} mm_class;

typedef struct mm_drug {
  const char *id;   /* INN, as written in kb/vocabulary/drugs.yaml */
  const char *key;  /* id with '-' and ' ' as '_': fact-name stem */
  mm_text name;
  int *classes;     /* indices into kb->classes */
  size_t n_classes;
  mm_text target;
  const char *atc;
  const char **brands, **synonyms;
  size_t n_brands, n_synonyms;
  int slot_exposed, slot_refractory, slot_progressed_on, slot_current;
  mm_provenance prov;
} mm_drug;

typedef struct mm_regimen {
  const char *id;
  const char **variants;
  size_t n_variants;
  int *drugs; /* indices into kb->drugs */
  size_t n_drugs;
  mm_text name;
  mm_provenance prov;
} mm_regimen;

typedef struct mm_ambiguity {
  const char *name;
  const char **candidates;
  size_t n_candidates;
  mm_text reason;
  mm_provenance prov;
} mm_ambiguity;

typedef struct mm_lab_unit {
  const char *unit;
  double factor; /* value in this unit * factor = value in canonical unit */
} mm_lab_unit;

typedef struct mm_lab {
  const char *id;
  mm_text name;
  const char *unit; /* canonical; NULL for categorical tests */
  mm_lab_unit *units;
  size_t n_units;
  bool has_range;
  double min, max;
  const char **values; /* categorical tests: allowed values (NULL-ended) */
  size_t n_values;
  int slot;
  mm_provenance prov;
} mm_lab;

typedef struct mm_comorbidity {
  const char *id;
  mm_text name;
  bool transplant_disqualifying;
  int slot;
  mm_provenance prov;
} mm_comorbidity;

struct mm_principle;

typedef struct mm_criterion {
  const char *id;
  mm_text text;
  bool has_review;
  mm_text review;  /* why it needs clinician review */
  const char *when;
  mm_rule *rule;
  /* The principle that added it to a guideline regimen (its `when` is
   * generated from the regimen's drugs), or NULL for a written criterion. */
  const struct mm_principle *principle;
} mm_criterion;

/* A fact defined in the rule language (kb/definitions.yaml). */
typedef struct mm_composite {
  const char *id;
  mm_text text;
  const char *when;
  mm_rule *rule;
  int slot;
  mm_provenance prov;
} mm_composite;

/* Whose labels decide; MM_JURIS_IT: the EU labels plus the Italian
 * reimbursement of each therapy (kb/kb_reimbursement.h). */
typedef enum { MM_JURIS_EU = 0, MM_JURIS_US = 1, MM_JURIS_IT = 2 } mm_jurisdiction;

typedef struct mm_indication {
  const char *id;
  mm_jurisdiction jurisdiction;
  mm_text regimen;
  mm_date approved;
  mm_date withdrawn;  /* MM_DATE_NONE unless the authorisation ended */
  const char *label;
  mm_criterion *criteria;
  size_t n_criteria;
  mm_provenance prov;
  /* Drugs the indication gives with the product, beyond its own `drugs`
   * (teclistamab with daratumumab, belantamab with bortezomib): what the
   * refractoriness finding checks besides the product (kb->drugs indices). */
  int *drugs;
  size_t n_drugs;
} mm_indication;

typedef struct mm_evidence {
  const char *trial, *ref, *n, *orr, *mpfs, *mdor;
  mm_text note;
} mm_evidence;

typedef struct mm_deck_note {
  mm_text says, now;
  const char **sources;
  size_t n_sources;
} mm_deck_note;

typedef enum {
  MM_OPT_GUIDELINE = 0, /* guideline_regimen */
  MM_OPT_THERAPY = 1,   /* approved_therapy */
  MM_OPT_TRIAL = 2      /* trial */
} mm_option_kind;

typedef struct mm_option {
  const char *id;
  mm_option_kind kind;
  const char *group;     /* algorithm | overlay | car_t | bispecific | ... */
  mm_text name;
  /* guideline regimens */
  const char *setting;   /* the setting it is listed for (a mm_setting_values pointer) */
  const char *rule_tag;  /* R1..R7 */
  mm_text setting_text;
  const mm_regimen *regimen;
  bool repeats;          /* the same regimen for the same setting is listed earlier */
  mm_text note;
  /* guideline: criteria[0] is the setting, then n_setting_criteria that every
   * regimen of the setting shares (its `criteria` in kb/algorithm.yaml), then
   * the regimen's own conditions; trial: inclusion */
  mm_criterion *criteria;
  size_t n_criteria;
  size_t n_setting_criteria;
  /* approved therapies */
  int *drugs;
  size_t n_drugs;
  mm_indication *indications;
  size_t n_indications;
  /* trials */
  const char *phase, *status;
  mm_date status_date;
  mm_text title, population;
  mm_text *arms;
  size_t n_arms;
  mm_criterion *exclusion;
  size_t n_exclusion;
  /* all */
  mm_evidence *evidence;
  size_t n_evidence;
  mm_deck_note *deck;
  size_t n_deck;
  mm_provenance prov;
} mm_option;

/* A principle of kb/algorithm.yaml: a published rule the engine applies to
 * every guideline regimen of its settings, as one more criterion. The only
 * kind today is refractoriness: at relapse a regimen is not an option when
 * the disease is refractory to a drug it relies on, or to a cross-refractory
 * class of one (docs/kb-options.md "Principles"). */
typedef enum { MM_PRINCIPLE_REFRACTORINESS = 0 } mm_principle_kind;

typedef struct mm_principle {
  const char *id;
  mm_principle_kind kind;
  mm_text text;                /* the principle as mmpath applies it */
  mm_text criterion;           /* the criterion's text when no finding words it */
  const char **settings;       /* canonical setting strings it applies to */
  size_t n_settings;
  int *not_counted;            /* classes whose refractoriness is not counted */
  size_t n_not_counted;
  mm_text not_counted_why;
  mm_date searched;            /* when its primary wording was last searched */
  mm_provenance prov;
} mm_principle;

/* One refractoriness check on a drug an option relies on: the fact that
 * decides it (the class's refractory slot for a drug of a cross-refractory
 * class, else the drug's). */
typedef struct mm_refractory_check {
  int drug;  /* kb->drugs index */
  int cls;   /* the cross-refractory class it is checked through, or -1 */
  int slot;  /* the refractory fact slot */
} mm_refractory_check;
/* A pending regulatory decision (kb/watchlist.yaml): what the kb does NOT
 * yet encode, and when to look again. Read by `mmpath kb check`, which warns
 * once the expected date has passed; never read while evaluating. */
typedef struct mm_watch_item {
  const char *id;
  const char *product;  /* as written: INN, brand, regimen */
  const char *agency;   /* fda | ema | ec | aifa */
  mm_text pending;      /* what is pending (an application, a decision) */
  mm_text indication;   /* the population applied for */
  mm_date expected;     /* expected decision (PDUFA, CHMP + 67 days); MM_DATE_NONE when not public */
  mm_date recheck;      /* when to search again if nothing is expected earlier; MM_DATE_NONE if unset */
  mm_date added;        /* when it was put on the list */
  mm_provenance prov;
  int col;              /* of the item, for diagnostics (prov has file and line) */
} mm_watch_item;

/* Supportive care (kb/supportive_care.yaml, docs/kb-format.md). The phase
 * of treatment an item belongs to; the names are mm_supportive_phase_ids. */
typedef enum {
  MM_PHASE_BEFORE_DURING = 0, /* before and during CAR-T or a bispecific */
  MM_PHASE_AFTER_CAR_T = 1,   /* after a CAR-T infusion */
  MM_PHASE_AFTER_BISPECIFIC = 2, /* after a bispecific stops */
  MM_PHASE_ANY = 3
} mm_supportive_phase;
extern const char *const mm_supportive_phase_ids[]; /* NULL-ended, by value */

/* A decision not taken yet that an item may rest on: a boolean fact
 * (candidate_car_t) and its words ("if CAR-T goes ahead"). */
typedef struct mm_supportive_condition {
  const char *fact;
  int slot;
  mm_text text;
} mm_supportive_condition;

/* When an item applies, in words, and, when the window counts months on a
 * fact (months_since_car_t), its bounds: from <= fact < until. */
typedef struct mm_supportive_window {
  mm_text text;
  const char *fact;             /* NULL: the window is in words only */
  bool has_from, has_until;
  double from_months, until_months;
} mm_supportive_window;

typedef struct mm_supportive {
  const char *id;
  mm_text text;
  mm_supportive_phase phase;
  const char *trigger;   /* the rule as written */
  const char *when;      /* what is evaluated: trigger and window bounds */
  mm_rule *rule;
  mm_supportive_window window;
  const mm_supportive_condition **conditions; /* conditional_on, in kb order */
  size_t n_conditions;
  mm_provenance prov;
} mm_supportive;

/* What computes a fact slot. */
typedef enum {
  MM_FACT_PATIENT,    /* computed by src/facts from the record */
  MM_FACT_DRUG,       /* per drug: exposed / refractory / progressed_on / current */
  MM_FACT_CLASS,      /* per class: the same, and counts */
  MM_FACT_LAB,        /* latest lab value */
  MM_FACT_COMORBIDITY,
  MM_FACT_COMPOSITE,  /* kb/definitions.yaml rule */
  MM_FACT_SCORE,      /* src/score */
  MM_FACT_EVALUATION  /* set while evaluating options (candidate_car_t ...) */
} mm_fact_source;

typedef struct mm_fact_def {
  const char *name;
  mm_type type;
  const char *const *values; /* strings: allowed values, NULL-ended */
  const char *unit;          /* numbers: unit, or NULL */
  mm_fact_source source;
  int ref;                   /* drug, class, lab, comorbidity or composite index */
} mm_fact_def;

typedef struct mm_name_entry mm_name_entry; /* kb_names.c */
typedef struct mm_scores mm_scores;             /* score/score.h */
typedef struct mm_ref_kb mm_ref_kb;             /* kb/kb_referral.h */
typedef struct mm_fhir_map mm_fhir_map;         /* kb/kb_fhir_map.h */
typedef struct mm_reimb_kb mm_reimb_kb;         /* kb/kb_reimbursement.h */

typedef struct mm_kb {
  mm_arena arena;
  const char *dir;
  const char *version, *schema_version;
  mm_date released, reviewed;
  mm_class *classes;
  size_t n_classes;
  mm_drug *drugs;
  size_t n_drugs;
  mm_regimen *regimens;
  size_t n_regimens;
  mm_ambiguity *ambiguities;
  size_t n_ambiguities;
  mm_lab *labs;
  size_t n_labs;
  /* The tests whose ranges bound the diagnosis fields (NULL if absent). */
  const mm_lab *lab_beta2m, *lab_albumin;
  mm_comorbidity *comorbidities;
  size_t n_comorbidities;
  /* kb/definitions.yaml */
  int refractory_window_days;
  mm_provenance refractory_prov;
  const char **nonresponse; /* best responses counted as non-response */
  size_t n_nonresponse;
  mm_composite *composites;
  size_t n_composites;
  mm_composite transplant_rule; /* derived eligibility when not given */
  /* disease_state: a line holding a drug of these classes (indices into
   * kb->classes) makes the patient "after CAR-T" / "after a bispecific". */
  int *car_t_classes, *bispecific_classes;
  size_t n_car_t_classes, n_bispecific_classes;
  mm_provenance disease_state_prov;
  /* the fact schema */
  mm_fact_def *facts;
  size_t n_facts;
  /* options in output order: guideline (algorithm, overlay), therapies, trials */
  mm_option *options;
  size_t n_options;
  mm_supportive *supportive;
  size_t n_supportive;
  mm_supportive_condition *supportive_conditions;
  size_t n_supportive_conditions;
  mm_provenance supportive_prov;
  mm_provenance algorithm_prov;
  /* kb/algorithm.yaml principles; refractoriness is the one of that kind
   * (NULL when the kb states none). */
  mm_principle *principles;
  size_t n_principles;
  const mm_principle *refractoriness;
  /* kb/watchlist.yaml */
  mm_watch_item *watch;
  size_t n_watch;
  mm_provenance watch_prov;
  /* Every file read, as parsed (trees in the arena), in the order read: for
   * the checks that look at the text as written (kb_check.h). */
  const struct mm_yaml **trees;
  size_t n_trees;
  /* lookups */
  mm_name_entry **names; /* open-addressing table of normalized names */
  size_t names_cap, names_used;
  int *fact_index;       /* open-addressing table of fact names -> slot */
  size_t fact_index_cap;
  struct mm_exact_name *exact; /* exact spellings, flat (mm_kb_find_exact) */
  size_t exact_mask;           /* table size - 1; 0 when there is none */
  struct mm_exact_name *exact_norm; /* the same for normalized names */
  size_t exact_norm_mask;
  /* The parts (never NULL in a loaded kb; also through the accessors). */
  mm_scores *scores;        /* kb/scores/ */
  mm_ref_kb *referral;      /* kb/referral.yaml */
  mm_fhir_map *fhir_map;    /* kb/fhir.yaml */
  mm_reimb_kb *reimbursement; /* kb/reimbursement/it.yaml */
  /* kb/pathway.yaml as parsed (NULL when absent): read by src/referral
   * (pathway_kb.c), which checks its schema; its sources are checked with
   * every other file (kb_check). */
  const struct mm_yaml *pathway;
  bool scores_read;         /* some rule of the kb reads a score fact */
  int not_relapsed_slot;    /* the composite `not_relapsed` of definitions.yaml, read by
                               every evaluation (its note on labels); -1 if absent */
  /* The kinds of fact (1u << mm_fact_source) read by the transplant rule,
   * always derived, and by the composites: a caller with rules of its own
   * (screening criteria) derives only what they and these read. */
  unsigned transplant_sources, composite_sources;
  /* Drug and class facts are consecutive slots; this template holds them for
   * a record that names none of the drugs (every line's drugs known). */
  size_t exposure_first, exposure_count;
  mm_value *exposure_none;
  mm_value *facts_unknown; /* n_facts values, every one unknown */
} mm_kb;

/* Loads kb_dir, every part of it, in one pass. Every problem goes into diags
 * (file:line:col, with its code); a kb file that does not exist is
 * MM_E_NOT_FOUND ("missing knowledge-base file"), and a directory without
 * manifest.yaml gives that one diagnostic only. Returns 0 when there is no
 * error (warnings allowed), -1 otherwise (and *out is NULL). The caller owns
 * *out: free it with mm_kb_free, after every reader is done. */
int mm_kb_load(mm_kb **out, const char *kb_dir, mm_diags *diags);
void mm_kb_free(mm_kb *kb);

/* The parts of a loaded kb, borrowed from it (never NULL). */
const mm_scores *mm_kb_scores(const mm_kb *kb);
const mm_ref_kb *mm_kb_referral(const mm_kb *kb);
const mm_fhir_map *mm_kb_fhir_map(const mm_kb *kb);

/* Fact slot of a name, or -1. */
int mm_kb_fact_slot(const mm_kb *kb, const char *name);

/* Name lookups: names are matched ignoring case, spaces, '-' and '_'. */
const mm_drug *mm_kb_find_drug(const mm_kb *kb, const char *name);
const mm_class *mm_kb_find_class(const mm_kb *kb, const char *name);
const mm_lab *mm_kb_find_lab(const mm_kb *kb, const char *id);
const mm_comorbidity *mm_kb_find_comorbidity(const mm_kb *kb, const char *id);
/* A regimen by name; if the name is ambiguous, *amb is set and NULL returned. */
const mm_regimen *mm_kb_find_regimen(const mm_kb *kb, const char *name,
                                     const mm_ambiguity **amb);
const mm_option *mm_kb_find_option(const mm_kb *kb, const char *id);

/* The names a registry spells exactly as the kb does, found from their
 * length and first 16 bytes in one flat table (registry screening reads a
 * dozen per record). s[0..len) is the name; the caller guarantees that 16
 * bytes are readable at s (bytes past len are ignored). Returns the index
 * into kb->drugs, kb->regimens, kb->labs or kb->comorbidities, or -1: then
 * the lookups above decide (a drug or regimen may still match normalized;
 * an exact regimen spelling whose normalized name is ambiguous is not in
 * the table). For labs and comorbidities -1 means unknown. */
typedef enum {
  MM_EXACT_DRUG, MM_EXACT_REGIMEN, MM_EXACT_LAB, MM_EXACT_COMORBIDITY,
  /* Normalized names (mm_kb_normalize_name), as the lookups above find them
   * after an exact spelling fails: a drug, a regimen, or an ambiguous regimen
   * name (the index into kb->ambiguities). */
  MM_EXACT_DRUG_NORMALIZED, MM_EXACT_REGIMEN_NORMALIZED, MM_EXACT_AMBIGUOUS_NORMALIZED
} mm_exact_kind;
int mm_kb_find_exact(const mm_kb *kb, mm_exact_kind kind, const char *s, size_t len);
/* A name as the lookups compare it: lowercase (ASCII), without spaces,
 * tabs, '-', '_' and '+'; at most cap - 1 bytes and a NUL written to out.
 * Returns the length written. */
size_t mm_kb_normalize_name(const char *name, char *out, size_t cap);

/* The checks for drugs[0..n) under the refractoriness principle p: one per
 * drug (skipping drugs of p's not-counted classes), through each
 * cross-refractory class of the drug, else on the drug; distinct slots, in
 * the drugs' order. At most cap are written into out
 * (n * (1 + classes per drug) is always enough); returns how many. With p NULL nothing is checked. */
size_t mm_kb_refractory_checks(const mm_kb *kb, const mm_principle *p, const int *drugs,
                               size_t n, mm_refractory_check *out, size_t cap);

/* Does this rule read a score fact (frailty, ISS, R-ISS, R2-ISS, response)?
 * Scores are skipped in fast derivations unless some rule reads them. */
bool mm_kb_rule_reads_scores(const mm_kb *kb, const mm_rule *rule);
/* The kinds of fact (1u << mm_fact_source) this rule reads. */
unsigned mm_kb_rule_sources(const mm_kb *kb, const mm_rule *rule);

/* The resolver the rule compiler uses for criteria over this kb's facts. */
void mm_kb_rule_names(const mm_kb *kb, mm_rule_names *out);

/* Pick the text for a language ("it" or "en"; falls back to English). */
static inline const char *mm_text_get(mm_text t, const char *lang) {
  if (lang && lang[0] == 'i' && lang[1] == 't' && t.it) return t.it;
  return t.en ? t.en : t.it;
}

#endif
