/*
 * mmpath.h: the mmpath library, multiple-myeloma decision support.
 *
 * ## What it does
 * From a patient record (JSON, mmpath/patient@1) it derives the facts (lines
 * of therapy, exposure and refractoriness per drug and class, setting,
 * scores) and lists, with reasons, the guideline regimens for the setting,
 * the approved therapies whose label the patient meets, the matching trials
 * and the supportive-care plan (mmpath/evaluation@1). Every criterion is
 * met, not met or unknown; unknown names the input that would decide it.
 *
 * ## How to use it
 *     mmpath_kb *kb;
 *     mmpath_kb_open(&kb, "kb", NULL);
 *     mmpath_evaluation *ev;
 *     mmpath_problems *problems;
 *     if (mmpath_evaluation_new(&ev, &problems, kb, text, len, NULL) == 0) {
 *       for (size_t i = 0; i < mmpath_evaluation_option_count(ev); i++) {
 *         const mmpath_option *o = mmpath_evaluation_option(ev, i);
 *         ... mmpath_option_id(o), mmpath_option_verdict(o) ...
 *       }
 *       mmpath_evaluation_free(ev);
 *     } else { ... walk or render `problems`, then mmpath_problems_free ... }
 *
 * The evaluation is a tree: options, each with its criteria; trials;
 * supportive-care items; the facts. It can be walked with the accessors
 * below or rendered (mmpath_render: JSON, text, HTML). mmpath_evaluate() and
 * mmpath_facts() do both in one call and give text.
 *
 * ## Ownership
 * - Objects returned through a `**out` parameter belong to the caller and
 *   are released with the matching `_free` (which accepts NULL).
 * - Strings returned through `char **out` are malloc'd; the caller free()s.
 * - Accessors return pointers into their object (borrowed): valid until the
 *   object that owns them is freed (mmpath_evaluation_free,
 *   mmpath_problems_free, mmpath_kb_free for strings of the knowledge base).
 *   Never free them.
 * - Nothing is global: a knowledge base is loaded once and may be shared,
 *   read-only, by any number of threads; every call is reentrant. An
 *   evaluation references its knowledge base: free the kb last.
 *
 * ## Errors
 * Every function that can fail returns 0 (MMPATH_OK) or a negative
 * mmpath_status. Where a call can fail on its input it also produces the
 * list of problems, each with its field path (`lines[1].start`), position
 * and code. Accessors do not fail: given an index out of range they return
 * NULL (or 0).
 */
#ifndef MMPATH_H
#define MMPATH_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "mmpath_version.h" /* MMPATH_VERSION "x.y.z": CMake writes it from project(VERSION) */

typedef enum mmpath_status {
  MMPATH_OK = 0,
  MMPATH_ERROR = -1,    /* anything else, e.g. options of another version */
  MMPATH_ENOMEM = -2,   /* out of memory */
  MMPATH_EINVALID = -3, /* the input fails validation (see its problems) */
  MMPATH_ESYNTAX = -4,  /* a knowledge-base file or rule does not parse */
  MMPATH_ENOTFOUND = -5 /* no such file, option or score */
} mmpath_status;

/* The language a person reads the results in. */
typedef enum mmpath_lang { MMPATH_LANG_EN = 0, MMPATH_LANG_IT = 1 } mmpath_lang;

/* Whose labels decide the approved therapies. */
typedef enum mmpath_jurisdiction {
  MMPATH_JURISDICTION_EU = 0, /* EMA / European Commission */
  MMPATH_JURISDICTION_US = 1, /* FDA */
  MMPATH_JURISDICTION_IT = 2  /* Italy: the EU labels decide, exactly as for EU; each
                                 therapy also carries its AIFA reimbursement
                                 (mmpath_option_reimbursement) */
} mmpath_jurisdiction;

/* ## The knowledge base */

typedef struct mm_kb mmpath_kb;

/* Loads the knowledge base in directory `dir` (kb/ of the source tree).
 * A NULL `dir` opens the default one: $MMPATH_KB when set and not empty,
 * else the one installed with the library (PREFIX/share/mmpath/kb, found
 * next to libmmpath.so or the program that linked libmmpath.a, so an
 * installed tree may be moved), else the one of the configured install
 * prefix (CMAKE_INSTALL_FULL_DATADIR/mmpath/kb).
 * On failure returns MMPATH_ENOTFOUND when the first problem is a missing
 * directory or file, MMPATH_ENOMEM when memory ran out, MMPATH_ESYNTAX
 * otherwise (a file or rule that does not parse or check); *out is then
 * NULL and, if errors_out is not NULL, *errors_out holds one line per
 * problem ("kb/therapies/x.yaml:12:7: reason"), malloc'd. */
int mmpath_kb_open(mmpath_kb **out, const char *dir, char **errors_out);
void mmpath_kb_free(mmpath_kb *kb);
/* The knowledge base's version, e.g. "2026.11" (borrowed). */
const char *mmpath_kb_version(const mmpath_kb *kb);

/* ## Options of an evaluation */

typedef enum mmpath_format {
  MMPATH_FORMAT_JSON = 0, /* mmpath/evaluation@1 */
  MMPATH_FORMAT_TEXT = 1, /* for a terminal */
  MMPATH_FORMAT_HTML = 2, /* one self-contained printable page */
  /* mmpath/verdicts@1 (docs/api.md "The compact answer"): JSON, codes only,
   * the same in every language: each option's and trial's verdict and the
   * criteria that decided it (for "unknown", with the facts that would
   * decide them), the supportive-care items that hold. For callers that
   * show no explanation. Facts and problems in this format are JSON. */
  MMPATH_FORMAT_COMPACT = 3
} mmpath_format;

typedef struct mmpath_options {
  unsigned version;                 /* MMPATH_OPTIONS_VERSION */
  mmpath_format format;             /* mmpath_evaluate and mmpath_facts only */
  mmpath_lang lang;                 /* mmpath_evaluate and mmpath_facts only */
  mmpath_jurisdiction jurisdiction; /* whose labels */
} mmpath_options;

/* 2: lang and jurisdiction became enums (were strings). A struct of another
 * version is refused with MMPATH_ERROR. */
#define MMPATH_OPTIONS_VERSION 2
#define MMPATH_OPTIONS_INIT \
  {MMPATH_OPTIONS_VERSION, MMPATH_FORMAT_JSON, MMPATH_LANG_EN, MMPATH_JURISDICTION_EU}

/* ## Problems of an invalid record */

/* What kind of problem: branch on this, never on the message. The numbers
 * are stable (new kinds are added at the end). */
typedef enum mmpath_problem_code {
  MMPATH_PROBLEM_INVALID = 0,      /* a value that is not allowed (generic) */
  MMPATH_PROBLEM_SYNTAX = 1,       /* the text does not parse */
  MMPATH_PROBLEM_TYPE = 2,         /* a value of the wrong type */
  MMPATH_PROBLEM_UNKNOWN_KEY = 3,  /* a field the format does not have */
  MMPATH_PROBLEM_MISSING = 4,      /* a required field is absent */
  MMPATH_PROBLEM_UNKNOWN_NAME = 5, /* a drug, regimen, lab... not in the kb */
  MMPATH_PROBLEM_AMBIGUOUS = 6,    /* a name that means more than one thing */
  MMPATH_PROBLEM_RANGE = 7,        /* a number or date outside what is plausible */
  MMPATH_PROBLEM_ORDER = 8,        /* dates or events in an impossible order */
  MMPATH_PROBLEM_DUPLICATE = 9,    /* the same id or key twice */
  MMPATH_PROBLEM_NOT_FOUND = 10,   /* a file or entry that does not exist */
  MMPATH_PROBLEM_LIMIT = 11,       /* over a documented size or count limit */
  MMPATH_PROBLEM_IO = 12,          /* reading or writing failed */
  MMPATH_PROBLEM_STATE = 13,       /* not allowed in the current state */
  MMPATH_PROBLEM_NOMEM = 14        /* out of memory */
} mmpath_problem_code;

/* "invalid", "syntax", "range", ...: the code's stable name, as the HTTP
 * API gives it (static string). */
const char *mmpath_problem_code_name(mmpath_problem_code code);

typedef struct mmpath_problems mmpath_problems;
typedef struct mm_diag mmpath_problem;

void mmpath_problems_free(mmpath_problems *problems);
/* The errors, in the order found (every one, not just the first). */
size_t mmpath_problems_count(const mmpath_problems *problems);
const mmpath_problem *mmpath_problems_get(const mmpath_problems *problems, size_t i);
/* The field path inside the record ("lines[1].start"); "" for the whole
 * record (e.g. text that is not JSON). */
const char *mmpath_problem_path(const mmpath_problem *p);
/* Line and column (1-based) in the record's text; 0 when not known. */
int mmpath_problem_line(const mmpath_problem *p);
int mmpath_problem_column(const mmpath_problem *p);
mmpath_problem_code mmpath_problem_error_code(const mmpath_problem *p);
/* One line, in English: the reason. */
const char *mmpath_problem_message(const mmpath_problem *p);

/* ## Evaluating a patient */

typedef struct mmpath_evaluation mmpath_evaluation;
typedef struct mm_option_result mmpath_option;
typedef struct mm_criterion_result mmpath_criterion;
typedef struct mm_supportive_result mmpath_supportive;
typedef struct mm_value mmpath_value;

/* The limits of one record, whatever the caller (library, command line,
 * server): a record over either is refused at once with a problem of code
 * MMPATH_PROBLEM_LIMIT that names the limit, before anything is built from
 * it, so that evaluating any record takes bounded memory (under 64 MiB with
 * the knowledge base, bench/memory_peak.sh). A patient's record is a few KB.
 * Values: every JSON object, array, string, number, true, false and null.
 * At most MMPATH_PROBLEMS_MAX problems are listed (then one that says so). */
#define MMPATH_RECORD_MAX_BYTES ((size_t)4 << 20) /* 4 MiB */
#define MMPATH_RECORD_MAX_VALUES ((size_t)200000)
#define MMPATH_PROBLEMS_MAX ((size_t)1000)

/* Evaluates one patient record (JSON text of `len` bytes). opts may be NULL
 * (EU labels); its format and lang are not used here.
 * Returns MMPATH_OK with *out the evaluation (free with
 * mmpath_evaluation_free) and *problems_out NULL; MMPATH_EINVALID when the
 * record is invalid, *out NULL and *problems_out every problem (free with
 * mmpath_problems_free); MMPATH_ENOMEM or MMPATH_ERROR with both NULL.
 * problems_out may be NULL when the caller does not want the problems. */
int mmpath_evaluation_new(mmpath_evaluation **out, mmpath_problems **problems_out,
                          const mmpath_kb *kb, const char *record, size_t len,
                          const mmpath_options *opts);
void mmpath_evaluation_free(mmpath_evaluation *ev);

/* The record's id and evaluation date ("YYYY-MM-DD"). */
const char *mmpath_evaluation_patient(const mmpath_evaluation *ev);
const char *mmpath_evaluation_as_of(const mmpath_evaluation *ev);
const mmpath_kb *mmpath_evaluation_kb(const mmpath_evaluation *ev);
mmpath_jurisdiction mmpath_evaluation_jurisdiction(const mmpath_evaluation *ev);

/* Verdicts are three-valued: unknown is never "not met". */
typedef enum mmpath_verdict {
  MMPATH_NOT_MET = 0, /* not eligible; a criterion that fails */
  MMPATH_MET = 1,     /* eligible; a criterion that holds; an item indicated */
  MMPATH_UNKNOWN = 2  /* the record lacks what would decide it */
} mmpath_verdict;

typedef enum mmpath_kind {
  MMPATH_KIND_GUIDELINE = 0, /* a guideline regimen listed for the setting */
  MMPATH_KIND_THERAPY = 1,   /* an approved therapy, per its label */
  MMPATH_KIND_TRIAL = 2      /* a clinical trial */
} mmpath_kind;

/* The options: guideline regimens of the patient's setting and the approved
 * therapies, in the order a clinician reads them (docs/kb-options.md "Order
 * of the options"): recommended by the guideline, eligible on the label,
 * eligible with a refractoriness caution, unknown, not eligible; kb order
 * within each. Trials are listed apart, in kb order. */
size_t mmpath_evaluation_option_count(const mmpath_evaluation *ev);
const mmpath_option *mmpath_evaluation_option(const mmpath_evaluation *ev, size_t i);
size_t mmpath_evaluation_trial_count(const mmpath_evaluation *ev);
const mmpath_option *mmpath_evaluation_trial(const mmpath_evaluation *ev, size_t i);
/* The option of that kb id (an option or a trial), or NULL. */
const mmpath_option *mmpath_evaluation_find(const mmpath_evaluation *ev, const char *id);

const char *mmpath_option_id(const mmpath_option *o);
mmpath_kind mmpath_option_kind(const mmpath_option *o);
/* The name in that language (falls back to English). */
const char *mmpath_option_name(const mmpath_option *o, mmpath_lang lang);
/* "algorithm", "overlay", "car_t", "bispecific", ...; NULL if none. */
const char *mmpath_option_group(const mmpath_option *o);
mmpath_verdict mmpath_option_verdict(const mmpath_option *o);
/* Approved therapies: the id of the label indication that decided the
 * verdict (the best of those granted by the evaluation date in the
 * jurisdiction), or NULL when none was granted; its label text. */
const char *mmpath_option_indication(const mmpath_option *o);
const char *mmpath_option_indication_label(const mmpath_option *o);
/* Why there is no indication, or that a trial does not enrol, as a stable
 * code ("no_indication_encoded", "trial_not_enrolling", ...); NULL if there
 * is nothing to say. */
const char *mmpath_option_note(const mmpath_option *o);
/* The same note in words, in `lang`, copied into buf (len bytes, 256 are
 * always enough). MMPATH_ENOTFOUND (buf "") when there is no note,
 * MMPATH_ERROR when buf is too small. */
int mmpath_option_note_text(char *buf, size_t len, const mmpath_option *o, mmpath_lang lang);
/* The first source of the deciding entry (the indication's, else the
 * option's), or NULL. */
const char *mmpath_option_source(const mmpath_option *o);
/* Jurisdiction MMPATH_JURISDICTION_IT, an approved therapy with a deciding
 * indication: whether the Italian health service pays for that indication,
 * beside the verdict (never part of it), as a stable code: "reimbursed",
 * "not_reimbursed", "c_nn" (class C(nn): not yet assessed for
 * reimbursement), "not_found" (searched, nothing found), "not_recorded"
 * (the knowledge base holds no finding); NULL otherwise. */
const char *mmpath_option_reimbursement(const mmpath_option *o);
/* The same finding in words, in `lang`, with its AIFA class, determination
 * and Gazzetta Ufficiale ("AIFA reimbursement: class C(nn) (not yet assessed
 * for reimbursement), Det. 75/2024, GU no. 131 of 2024-06-06"), copied into
 * buf (len bytes; 512 are always enough). MMPATH_ENOTFOUND (buf "") when
 * there is none, MMPATH_ERROR when buf is too small. */
int mmpath_option_reimbursement_text(char *buf, size_t len, const mmpath_option *o,
                                     mmpath_lang lang);
/* A caution, not a verdict: drugs of the regimen or product that the
 * patient is already refractory to (kb drug ids). */
size_t mmpath_option_refractory_drug_count(const mmpath_option *o);
const char *mmpath_option_refractory_drug(const mmpath_option *o, size_t i);
/* Trials: whether the trial enrols today per its registry status
 * (MMPATH_UNKNOWN for other options), the status and the phase. */
mmpath_verdict mmpath_option_enrolling(const mmpath_option *o);
const char *mmpath_option_trial_status(const mmpath_option *o);
const char *mmpath_option_trial_phase(const mmpath_option *o);
/* The criteria whose three-valued AND is the verdict: a guideline regimen's
 * setting and conditions, the deciding indication's label criteria, a
 * trial's inclusions then exclusions. */
size_t mmpath_option_criterion_count(const mmpath_option *o);
const mmpath_criterion *mmpath_option_criterion(const mmpath_option *o, size_t i);

const char *mmpath_criterion_id(const mmpath_criterion *c);
const char *mmpath_criterion_text(const mmpath_criterion *c, mmpath_lang lang);
/* As it counts for the option: an exclusion is met when its rule is false;
 * a criterion needing review (see below) is never MMPATH_NOT_MET. */
mmpath_verdict mmpath_criterion_verdict(const mmpath_criterion *c);
/* 1 for a trial's exclusion criterion, 0 otherwise. */
int mmpath_criterion_is_exclusion(const mmpath_criterion *c);
/* The rule as written in the knowledge base ("prior_lines >= 3"). */
const char *mmpath_criterion_rule(const mmpath_criterion *c);
/* Why a clinician must check this criterion, or NULL. */
const char *mmpath_criterion_review(const mmpath_criterion *c, mmpath_lang lang);
/* The facts the rule read, in order, with their values. */
size_t mmpath_criterion_observed_count(const mmpath_criterion *c);
const char *mmpath_criterion_observed_fact(const mmpath_criterion *c, size_t i);
const mmpath_value *mmpath_criterion_observed_value(const mmpath_criterion *c, size_t i);
/* An unknown criterion: the inputs that would decide it, distinct, in
 * order: record fields ("lines[0].progression") or fact names. */
size_t mmpath_criterion_missing_count(const mmpath_criterion *c);
const char *mmpath_criterion_missing(const mmpath_criterion *c, size_t i);

/* Supportive care: every item of the plan with its verdict (MMPATH_MET:
 * indicated; MMPATH_UNKNOWN: its trigger cannot be decided, or it is
 * conditional, below). */
size_t mmpath_evaluation_supportive_count(const mmpath_evaluation *ev);
const mmpath_supportive *mmpath_evaluation_supportive(const mmpath_evaluation *ev, size_t i);
const char *mmpath_supportive_id(const mmpath_supportive *s);
const char *mmpath_supportive_text(const mmpath_supportive *s, mmpath_lang lang);
mmpath_verdict mmpath_supportive_verdict(const mmpath_supportive *s);
const char *mmpath_supportive_source(const mmpath_supportive *s);
size_t mmpath_supportive_observed_count(const mmpath_supportive *s);
const char *mmpath_supportive_observed_fact(const mmpath_supportive *s, size_t i);
const mmpath_value *mmpath_supportive_observed_value(const mmpath_supportive *s, size_t i);
size_t mmpath_supportive_missing_count(const mmpath_supportive *s);
const char *mmpath_supportive_missing(const mmpath_supportive *s, size_t i);
/* An item that holds only if a decision not taken yet goes ahead (CAR-T, a
 * bispecific: kb/supportive_care.yaml conditional_on) is conditional: its
 * verdict is MMPATH_UNKNOWN, never MMPATH_MET, and it names the decisions,
 * each a fact ("candidate_car_t") with its words ("if CAR-T goes ahead").
 * 0, NULL for an item that is not conditional. */
size_t mmpath_supportive_condition_count(const mmpath_supportive *s);
const char *mmpath_supportive_condition_fact(const mmpath_supportive *s, size_t i);
const char *mmpath_supportive_condition_text(const mmpath_supportive *s, size_t i,
                                             mmpath_lang lang);
/* The window in words ("from lymphodepletion to 12 months after the infusion"). */
const char *mmpath_supportive_window(const mmpath_supportive *s, mmpath_lang lang);

/* The derived facts, as the `facts` object of mmpath/evaluation@1 lists
 * them, by index. */
size_t mmpath_evaluation_fact_count(const mmpath_evaluation *ev);
/* The index of the fact of that name ("prior_lines", "refractory_lenalidomide"):
 * 0 and *index_out, or MMPATH_ENOTFOUND. */
int mmpath_evaluation_fact_find(size_t *index_out, const mmpath_evaluation *ev,
                                const char *name);
const char *mmpath_evaluation_fact_name(const mmpath_evaluation *ev, size_t i);
const mmpath_value *mmpath_evaluation_fact_value(const mmpath_evaluation *ev, size_t i);
/* The unit of a number ("months"), or NULL. */
const char *mmpath_evaluation_fact_unit(const mmpath_evaluation *ev, size_t i);
/* Why the fact has its value, one line a clinician can check, or NULL. */
const char *mmpath_evaluation_fact_reason(const mmpath_evaluation *ev, size_t i,
                                          mmpath_lang lang);
/* An unknown fact: the record fields that would decide it. */
size_t mmpath_evaluation_fact_missing_count(const mmpath_evaluation *ev, size_t i);
const char *mmpath_evaluation_fact_missing(const mmpath_evaluation *ev, size_t i, size_t k);

/* Warnings about the record (e.g. dates that look wrong), in English. */
size_t mmpath_evaluation_warning_count(const mmpath_evaluation *ev);
const char *mmpath_evaluation_warning(const mmpath_evaluation *ev, size_t i);

/* A fact's value: unknown, or a boolean, number or string. */
typedef enum mmpath_type {
  MMPATH_TYPE_BOOL = 0,
  MMPATH_TYPE_NUMBER = 1,
  MMPATH_TYPE_STRING = 2
} mmpath_type;

/* 1 when known, 0 when unknown (then only the type is meaningful). */
int mmpath_value_known(const mmpath_value *v);
mmpath_type mmpath_value_type(const mmpath_value *v);
int mmpath_value_bool(const mmpath_value *v);           /* 0 unless a known true */
double mmpath_value_number(const mmpath_value *v);      /* 0 unless a known number */
const char *mmpath_value_string(const mmpath_value *v); /* NULL unless a known string */

/* ## Rendering */

/* The evaluation as mmpath/evaluation@1 JSON, text or an HTML page, in the
 * language asked, ending with a newline: *out malloc'd. 0 or MMPATH_ENOMEM
 * (*out NULL), MMPATH_ERROR for a format or language out of range. */
int mmpath_render(char **out, const mmpath_evaluation *ev, mmpath_format fmt, mmpath_lang lang);
/* Only the facts: the `facts` object (JSON) or a list (text; HTML gives
 * text too). */
int mmpath_render_facts(char **out, const mmpath_evaluation *ev, mmpath_format fmt,
                        mmpath_lang lang);
/* The problems: JSON {"errors":[{"path","line","column","message"}]} or one
 * line each (text; HTML gives text too). Messages are in English whatever
 * lang says. */
int mmpath_render_problems(char **out, const mmpath_problems *problems, mmpath_format fmt,
                           mmpath_lang lang);

/* ## Many evaluations in one thread

 * A context keeps its memory between calls: the record, facts and tree of
 * one evaluation live in an arena that is emptied, not freed, for the next,
 * and the answer is rendered into a buffer the context reuses. A server
 * worker or a batch keeps one per thread (a context is not shared between
 * threads; the kb is). What it keeps is bounded: a few MiB of arena, and an
 * answer buffer over 1 MiB is released after the call. */
typedef struct mmpath_context mmpath_context;

/* 0, or MMPATH_ENOMEM (*out NULL). The kb must outlive the context. */
int mmpath_context_new(mmpath_context **out, const mmpath_kb *kb);
void mmpath_context_free(mmpath_context *ctx);

/* As mmpath_evaluate, with the context's kb, into the context: *out (and
 * *out_len, its length without the final NUL) is borrowed, valid until the
 * next call with ctx or mmpath_context_free. MMPATH_FORMAT_COMPACT evaluates
 * without explanations (the fastest). The same bytes as mmpath_evaluate. */
int mmpath_context_evaluate(mmpath_context *ctx, const char **out, size_t *out_len,
                            const char *record, size_t len, const mmpath_options *opts);

/* ## In one call */

/* Evaluates one patient record and renders it in opts' format and language
 * (opts may be NULL: JSON, English, EU). Returns MMPATH_OK and *out the
 * rendered evaluation; if the record is invalid, MMPATH_EINVALID and *out
 * the problems rendered in the same format (mmpath_render_problems). */
int mmpath_evaluate(char **out, const mmpath_kb *kb, const char *record,
                    size_t len, const mmpath_options *opts);

/* As mmpath_evaluate, but only the derived facts (mmpath_render_facts). */
int mmpath_facts(char **out, const mmpath_kb *kb, const char *record,
                 size_t len, const mmpath_options *opts);

#ifdef __cplusplus
}
#endif
#endif
