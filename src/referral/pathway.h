/* pathway.h: the pathway beyond the spec's moves (docs/referral.md, "Sound
 * events" and "After infusion"): events that are not moves (a correction, a
 * note, records after infusion), each a `kind` with a typed `data` object
 * checked here, a schema per kind; what a referral may do next; the letter
 * to the spoke; the registry export; the after-infusion outcomes the funnel
 * counts.
 *
 * A non-move event keeps the referral's state (its `state` is the current
 * state when it was written), so "the state is the last event's state"
 * stays true. A correction names the event it corrects by number (`seq`)
 * and says why; the history stays append-only and the view with the
 * corrections applied (mm_ref_view) is what the moves, the funnel, the
 * letter and the registry read.
 *
 * Clinical content comes from the kb: the visit schedule, the label's
 * conditions after infusion, the warning signs and the registry field map
 * (kb/pathway.yaml), the ASTCT CRS/ICANS grades and the IMWG response (the
 * score tables, src/score, which compute them from the recorded signs and
 * labs), the drugs (kb/vocabulary), the supportive-care windows
 * (kb/supportive_care.yaml).
 *
 * Ownership: everything returned lives in the arena passed; the kb is
 * borrowed. No global state. */
#ifndef MM_REFERRAL_PATHWAY_H
#define MM_REFERRAL_PATHWAY_H
#include <stdbool.h>

#include "kb/kb.h"
#include "referral/referral.h"
#include "referral/store.h"

/* The kinds of non-move events. ORDER: this list is the API's. */
typedef enum {
  MM_RK_NOTE,            /* information added (a spoke may add it) */
  MM_RK_CORRECTION,      /* corrects an earlier event (hub) */
  MM_RK_BRIDGING,        /* bridging therapy (hub) */
  MM_RK_LYMPHODEPLETION, /* lymphodepleting chemotherapy, CAR-T only (hub) */
  MM_RK_PRODUCT,         /* product infused, lot (CAR-T only) (hub) */
  MM_RK_VISIT,           /* a follow-up visit after infusion (hub) */
  MM_RK_CRS,             /* a cytokine release syndrome episode (hub) */
  MM_RK_ICANS,           /* an ICANS episode (hub) */
  MM_RK_EVALUATION,      /* the mmpath evaluation the referral was sent with
                            (the create request's `evaluation`; a spoke may add one) */
  MM_RK_COUNT
} mm_ref_kind;

const char *mm_ref_kind_name(mm_ref_kind k);
/* -1 when unknown. */
int mm_ref_kind_parse(const char *s);

/* Who is writing: the hub moves and records; a spoke opens referrals and
 * adds notes. */
typedef enum { MM_REF_BY_HUB, MM_REF_BY_SPOKE } mm_ref_writer;

/* The referral as the corrections say it is: corrections applied (dates,
 * reasons, notes replaced; voided records left out). Moves keep their
 * index in r->events (view->index[i]). */
typedef struct mm_ref_view {
  mm_referral r;      /* events: moves and records, corrected */
  size_t *index;      /* index[i]: the event's number in the stored history */
  int last_move;      /* index in r.events of the last move, -1 when none */
  mm_date infused_on; /* the date of the (last) `infused` move, or NONE */
} mm_ref_view;
int mm_ref_view_make(mm_ref_view *out, const mm_referral *r, mm_arena *a);

/* The current state of a (stored) referral: its last move's state. */
mm_ref_state mm_ref_current_state(const mm_referral *r);

/* "Today" for the centre: the local date of the process's time zone (TZ,
 * set once at start by the program: `--time-zone`, default Europe/Rome). */
mm_date mm_ref_today(void);

/* THE check of one new event against the stored referral, for every
 * writer: a move through mm_referral_check_move on the corrected view; a
 * record through its kind's schema. Dates: never after `today`, never
 * before the referral; records after infusion never before it. On success
 * e->state is set for a record and e->data rewritten to its canonical form
 * (with the computed grades / response); on failure diagnostics at
 * "<path>.<field>" ("data.signs[0].hypotension") and -1. kb: the whole
 * knowledge base (scores, drugs, pathway.yaml). */
int mm_ref_event_check(const mm_kb *kb, const mm_referral *stored, mm_ref_event *e,
                       mm_ref_writer who, mm_date today, mm_arena *a, mm_diags *d,
                       const char *path);

/* Appends e to referral id in ONE store transaction, after
 * mm_ref_event_check against the stored history read inside it. */
int mm_ref_pathway_append(mm_ref_store *s, const mm_kb *kb, const char *id, mm_ref_event *e,
                          mm_ref_writer who, mm_date today, mm_arena *a, mm_diags *d);

/* Checks every record of a whole referral (import): kinds, schemas,
 * corrections, each against the history before it; replaces each record's
 * data by its canonical form (what mmpath computes recomputed), so an
 * export imported again is identical. Moves: mm_referral_validate. */
int mm_ref_records_validate(const mm_kb *kb, mm_referral *r, mm_date today,
                            mm_arena *a, mm_diags *d, const char *path);

/* What may come next: the moves the pathway allows from the current state
 * (for the writer), the record kinds allowed now, and the date window
 * [min, today]. */
typedef struct mm_ref_next {
  mm_ref_state state;
  mm_date min_date, max_date;
  mm_ref_state next[MM_RS_COUNT];
  size_t n_next;
  mm_ref_kind kinds[MM_RK_COUNT];
  size_t n_kinds;
} mm_ref_next;
void mm_ref_next_of(const mm_kb *kb, const mm_referral *r, mm_ref_writer who, mm_date today,
                    mm_arena *a, mm_ref_next *out);
void mm_ref_next_json(mm_strbuf *b, const mm_kb *kb, const mm_ref_next *n, mm_lang lang);

/* After infusion, as recorded (for the funnel, the letter, the registry).
 * Tri-state ints: 1 yes, 0 no, -1 unknown. */
typedef struct mm_ref_outcome {
  bool infused;
  mm_date infused_on;
  int crs, icans;          /* any episode; no only when a visit on or after
                              day 28 says toxicity_reviewed and none is recorded */
  int crs_grade, icans_grade; /* highest ASTCT grade, -1 unknown/none */
  bool crs_grade_unknown, icans_grade_unknown;
  const char *day100_response; /* IMWG category at the day-100 visit, or NULL */
  const char *best_response;
  mm_date best_response_date;
} mm_ref_outcome;
int mm_ref_outcome_of(const mm_referral *r, mm_arena *a, mm_ref_outcome *out);


/* ---- pathway_kb.c: kb/pathway.yaml ---- */
typedef struct mm_path_visit { const char *id; int day; mm_text name; } mm_path_visit;
typedef struct mm_path_condition {
  const char *id;
  const char **products;
  size_t n_products;
  int weeks;
  mm_text text;
  const char *sources; /* joined with "; " */
} mm_path_condition;
typedef struct mm_path_warning { const char *id; mm_text text; } mm_path_warning;
typedef struct mm_path_field {
  const char *id, *ebmt, *cibmtr, *source, *from; /* from: NULL = not held */
} mm_path_field;
typedef struct mm_path_kb {
  mm_path_visit *visits;
  size_t n_visits;
  mm_path_condition *conditions;
  size_t n_conditions;
  mm_path_warning *warnings;
  size_t n_warnings;
  mm_text contact;
  mm_path_field *fields;
  size_t n_fields;
} mm_path_kb;
/* Reads kb/pathway.yaml (kept by the kb loader) into a; -1 with
 * diagnostics when absent or invalid. */
int mm_path_kb_read(mm_path_kb *out, const mm_kb *kb, mm_arena *a, mm_diags *d);
const mm_path_visit *mm_path_kb_visit(const mm_path_kb *pk, const char *id);

/* ---- letter.c: the letter to the spoke, printable HTML ---- */
int mm_ref_letter_html(mm_strbuf *b, const mm_kb *kb, const mm_referral *r, mm_lang lang,
                       mm_date today, mm_arena *a, mm_diags *d);

/* ---- registry_export.c: one row per infused referral ---- */
typedef struct mm_ref_export mm_ref_export;
int mm_ref_export_new(mm_ref_export **out, const mm_kb *kb, mm_arena *a, mm_diags *d);
/* Adds one referral (skipped when not infused). */
int mm_ref_export_add(mm_ref_export *x, const mm_referral *r);
void mm_ref_export_json(mm_strbuf *b, const mm_ref_export *x);
void mm_ref_export_csv(mm_strbuf *b, const mm_ref_export *x);
size_t mm_ref_export_count(const mm_ref_export *x);

#endif
