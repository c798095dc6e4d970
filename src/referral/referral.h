/* referral.h: the CAR-T / bispecific referral pathway (spec mmpath/referral@1,
 * docs/referral.md). A referral is a request from a centre to a hub; what
 * happens to it is an append-only list of events, oldest first; its state is
 * the last event's state.
 *
 * The model (states, and which state may follow which) is the spec's and
 * lives in ONE place, moves.c: mm_referral_check_move is the only function
 * that decides whether an event may follow another. The words (state labels,
 * reasons, products, report labels) are kb data (kb/referral.yaml), loaded
 * into an mm_ref_kb.
 *
 * Ownership: a parsed referral's strings live in the arena given to the
 * parser; the kb owns its own arena (mm_ref_kb_free). */
#ifndef MM_REFERRAL_H
#define MM_REFERRAL_H
#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define MM_REFERRAL_SCHEMA "mmpath/referral@1"
#define MM_FUNNEL_SCHEMA "mmpath/funnel@1"

/* ORDER: the spec's table; mm_ref_state_name and moves.c follow it. */
typedef enum {
  MM_RS_REFERRED,
  MM_RS_WAITLISTED,
  MM_RS_SCREENING,
  MM_RS_NOT_ELIGIBLE,
  MM_RS_ELIGIBLE,
  MM_RS_AWAITING_APHERESIS,
  MM_RS_APHERESIS,
  MM_RS_MANUFACTURING,
  MM_RS_MANUFACTURING_FAILED,
  MM_RS_AWAITING_INFUSION,
  MM_RS_INFUSED,
  MM_RS_FOLLOW_UP,
  MM_RS_NOT_INFUSED,
  MM_RS_EXCLUDED,
  MM_RS_DIED,
  MM_RS_COUNT
} mm_ref_state;

typedef struct mm_ref_event {
  mm_date date;
  mm_ref_state state;
  const char *reason; /* reason id from the kb, or NULL */
  const char *note;   /* free text, or NULL (never a patient name) */
  const char *actor;  /* who recorded it (e.g. "BO-SER hub token 3"), or NULL;
                         stored with the event, not part of what happened */
} mm_ref_event;

typedef struct mm_referral {
  const char *id, *patient, *from_center, *to_center, *target;
  size_t n_events;
  mm_ref_event *events;
} mm_referral;

/* ---- the kb vocabulary (referral_kb.c) ---- */
typedef enum { MM_LANG_EN, MM_LANG_IT } mm_lang;
typedef struct mm_ref_text { const char *en, *it; } mm_ref_text;
typedef struct mm_ref_reason { const char *id; mm_ref_text name; } mm_ref_reason;
typedef struct mm_ref_target {
  const char *id;
  bool bispecific;
  mm_ref_text name;
} mm_ref_target;
typedef struct mm_ref_label { const char *id; mm_ref_text text; } mm_ref_label;

typedef struct mm_ref_kb {
  mm_arena arena;
  mm_ref_text states[MM_RS_COUNT];
  mm_ref_reason *reasons;
  size_t n_reasons;
  mm_ref_target *targets;
  size_t n_targets;
  mm_ref_label *labels;
  size_t n_labels;
} mm_ref_kb;

/* Loads KB_DIR/referral.yaml; every problem goes to diags (file:line:col). */
int mm_ref_kb_load(mm_ref_kb **out, const char *kb_dir, mm_diags *diags);
void mm_ref_kb_free(mm_ref_kb *kb);
const mm_ref_reason *mm_ref_kb_reason(const mm_ref_kb *kb, const char *id);
const mm_ref_target *mm_ref_kb_target(const mm_ref_kb *kb, const char *id);
/* A report label in lang; "?<id>" never happens: load checks every label the
 * renderers use. */
const char *mm_ref_kb_label(const mm_ref_kb *kb, const char *id, mm_lang lang);
const char *mm_ref_text_in(const mm_ref_text *t, mm_lang lang);

/* ---- the model (moves.c) ---- */
const char *mm_ref_state_name(mm_ref_state s);
/* Parses a state id; false when unknown. */
bool mm_ref_state_parse(const char *s, mm_ref_state *out);
/* Whether the state requires a reason (not_eligible, not_infused, excluded). */
bool mm_ref_state_needs_reason(mm_ref_state s);
/* Whether the table allows `to` right after `from` (from < 0: first event)
 * for a product that is (or not) a bispecific. Pure table lookup. */
bool mm_ref_move_allowed(int from, mm_ref_state to, bool bispecific);
/* THE check: may `ev` follow `prev` (NULL for the first event) on a referral
 * whose target is `target`? Checks the move, the date order, the reason
 * (present when required, known to the kb). Returns 0, or -1 with a one-line
 * reason in why ("move from 'referred' to 'apheresis' not allowed"); `field`
 * is set to the offending field name ("state", "date", "reason") and `code`
 * to the kind of refusal (MM_E_STATE for a move the pathway does not allow,
 * MM_E_MISSING, MM_E_ORDER, MM_E_UNKNOWN_NAME). */
int mm_referral_check_move(const mm_ref_kb *kb, const char *target,
                           const mm_ref_event *prev, const mm_ref_event *ev,
                           const char **field, mm_diag_code *code, char *why, size_t why_len);

/* Identifiers: referral, centre and patient ids are 1-64 characters of
 * [A-Za-z0-9._-], starting with a letter or digit. A patient id must also
 * contain a digit and no space: a pseudonym, never a name. NULL when fine,
 * otherwise the reason. */
const char *mm_ref_check_id(const char *s);
const char *mm_ref_check_patient_id(const char *s);

/* Checks a whole referral (ids, target, every event through
 * mm_referral_check_move); diagnostics carry `path` + ".events[2].state". */
int mm_referral_validate(const mm_ref_kb *kb, const mm_referral *r,
                         mm_diags *diags, const char *source, const char *path);

/* ---- JSON (referral_json.c) ---- */
/* Reads one mmpath/referral@1 object (strict: unknown keys are errors). */
int mm_referral_from_json(mm_referral *out, mm_arena *arena, const mm_json *v,
                          mm_diags *diags, const char *source, const char *path);
/* Reads a file's text: one referral or an array of them. With a kb (may be
 * NULL) each one is also checked by mm_referral_validate. Every problem is
 * reported with its path ("[3].events[2].state") and line:col. */
int mm_referrals_parse(mm_referral **out, size_t *n_out, mm_arena *arena,
                       const char *text, size_t len, const mm_ref_kb *kb,
                       mm_diags *diags, const char *source);
void mm_referral_to_json(mm_strbuf *b, const mm_referral *r, int indent);

#endif
