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
#include <stdio.h>

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
/* One referral from a piece of a file (an element of its array) that starts
 * at line0:col0: positions are the file's, paths start with `path` ("[3]").
 * 0; -1 with diagnostics; -2 out of memory; -3 when the piece is not JSON
 * (no diagnostic: the caller parses the whole file for the exact error). */
int mm_referral_parse_one(mm_referral *out, mm_arena *arena, const char *text, size_t len,
                          int line0, int col0, const char *path, const mm_ref_kb *kb,
                          mm_diags *diags, const char *source);
void mm_referral_to_json(mm_strbuf *b, const mm_referral *r, int indent);

/* ---- a file of referrals read a referral at a time (referral_stream.c) ----
 * For imports of any size in bounded memory: the array's elements are cut
 * out of the file as they come (strings and nesting followed) and handed
 * out one by one; mm_referral_parse_one reads each. */
typedef struct mm_ref_reader {
  FILE *f;
  char *buf; /* the current element's text (owned) */
  size_t len, cap;
  int line, col;  /* the position of the next byte in the file */
  int line0, col0; /* where the current element starts */
  int state;      /* 0 start, 1 inside an array, 2 single object given, 3 end */
  size_t index;   /* the element's index in the array */
  bool array;
} mm_ref_reader;
/* 0, or -1 with errno (the file cannot be opened). */
int mm_ref_reader_open(mm_ref_reader *r, const char *path);
/* Back to the first element (a second pass). 0 or -1. */
int mm_ref_reader_rewind(mm_ref_reader *r);
/* The next element: 1 with r->buf/len its text starting at *line:*col; 0
 * at the end; -1 when the file is not an array of objects or one object
 * (the caller parses the whole file for the exact error); -2 out of memory. */
int mm_ref_reader_next(mm_ref_reader *r, int *line, int *col);
void mm_ref_reader_close(mm_ref_reader *r);
/* The next referral (mm_referral_parse_one, its path "[i]" in an array),
 * *index its place: 1; 2 when it has problems (diagnostics added); 0 at
 * the end; -1 not an array of objects or not JSON (parse the whole file);
 * -2 out of memory. */
int mm_ref_reader_referral(mm_ref_reader *r, mm_arena *arena, mm_referral *out, size_t *index,
                           const mm_ref_kb *kb, mm_diags *diags, const char *source);
/* A first pass over the whole file: every referral read and checked (with
 * kb), ids unique (MM_E_DUPLICATE, as mm_referrals_parse), in memory
 * bounded by the ids. *n: how many. 0; -1 problems (diagnostics); -2 out
 * of memory; -3 not an array of objects or not JSON (parse the whole file). */
int mm_ref_reader_check(mm_ref_reader *r, const mm_ref_kb *kb, mm_diags *diags,
                        const char *source, size_t *n);

#endif
