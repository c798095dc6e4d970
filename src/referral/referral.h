/* referral.h: the CAR-T / bispecific referral pathway (spec mmpath/referral@1,
 * docs/referral.md). A referral is a request from a centre to a hub; what
 * happens to it is an append-only list of events, oldest first; its state is
 * the last event's state.
 *
 * The model (which state may follow which) is the spec's and lives in ONE
 * place, moves.c: mm_referral_check_move is the only function that decides
 * whether an event may follow another. The states and the words (state
 * labels, reasons, products, report labels) are kb data (kb/referral.yaml),
 * a part of the knowledge base: kb/kb_referral.h, mm_kb_referral(kb).
 *
 * Ownership: a parsed referral's strings live in the arena given to the
 * parser; the vocabulary is the kb's. */
#ifndef MM_REFERRAL_H
#define MM_REFERRAL_H
#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"
#include "kb/kb_referral.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define MM_REFERRAL_SCHEMA "mmpath/referral@1"
#define MM_FUNNEL_SCHEMA "mmpath/funnel@1"

typedef struct mm_ref_event {
  mm_date date;
  mm_ref_state state;
  const char *reason; /* reason id from the kb, or NULL */
  const char *note;   /* free text, or NULL (never a patient name) */
  const char *actor;  /* who recorded it (e.g. "BO-SER hub token 3"), or NULL;
                         stored with the event, not part of what happened */
  /* What kind of event: NULL for a move of the pathway (the spec's event);
   * other kinds (a correction, a record added after infusion...) are named
   * by the pathway layer and carry their content in `data`, a JSON object
   * as text that the store keeps verbatim (it never interprets it). */
  const char *kind;
  const char *data;
} mm_ref_event;

typedef struct mm_referral {
  const char *id, *patient, *from_center, *to_center, *target;
  size_t n_events;
  mm_ref_event *events;
} mm_referral;

/* ---- the model (moves.c) ---- */
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

/* Identifiers: referral, centre and patient ids are ids as mm_ref_check_id
 * (kb/kb_referral.h) checks them. A patient id must also contain a digit and
 * no space: a pseudonym, never a name. NULL when fine, otherwise the
 * reason. */
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
