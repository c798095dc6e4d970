/* score.h: the standard scores of myeloma care, computed from typed inputs
 * that may be unknown: ISS, R-ISS, R2-ISS, IMWG frailty, IMWG response,
 * ASTCT CRS grade, ICE score and ASTCT ICANS grade.
 *
 * The published tables (cut-offs, point values, grade tables) live in
 * kb/scores/ (*.yaml) with their sources; this module holds only the structure
 * of each score (which conditions combine how). docs/scores.md documents the
 * kb schema and every input.
 *
 * Three-valued: an input with known=false is absent. When every completion
 * of the absent inputs gives the same answer the answer is known (beta2m
 * >= 5.5 mg/L is ISS III whatever the albumin); otherwise the result is
 * unknown and `missing` names the absent inputs that would decide it.
 *
 * Ownership: the tables (mm_scores) are a part of the knowledge base, read
 * by mm_kb_load (mm_kb_scores gives them) into the kb's arena and freed with
 * it; read-only afterwards and shared across threads. Every result and every
 * string in it lives in the arena passed to the calculator; kb strings
 * (source, units) are borrowed from the mm_scores, which must outlive the
 * result. Calculators are pure: no I/O, no global state. */
#ifndef MM_SCORE_H
#define MM_SCORE_H
#include <stdbool.h>
#include <stddef.h>

#include "util/value.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/lang.h"
#include "yaml/yaml_read.h"

typedef struct mm_scores mm_scores;

/* The files of kb/scores/ that hold the tables, NULL-ended, in the order
 * mm_scores_read takes their trees: iss r_iss r2_iss frailty imwg_response
 * crs icans (.yaml). */
extern const char *const mm_score_files[];

/* Reads the tables from the trees of kb_dir/scores/<mm_score_files[i]>
 * (roots[i]; NULL for a file that could not be read, already reported) into
 * r->arena: the kb loader's part of mm_kb_load. Every problem goes into
 * r->diags as "file:line:col: reason". Returns 0, or -1 with *out NULL when
 * any table is missing or invalid. */
int mm_scores_read(mm_scores **out, mm_yaml_reader *r, const char *kb_dir,
                   const mm_yaml *const *roots);

/* One input as the calculator saw it, for the "inputs" part of a result. */
typedef struct mm_score_input {
  const char *name;  /* input key, e.g. "beta2m_mg_l" */
  mm_value value;    /* known=false when absent */
  const char *unit;  /* canonical unit from the kb, or NULL */
} mm_score_input;

typedef struct mm_score_result {
  const char *score;      /* "iss", "r_iss", ... */
  mm_value value;         /* string ("III", "VGPR", "frail", "2") or number
                             (ICE); known=false when unknown */
  mm_value points;        /* point total where the score has one (R2-ISS,
                             frailty); known=false when unknown or none */
  const char *because;    /* the rule that decided, with values and cut-offs;
                             when unknown, what the possible answers are
                             (English; on -1, what was wrong with the input) */
  const char *because_it; /* the same in Italian; NULL on -1 */
  const char *note;       /* extra remark or NULL (e.g. "unconfirmed") */
  mm_score_input *inputs; /* every input, known or not, in table order */
  size_t n_inputs;
  const char **missing;   /* when unknown: inputs that would decide it */
  size_t n_missing;
  const char *source;     /* the kb entry's sources, joined with "; " */
  bool review;            /* kb entry or a cut-off used is `unverified`:
                             needs clinician review */
  bool confirmed;         /* response only: met on two consecutive
                             assessments (false: "unconfirmed") */
} mm_score_result;

/* The explanation in the language asked (English when there is no
 * Italian). */
const char *mm_score_because(const mm_score_result *r, mm_lang lang);
/* A categorical value of a score or of one of its inputs for people:
 * "frail" -> "fragile", "one_pressor" -> "un vasopressore". English, and a
 * value the table does not have, read as the value itself. Static string
 * or `value`. */
const char *mm_score_value_label(const char *value, mm_lang lang);

/* ---- inputs of each score (field names are the input keys) ---- */

typedef struct mm_iss_in {
  mm_value beta2m_mg_l;   /* number, mg/L */
  mm_value albumin_g_dl;  /* number, g/dL */
} mm_iss_in;

typedef struct mm_r_iss_in {
  mm_value iss;           /* number 1..3 given by the clinician; else
                             computed from the two labs below */
  mm_value beta2m_mg_l, albumin_g_dl;
  mm_value del17p, t4_14, t14_16; /* bool, iFISH */
  mm_value ldh_above_uln;         /* bool */
} mm_r_iss_in;

typedef struct mm_r2_iss_in {
  mm_value iss, beta2m_mg_l, albumin_g_dl;
  mm_value del17p, t4_14, ldh_above_uln;
  mm_value gain1q, amp1q; /* bool; 1q+ is gain or amplification */
} mm_r2_iss_in;

typedef struct mm_frailty_in {
  mm_value age;      /* years */
  mm_value charlson; /* Charlson comorbidity index */
  mm_value adl;      /* Katz ADL 0..6 */
  mm_value iadl;     /* Lawton IADL 0..8 */
} mm_frailty_in;

typedef struct mm_crs_in {
  mm_value fever;        /* bool: >= 38 C not attributable to another cause */
  mm_value fever_masked; /* bool: antipyretic or anti-cytokine therapy given,
                            so fever is no longer required */
  mm_value hypotension;  /* string: none no_pressor one_pressor
                            multiple_pressors */
  mm_value hypoxia;      /* string: none low_flow high_flow positive_pressure */
} mm_crs_in;

typedef struct mm_ice_in {
  mm_value orientation; /* number 0..4 (year, month, city, hospital) */
  mm_value naming;      /* number 0..3 */
  mm_value commands;    /* number 0..1 */
  mm_value writing;     /* number 0..1 */
  mm_value attention;   /* number 0..1 */
} mm_ice_in;

typedef struct mm_icans_in {
  mm_value ice_score;      /* number 0..10 */
  mm_value consciousness;  /* string: alert awakens_spontaneously
                              awakens_to_voice awakens_to_touch unarousable */
  mm_value seizure;        /* string: none rapidly_resolving prolonged */
  mm_value motor;          /* string: none deep_focal_weakness */
  mm_value cerebral_edema; /* string: none focal diffuse */
} mm_icans_in;

/* IMWG response: one laboratory observation, value in the canonical unit
 * (serum_m_protein g/dL, urine_m_protein mg/24h, flc_kappa/flc_lambda mg/L,
 * bm_plasma_cells %) or categorical ("negative"/"positive" for serum_ife,
 * urine_ife, bm_clonal_pc, mrd). */
typedef struct mm_lab_obs {
  mm_date date;
  const char *test;
  mm_value value;
} mm_lab_obs;

/* The IMWG response categories (Kumar 2016), deepest first: the response
 * calculator compares them by this order (a lower value is a deeper
 * response). The one list of the program: the record format's best_response
 * (shared/spec/patient-record.md), the values of the fact `response` and the
 * calculator's answer all use these names. Not kb data: each category is a
 * branch of the calculator, so a new one would need code, not a kb edit. */
typedef enum mm_response_cat {
  MM_RESP_NONE = -1,
  MM_RESP_SCR, MM_RESP_CR, MM_RESP_VGPR, MM_RESP_PR, MM_RESP_MR, MM_RESP_SD, MM_RESP_PD,
  MM_RESP__COUNT
} mm_response_cat;

/* "sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", NULL: in enum order. */
extern const char *const mm_response_cat_names[];
/* The category's name; NULL for MM_RESP_NONE or a value out of range. */
const char *mm_response_cat_name(mm_response_cat c);

typedef struct mm_response_in {
  mm_date baseline;        /* start of the current line */
  const mm_lab_obs *labs;  /* any order */
  size_t n_labs;
} mm_response_in;

/* ---- calculators: 0 on success (result filled, possibly unknown), -1 on
 * arena exhaustion or an input of the wrong type (out->because says which).
 * Input values outside the kb's declared range give -1 naming the field. */
int mm_score_iss(mm_score_result *out, const mm_scores *kb, const mm_iss_in *in,
                 mm_arena *arena);
int mm_score_r_iss(mm_score_result *out, const mm_scores *kb,
                   const mm_r_iss_in *in, mm_arena *arena);
int mm_score_r2_iss(mm_score_result *out, const mm_scores *kb,
                    const mm_r2_iss_in *in, mm_arena *arena);
int mm_score_frailty(mm_score_result *out, const mm_scores *kb,
                     const mm_frailty_in *in, mm_arena *arena);
int mm_score_crs(mm_score_result *out, const mm_scores *kb, const mm_crs_in *in,
                 mm_arena *arena);
int mm_score_ice(mm_score_result *out, const mm_scores *kb, const mm_ice_in *in,
                 mm_arena *arena);
int mm_score_icans(mm_score_result *out, const mm_scores *kb,
                   const mm_icans_in *in, mm_arena *arena);
int mm_score_response(mm_score_result *out, const mm_scores *kb,
                      const mm_response_in *in, mm_arena *arena);

/* ---- by name, for the command line and the API ---- */

/* The score names, NULL-terminated: iss r_iss r2_iss frailty response crs
 * ice icans. */
extern const char *const mm_score_names[];

/* Description of a score's named inputs, from the kb (type, unit, range,
 * allowed values), so callers can validate before calling. */
typedef struct mm_score_input_spec {
  const char *name;
  mm_type type;
  const char *unit;          /* NULL when none */
  bool has_min, has_max;
  double min, max;
  const char *const *values; /* allowed strings, NULL-terminated, or NULL */
  const char *text;          /* what it is */
} mm_score_input_spec;

/* The input specs of score `name` (not "response", whose input is a lab
 * series); NULL when the name is unknown or "response". */
const mm_score_input_spec *mm_score_inputs(const mm_scores *kb, const char *name,
                                           size_t *n_out);
/* The lab tests of the response score, with their canonical units. */
const mm_score_input_spec *mm_score_response_tests(const mm_scores *kb, size_t *n_out);
/* Human-readable title and sources of a score, NULL when unknown. */
const char *mm_score_title(const mm_scores *kb, const char *name);

/* Runs score `name` on named inputs (any order; names not given are absent).
 * Returns 0; -1 with a message in *err (owned by arena) naming the field
 * when a name is not an input of the score, has the wrong type or is out of
 * range; -2 when `name` is not a score (or is "response"). */
int mm_score_run(mm_score_result *out, const mm_scores *kb, const char *name,
                 const mm_score_input *inputs, size_t n, mm_arena *arena,
                 const char **err);

#endif
