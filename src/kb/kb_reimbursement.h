/* kb_reimbursement.h: whether the national health service pays for an
 * approved therapy, per EU indication, as data (kb/reimbursement/it.yaml,
 * docs/kb-format.md "Reimbursement"). Italy only for now: the AIFA class
 * (H, A, C, C(nn)), the determination that decided it and its Gazzetta
 * Ufficiale, or "not found" with the date the search was made.
 *
 * Part of the one kb object (kb->reimbursement), loaded with it and, like
 * it, immutable and shared read-only. The jurisdiction MM_JURIS_IT means:
 * the EU labels decide eligibility exactly as for MM_JURIS_EU, and each
 * therapy's finding here is shown beside the verdict. */
#ifndef MM_KB_REIMBURSEMENT_H
#define MM_KB_REIMBURSEMENT_H
#include "kb/kb.h"

/* ORDER: the codes of mm_reimb_status_code and the names of the file. */
typedef enum mm_reimb_status {
  MM_REIMB_REIMBURSED = 0,     /* paid by the SSN (class A or H) */
  MM_REIMB_NOT_REIMBURSED = 1, /* classified, but not paid (class C) */
  MM_REIMB_C_NN = 2,           /* class C(nn): not yet assessed for reimbursement */
  MM_REIMB_NOT_FOUND = 3       /* no act found in the sources searched */
} mm_reimb_status;

typedef struct mm_reimbursement {
  const mm_option *therapy;        /* the approved therapy (kb->options) */
  const mm_indication *indication; /* one of its EU indications */
  mm_reimb_status status;
  const char *klass;               /* "H", "A", "C", "C(nn)"; NULL when not read */
  const char *determination;       /* AIFA determination "75/2024"; NULL when not read */
  mm_date determination_date;      /* MM_DATE_NONE when not read */
  int gazzetta_number;             /* GU Serie Generale number; 0 when not read */
  mm_date gazzetta_date;           /* its publication date; MM_DATE_NONE when not read */
  const char *gazzetta_code;       /* codice redazionale "24A02748"; NULL when not read */
  mm_date searched;                /* when the sources were last searched */
  mm_text note;                    /* what else was found; {NULL, NULL} if nothing */
  mm_provenance prov;
} mm_reimbursement;

typedef struct mm_reimb_kb {
  const char *country;   /* "it" */
  const char *authority; /* "AIFA" */
  mm_reimbursement *entries;
  size_t n_entries;
  mm_provenance prov;
} mm_reimb_kb;

/* kb->reimbursement (never NULL in a loaded kb). */
const mm_reimb_kb *mm_kb_reimbursement(const mm_kb *kb);

/* The finding for this therapy's indication, or NULL when the kb records
 * none (borrowed from the kb). */
const mm_reimbursement *mm_reimb_find(const mm_reimb_kb *rk, const mm_option *therapy,
                                      const mm_indication *indication);

/* "reimbursed", "not_reimbursed", "c_nn", "not_found" (stable codes). */
const char *mm_reimb_status_code(mm_reimb_status s);

/* Whose labels decide the approved therapies in jurisdiction j: the EU's
 * for Italy (reimbursement is shown beside the EU verdict), else j. */
static inline mm_jurisdiction mm_jurisdiction_labels(mm_jurisdiction j) {
  return j == MM_JURIS_IT ? MM_JURIS_EU : j;
}

/* "eu", "us", "it"; and back (false for anything else). */
const char *mm_jurisdiction_code(mm_jurisdiction j);
bool mm_jurisdiction_parse(const char *s, mm_jurisdiction *out);

#endif
