/* fhir_record.c: the import state written as an mmpath/patient@1 record
 * (JSON), which mm_fhir_import then reads back with the patient reader. */
#include <stdlib.h>

#include "fhir/fhir_internal.h"

static int lab_cmp(const void *x, const void *y) {
  const mm_fhir_lab_out *a = x, *b = y;
  if (a->date != b->date) return a->date < b->date ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* ---- output -------------------------------------------------------------- */

static void put_date(mm_strbuf *b, mm_date d) {
  char buf[11];
  mm_date_format(d, buf);
  mm_strbuf_printf(b, "\"%s\"", buf);
}

/* A phase's drugs: a name when the drug spans the phase (or only its order
 * date is known), else {name, start, end} (own dates: only in the main
 * phase, the record's maintenance lists names). */
static void put_drugs(mm_fhir_imp *im, mm_strbuf *b, const mm_drug_period *d, size_t n,
                      mm_date start, mm_date end, bool own_dates) {
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    const mm_drug_period *p = &d[i];
    const char *name = im->kb->drugs[p->drug].id;
    if (i) mm_strbuf_puts(b, ", ");
    if (!own_dates || p->order_only || (p->start == start && p->end == end)) {
      mm_strbuf_json_string(b, name);
      continue;
    }
    mm_strbuf_puts(b, "{\"name\": ");
    mm_strbuf_json_string(b, name);
    mm_strbuf_puts(b, ", \"start\": ");
    put_date(b, p->start);
    if (p->end != MM_DATE_NONE) {
      mm_strbuf_puts(b, ", \"end\": ");
      put_date(b, p->end);
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_putc(b, ']');
}

void mm_fhir_write_record(mm_fhir_imp *im, mm_strbuf *b, mm_grouped_line *lines, size_t nl) {
  mm_strbuf_puts(b, "{\n  \"schema\": \"mmpath/patient@1\",\n  \"id\": ");
  mm_strbuf_json_string(b, im->pid);
  mm_strbuf_puts(b, ",\n  \"as_of\": ");
  put_date(b, im->as_of);
  if (im->birth != MM_DATE_NONE) {
    mm_strbuf_puts(b, ",\n  \"birth_date\": ");
    put_date(b, im->birth);
  }
  if (im->sex) mm_strbuf_printf(b, ",\n  \"sex\": \"%s\"", im->sex);
  if (im->ecog_date != MM_DATE_NONE) mm_strbuf_printf(b, ",\n  \"ecog\": %d", im->ecog);
  if (im->n_comorbs) {
    mm_strbuf_puts(b, ",\n  \"comorbidities\": [");
    for (size_t i = 0; i < im->n_comorbs; i++) {
      if (i) mm_strbuf_puts(b, ", ");
      mm_strbuf_json_string(b, im->kb->comorbidities[im->comorbs[i]].id);
    }
    mm_strbuf_putc(b, ']');
  }
  bool any_fish = false;
  for (int i = 0; i < MM_FHIR_FISH_IN_RECORD; i++) any_fish |= im->fish[i] && !im->fish_conflict[i];
  /* A myeloma Condition without a date still is the diagnosis: an empty
   * object says so (docs/facts.md, disease_state). */
  if (im->dx != MM_DATE_NONE || any_fish || im->iss_date != MM_DATE_NONE || im->has_mm ||
      im->ldh_above) {
    mm_strbuf_puts(b, ",\n  \"diagnosis\": {");
    const char *sep = "";
    if (im->dx != MM_DATE_NONE) {
      mm_strbuf_puts(b, "\"date\": ");
      put_date(b, im->dx);
      sep = ", ";
    }
    if (im->iss_date != MM_DATE_NONE) {
      mm_strbuf_printf(b, "%s\"iss\": %d", sep, im->iss);
      sep = ", ";
    }
    if (im->ldh_above) {
      mm_strbuf_printf(b, "%s\"ldh_above_uln\": %s", sep, im->ldh_above > 0 ? "true" : "false");
      sep = ", ";
    }
    if (any_fish) {
      mm_strbuf_printf(b, "%s\"fish\": {", sep);
      const char *fs = "";
      for (int i = 0; i < MM_FHIR_FISH_IN_RECORD; i++)
        if (im->fish[i] && !im->fish_conflict[i]) {
          mm_strbuf_printf(b, "%s\"%s\": %s", fs, mm_fhir_fish_names[i],
                           im->fish[i] > 0 ? "true" : "false");
          fs = ", ";
        }
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_putc(b, '}');
  }
  if (im->n_labs) {
    qsort(im->labs, im->n_labs, sizeof *im->labs, lab_cmp);
    mm_strbuf_puts(b, ",\n  \"labs\": [");
    for (size_t i = 0; i < im->n_labs; i++) {
      const mm_fhir_lab_out *l = &im->labs[i];
      mm_strbuf_puts(b, i ? ",\n    {\"date\": " : "\n    {\"date\": ");
      put_date(b, l->date);
      mm_strbuf_printf(b, ", \"test\": \"%s\", \"value\": %.10g, \"unit\": ", l->lab->id, l->value);
      mm_strbuf_json_string(b, l->unit);
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "\n  ]");
  }
  if (nl) {
    mm_strbuf_puts(b, ",\n  \"lines\": [");
    for (size_t k = 0; k < nl; k++) {
      const mm_grouped_line *l = &lines[k];
      mm_strbuf_puts(b, k ? ",\n    {\"drugs\": " : "\n    {\"drugs\": ");
      put_drugs(im, b, l->drugs, l->n_drugs, l->start, l->end, true);
      mm_strbuf_puts(b, ", \"start\": ");
      put_date(b, l->start);
      if (l->end != MM_DATE_NONE) {
        mm_strbuf_puts(b, ", \"end\": ");
        put_date(b, l->end);
      }
      if (l->asct != MM_DATE_NONE) {
        mm_strbuf_puts(b, ", \"asct\": ");
        put_date(b, l->asct);
      }
      if (l->n_maint) {
        mm_strbuf_puts(b, ", \"maintenance\": {\"drugs\": ");
        put_drugs(im, b, l->maint, l->n_maint, l->maint_start, l->maint_end, false);
        mm_strbuf_puts(b, ", \"start\": ");
        put_date(b, l->maint_start);
        if (l->maint_end != MM_DATE_NONE) {
          mm_strbuf_puts(b, ", \"end\": ");
          put_date(b, l->maint_end);
        }
        mm_strbuf_putc(b, '}');
      }
      if (l->progression != MM_DATE_NONE) {
        mm_strbuf_puts(b, ", \"progression\": ");
        put_date(b, l->progression);
      }
      if (l->stop >= 0) mm_strbuf_printf(b, ", \"stop_reason\": \"%s\"", mm_fhir_stop_names[l->stop]);
      const char *why = mm_fhir_provisional_text(im, l, MM_LANG_EN);
      if (why) {
        mm_strbuf_puts(b, ", \"provisional\": ");
        mm_strbuf_json_string(b, why);
      }
      mm_strbuf_putc(b, '}');
    }
    mm_strbuf_puts(b, "\n  ]");
  }
  mm_strbuf_puts(b, "\n}\n");
}
