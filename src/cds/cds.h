/* cds.h: CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/; docs/cds-hooks.md),
 * the service `mmpath-options` for three hooks: patient-view (the patient's
 * options), order-select and order-sign (does the regimen being ordered fit
 * the patient?). Without HTTP: functions over explicit inputs (the
 * knowledge base, the FHIR map, the parsed request, language, jurisdiction,
 * limits) that return results or problems. The HTTP glue (routes, status
 * codes, problem+json, the audit of feedback, the client's JWT) is
 * src/server/api_cds.c and src/server/api.c.
 *
 * The patient comes as mmpath/patient@1 in prefetch.mmpathPatient (or
 * context.mmpathPatient), read from the request as parsed; or as the FHIR
 * R4 resources of the discovery's prefetch templates (Patient, Conditions,
 * Observations, medications, procedures), which src/fhir imports into a
 * record (what it leaves out becomes a card). Without either the answer is
 * 412 with an OperationOutcome, as the specification says; the service
 * never queries the EHR's FHIR server. The evaluation tree becomes a few
 * short cards (a summary, a few lines, a link to the whole evaluation). A
 * card's uuid is derived from hookInstance and the card's kind, so a
 * repeated call gives the same cards.
 *
 * Problems carry paths relative to the request body ("hook",
 * "context.patientId", "" for the body itself), except where said.
 * Everything allocated lives in the caller's arena, except the evaluation
 * and record problems of mm_cds_patient (mm_cds_patient_free) and the
 * store. Language and jurisdiction are the public API's enums: the
 * evaluation is made through it (include/mmpath.h). */
#ifndef MM_CDS_H
#define MM_CDS_H
#include <stddef.h>
#include <time.h>

#include "fhir/fhir.h"
#include "json/json.h"
#include "kb/kb.h"
#include "mmpath.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define MM_CDS_SERVICE_ID "mmpath-options"
/* The default body cap of a hook request: the discovery's prefetch
 * templates are bounded (_count) so that a full answer fits under it. */
#define MM_CDS_MAX_BODY ((size_t)16 << 20)

/* The hooks the service answers (one discovery entry each, same id). */
typedef enum { MM_CDS_PATIENT_VIEW, MM_CDS_ORDER_SELECT, MM_CDS_ORDER_SIGN } mm_cds_hook;

/* What the functions below return besides 0. */
enum {
  MM_CDS_EINVALID = -1,   /* not a valid hook request or feedback: problems (400) */
  MM_CDS_ENOPATIENT = -2, /* no patient in the request (412 OperationOutcome) */
  MM_CDS_EFHIR = -3,      /* the FHIR resources cannot be imported: problems (422) */
  MM_CDS_ERECORD = -4,    /* the patient record is invalid: mm_cds_patient.problems (422) */
  MM_CDS_ENOMEM = -5,     /* out of memory, or over max_bundle, importing FHIR */
  MM_CDS_EEVAL = -6,      /* the evaluation failed (out of memory) */
  MM_CDS_EMISMATCH = -7,  /* the prefetched patient is not context.patientId's (400) */
  MM_CDS_ENOPATIENTID = -8 /* the prefetch has no Patient id to check (422) */
};

/* The discovery document (GET /cds-services): JSON ending with a newline,
 * static: one entry per hook, each with its bounded prefetch templates. */
void mm_cds_discovery(mm_strbuf *b, const mm_fhir_map *map);

/* The OperationOutcome of an error (`code`: an IssueType, e.g. "required"),
 * appended to b with its newline. */
void mm_cds_operation_outcome(mm_strbuf *b, const char *code, const char *text);
/* The diagnostics of MM_CDS_ENOPATIENT's OperationOutcome (code "required"). */
extern const char mm_cds_no_patient_text[];
/* The messages of MM_CDS_EMISMATCH and MM_CDS_ENOPATIENTID. Neither names
 * the prefetched id: it may be another patient's. */
extern const char mm_cds_mismatch_text[];
extern const char mm_cds_no_patient_id_text[];

/* A hook request, as read. Strings and values point into the parsed body. */
typedef struct mm_cds_request {
  const char *hook, *instance, *patient_id;
  mm_cds_hook kind;
  const mm_json *context;  /* an object */
  const mm_json *prefetch; /* NULL when absent */
  const mm_json *draft_orders; /* order-select, order-sign: a Bundle */
  const mm_json *selections;   /* order-select: an array of "Type/id", else NULL */
} mm_cds_request;

/* Reads a hook request from its parsed body: 0, or MM_CDS_EINVALID with
 * every problem in problems (code MM_E_MISSING or MM_E_INVALID): hook one
 * of the three, hookInstance, context.patientId; for the order hooks
 * context.draftOrders (a Bundle) and, for order-select,
 * context.selections. */
int mm_cds_request_read(mm_cds_request *out, const mm_json *body, mm_diags *problems);

/* What evaluating a request needs: read-only, shared by every request. */
typedef struct mm_cds_env {
  const mm_kb *kb;
  const mm_fhir_map *fhir; /* kb/fhir.yaml; NULL: only mmpath records are read */
  size_t max_bundle;       /* cap of the FHIR Bundle assembled from the prefetch, bytes */
} mm_cds_env;

/* Where a card's links point (either may be NULL: no such link). */
typedef struct mm_cds_links {
  const char *evaluation_url; /* absolute URL of the stored evaluation page */
  const char *smart_url;      /* a SMART app launch URL (link type smart) */
  const char *app_context;    /* its appContext: "evaluation=<id>" */
} mm_cds_links;

typedef struct mm_cds_patient {
  mmpath_evaluation *ev;     /* 0: the evaluation, owned */
  mmpath_problems *problems; /* MM_CDS_ERECORD: the record's problems, owned */
  const char *record_path;   /* where the record is: "prefetch.mmpathPatient",
                                "context.mmpathPatient" or "prefetch" (FHIR) */
  mm_diags fhir_notes;       /* FHIR: what was left out (warnings); with
                                MM_CDS_EFHIR the errors. Paths are the importer's,
                                relative to the prefetch ("Bundle.entry[1]") */
  const char *id_path;       /* MM_CDS_EMISMATCH, MM_CDS_ENOPATIENTID: the path
                                (relative to the body) the problem names */
} mm_cds_patient;

/* Finds the request's patient (an mmpath record first, else the FHIR
 * resources of the prefetch), checks it is the patient of
 * context.patientId, and evaluates it in that jurisdiction. The check (CDS
 * Hooks 2.0, https://cds-hooks.hl7.org/2.0/, "context": patientId is the
 * FHIR id of the patient in context; "Prefetch": the template
 * Patient/{{context.patientId}}) compares patientId with the record's `id`,
 * or with the id of every FHIR Patient in the prefetch: a different one is
 * MM_CDS_EMISMATCH, a FHIR prefetch with no Patient id MM_CDS_ENOPATIENTID
 * (never guessed; a record without `id` is an invalid record). 0 with
 * out->ev; MM_CDS_ENOPATIENT; MM_CDS_EFHIR (errors in out->fhir_notes);
 * MM_CDS_ERECORD (out->problems, paths relative to out->record_path);
 * MM_CDS_EMISMATCH, MM_CDS_ENOPATIENTID (out->id_path); MM_CDS_ENOMEM;
 * MM_CDS_EEVAL. Always release with mm_cds_patient_free.
 * The request's body must outlive out (the record is read in place). */
int mm_cds_evaluate(mm_cds_patient *out, const mm_cds_env *env, const mm_cds_request *req,
                    mmpath_jurisdiction jurisdiction, mm_arena *arena);
void mm_cds_patient_free(mm_cds_patient *p);

/* The patient-view cards of an evaluated request, {"cards":[...]} and a
 * newline, appended to out: built from the evaluation tree, in the language
 * asked, each short (summary under 140 characters, at most
 * MM_CDS_DETAIL_LINES lines of detail, the rest behind the link);
 * fhir_notes' warnings (may be NULL) become a card of their own. A record
 * without a myeloma diagnosis gets one info card that says mmpath does not
 * apply, and nothing else. links may be NULL. */
#define MM_CDS_DETAIL_LINES 6
void mm_cds_cards(mm_strbuf *out, const mm_cds_request *req, const mmpath_evaluation *ev,
                  const mm_diags *fhir_notes, mmpath_lang lang, const mm_cds_links *links,
                  mm_arena *arena);

/* ---- order-select, order-sign (cds_order.c) ---- */

/* The medications being ordered, as kb drugs. */
typedef struct mm_cds_order {
  int *drugs;              /* kb->drugs indices, distinct, kb order */
  size_t n_drugs;
  const char **resource_ids; /* "MedicationRequest/x" of each order of a kb
                                drug (NULL: the order has no id) */
  size_t n_resources;
  const mm_regimen *regimen; /* the kb regimen of exactly these drugs, or NULL */
  mm_diags notes;          /* orders not read (a drug not recognised, ...):
                              warnings, paths relative to the body */
} mm_cds_order;

/* Reads context.draftOrders into out: each MedicationRequest's drug through
 * the FHIR importer's map (kb/fhir.yaml: RxNorm, ATC, Italian product
 * names, kb names), each order read alone; the drugs of all of them are the
 * regimen being ordered (order-select: the session's orders, answered when
 * one in context.selections is a kb drug), matched to the kb regimen of
 * exactly those drugs. 0 (out->n_drugs is 0 when nothing mmpath knows is
 * ordered or selected: no cards; what was not recognised is in
 * out->notes), or MM_CDS_ENOMEM. */
int mm_cds_order_read(mm_cds_order *out, const mm_cds_env *env, const mm_cds_request *req,
                      mm_arena *arena);

/* The cards of an order ({"cards":[...]} and a newline) for the evaluated
 * patient: whether the disease is refractory to a drug of the order (or of
 * its cross-refractory class: critical when it is, warning when not known),
 * the verdict of the guideline regimens and approved therapies made of
 * those drugs (with what fails or is missing), and where the order does
 * not fit, suggestions: the patient's recommended options, and removing
 * the order. A patient without a myeloma diagnosis gets the one info card. */
void mm_cds_order_cards(mm_strbuf *out, const mm_cds_request *req, const mmpath_evaluation *ev,
                        const mm_cds_order *order, const mm_diags *fhir_notes, mmpath_lang lang,
                        const mm_cds_links *links, mm_arena *arena);

/* ---- the evaluations the cards link to (cds_store.c) ---- */

/* A bounded in-memory store of rendered evaluation pages, each under a
 * random 128-bit id (32 hex characters) for ttl seconds: the link carries
 * no patient data, and the page is gone soon after. Thread-safe (its own
 * mutex); when full, the entry nearest expiry gives way. */
#define MM_CDS_STORE_ID_LEN 32
typedef struct mm_cds_store mm_cds_store;
int mm_cds_store_new(mm_cds_store **out, size_t capacity, long ttl_seconds);
void mm_cds_store_free(mm_cds_store *s);
long mm_cds_store_ttl(const mm_cds_store *s);
/* Keeps a copy of page[0..len); writes its id. 0, or -1 (no memory, no
 * randomness). */
int mm_cds_store_put(mm_cds_store *s, const char *page, size_t len, time_t now,
                     char id[MM_CDS_STORE_ID_LEN + 1]);
/* Appends the page of id to out: 0; 1 unknown or expired; -1 out full. */
int mm_cds_store_get(mm_cds_store *s, const char *id, time_t now, mm_strbuf *out);

/* ---- shared by the card builders (cds_cards.c) ---- */

/* A card writer: cards appended to b, comma-separated. */
typedef struct mm_cds_cardset {
  mm_strbuf *b;
  mm_arena *arena;
  const char *instance, *source_label;
  const mm_cds_links *links;
  mmpath_lang lang;
  size_t n;
} mm_cds_cardset;
void mm_cds_cardset_init(mm_cds_cardset *cs, mm_strbuf *b, const mm_cds_request *req,
                         const mmpath_evaluation *ev, const mm_cds_links *links,
                         mmpath_lang lang, mm_arena *arena);
/* Opens a card: uuid, summary (cut under 140 characters on a character
 * boundary), detail (cut after MM_CDS_DETAIL_LINES lines, saying how many
 * more), indicator, source (label; url, an absolute URL found in
 * source_text: https://..., doi:..., PMID ...; may be NULL), links. The
 * caller may add members (",\"suggestions\":[...]") and must close with
 * mm_cds_card_end. */
void mm_cds_card_begin(mm_cds_cardset *cs, const char *kind, const char *indicator,
                       const char *summary, const char *detail, const char *source_text);
void mm_cds_card_end(mm_cds_cardset *cs);
/* The no-myeloma-diagnosis card when the record has none: true if written
 * (then nothing else applies). */
bool mm_cds_no_diagnosis_card(mm_cds_cardset *cs, const mmpath_evaluation *ev, mmpath_lang lang);
/* The card of what the FHIR import left out (nothing when notes has no
 * warning; notes may be NULL). */
void mm_cds_fhir_notes_card(mm_cds_cardset *cs, const mm_diags *notes, const char *kind,
                            mmpath_lang lang);
/* A stable UUID from hookInstance and a kind. */
const char *mm_cds_uuid(mm_arena *a, const char *instance, const char *kind);

/* Checks a feedback body (CDS Hooks 2.0 "Feedback": {"feedback":[{card,
 * outcome accepted|overridden, acceptedSuggestions (required when accepted:
 * [{id}]), overrideReason ({reason Coding, userComment}, optional),
 * outcomeTimestamp (RFC 3339 date-time, required)}]}): 0, or MM_CDS_EINVALID
 * with every problem, each with its path ("feedback[0].outcomeTimestamp"). */
int mm_cds_feedback_check(const mm_json *body, mm_diags *problems);


#endif
