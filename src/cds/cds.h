/* cds.h: CDS Hooks (HL7; shared clinical/landscape.md §4.2), the service
 * `mmpath-options` for the patient-view hook, without HTTP: functions over
 * explicit inputs (the knowledge base, the FHIR map, the parsed request,
 * language, jurisdiction, limits) that return results or problems. The HTTP
 * glue (routes, status codes, problem+json, the audit of feedback) is
 * src/server/api_cds.c.
 *
 * The patient comes as mmpath/patient@1 in prefetch.mmpathPatient (or
 * context.mmpathPatient), read from the request as parsed; or as the FHIR
 * R4 resources of the discovery's prefetch templates (Patient, Conditions,
 * Observations, medications), which src/fhir imports into a record (what it
 * leaves out becomes a card). Without either the answer is 412 with an
 * OperationOutcome, as the convention says; the service never queries the
 * EHR's FHIR server. The evaluation tree becomes a few stable cards:
 * eligible options, options that missing data leaves undecided, supportive
 * care, trials. A card's uuid is derived from hookInstance and the card's
 * kind, so a repeated call gives the same cards.
 *
 * Problems carry paths relative to the request body ("hook",
 * "context.patientId", "" for the body itself), except where said.
 * Everything allocated lives in the caller's arena, except the evaluation
 * and record problems of mm_cds_patient (mm_cds_patient_free). Language and
 * jurisdiction are the public API's enums: the evaluation is made through
 * it (include/mmpath.h). */
#ifndef MM_CDS_H
#define MM_CDS_H
#include <stddef.h>

#include "fhir/fhir.h"
#include "json/json.h"
#include "kb/kb.h"
#include "mmpath.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/strbuf.h"

#define MM_CDS_SERVICE_ID "mmpath-options"

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
 * static. */
const char *mm_cds_discovery(void);

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
  const mm_json *context;  /* an object */
  const mm_json *prefetch; /* NULL when absent */
} mm_cds_request;

/* Reads a patient-view request from its parsed body: 0, or MM_CDS_EINVALID
 * with every problem in problems (code MM_E_MISSING or MM_E_INVALID). */
int mm_cds_request_read(mm_cds_request *out, const mm_json *body, mm_diags *problems);

/* What evaluating a request needs: read-only, shared by every request. */
typedef struct mm_cds_env {
  const mm_kb *kb;
  const mm_fhir_map *fhir; /* kb/fhir.yaml; NULL: only mmpath records are read */
  size_t max_bundle;       /* cap of the FHIR Bundle assembled from the prefetch, bytes */
} mm_cds_env;

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

/* The cards of an evaluated request, {"cards":[...]} and a newline,
 * appended to out: built from the evaluation tree, in the language asked;
 * fhir_notes' warnings (may be NULL) become a card of their own. */
void mm_cds_cards(mm_strbuf *out, const mm_cds_request *req, const mmpath_evaluation *ev,
                  const mm_diags *fhir_notes, mmpath_lang lang, mm_arena *arena);

/* Checks a feedback body ({"feedback":[{card, outcome, ...}]}): 0, or
 * MM_CDS_EINVALID with the first problem in problems. */
int mm_cds_feedback_check(const mm_json *body, mm_diags *problems);

/* A JSON value back to compact JSON text: the FHIR resources handed to the
 * importer, a feedback entry kept in the audit log. */
void mm_cds_json_write(mm_strbuf *b, const mm_json *v);

#endif
