/* registry_export.c: one row per infused referral, laid out after the field
 * map of kb/pathway.yaml (EBMT Cellular Therapy MED-A + Day 100, CIBMTR
 * 4000-series): each field's value from the record, or listed missing when
 * mmpath does not hold it or it is not recorded; never invented. */
#include <string.h>

#include "referral/outcome.h"

typedef struct row {
  const char *id, **values; /* values[i] NULL: missing */
} row;

struct mm_ref_export {
  const mm_kb *kb;
  mm_arena *a;
  mm_path_kb pk;
  row *rows;
  size_t n, cap;
};

int mm_ref_export_new(mm_ref_export **out, const mm_kb *kb, mm_arena *a, mm_diags *d) {
  *out = mm_arena_alloc(a, sizeof **out);
  if (!*out) return MM_REF_ENOMEM;
  memset(*out, 0, sizeof **out);
  (*out)->kb = kb;
  (*out)->a = a;
  return mm_path_kb_read(&(*out)->pk, kb, a, d) < 0 ? MM_REF_EINVALID : MM_REF_OK;
}

int mm_ref_export_add(mm_ref_export *x, const mm_referral *r) {
  mm_ref_facts f;
  if (mm_ref_outcome_read(r, x->a, &f) < 0) return MM_REF_ENOMEM;
  if (f.infused_on == MM_DATE_NONE) return MM_REF_OK;
  if (x->n == x->cap) {
    size_t nc = x->cap ? x->cap * 2 : 16;
    row *nr = mm_arena_alloc(x->a, nc * sizeof *nr);
    if (!nr) return MM_REF_ENOMEM;
    if (x->n) memcpy(nr, x->rows, x->n * sizeof *nr);
    x->rows = nr;
    x->cap = nc;
  }
  row *w = &x->rows[x->n++];
  w->id = mm_arena_strdup(x->a, r->id);
  w->values = mm_arena_alloc(x->a, (x->pk.n_fields + 1) * sizeof *w->values);
  if (!w->values) return MM_REF_ENOMEM;
  for (size_t i = 0; i < x->pk.n_fields; i++) {
    const char *v = mm_ref_fact_text(&f, r, x->pk.fields[i].from, x->a);
    w->values[i] = v ? mm_arena_strdup(x->a, v) : NULL;
  }
  return x->a->failed ? MM_REF_ENOMEM : MM_REF_OK;
}

size_t mm_ref_export_count(const mm_ref_export *x) { return x->n; }

static void opt(mm_strbuf *b, const char *s) {
  if (s) mm_strbuf_json_string(b, s);
  else mm_strbuf_puts(b, "null");
}

void mm_ref_export_json(mm_strbuf *b, const mm_ref_export *x) {
  mm_strbuf_puts(b, "{\"schema\":\"mmpath/registry-export@1\",\"fields\":[");
  for (size_t i = 0; i < x->pk.n_fields; i++) {
    const mm_path_field *f = &x->pk.fields[i];
    mm_strbuf_printf(b, "%s{\"id\":\"%s\",\"ebmt\":", i ? "," : "", f->id);
    opt(b, f->ebmt);
    mm_strbuf_puts(b, ",\"cibmtr\":");
    opt(b, f->cibmtr);
    mm_strbuf_puts(b, ",\"source\":");
    opt(b, f->source);
    mm_strbuf_printf(b, ",\"held_by_mmpath\":%s}", f->from ? "true" : "false");
  }
  mm_strbuf_puts(b, "],\"rows\":[");
  for (size_t r = 0; r < x->n; r++) {
    mm_strbuf_printf(b, "%s{\"referral\":", r ? "," : "");
    mm_strbuf_json_string(b, x->rows[r].id);
    mm_strbuf_puts(b, ",\"values\":{");
    for (size_t i = 0; i < x->pk.n_fields; i++) {
      mm_strbuf_printf(b, "%s\"%s\":", i ? "," : "", x->pk.fields[i].id);
      opt(b, x->rows[r].values[i]);
    }
    mm_strbuf_puts(b, "},\"missing\":[");
    bool first = true;
    for (size_t i = 0; i < x->pk.n_fields; i++) {
      if (x->rows[r].values[i]) continue;
      mm_strbuf_printf(b, "%s{\"id\":\"%s\",\"why\":\"%s\"}", first ? "" : ",",
                       x->pk.fields[i].id,
                       x->pk.fields[i].from ? "not recorded" : "not held by mmpath");
      first = false;
    }
    mm_strbuf_puts(b, "]}");
  }
  mm_strbuf_printf(b, "],\"count\":%zu}\n", x->n);
}

void mm_ref_export_csv(mm_strbuf *b, const mm_ref_export *x) {
  mm_strbuf_puts(b, "referral");
  for (size_t i = 0; i < x->pk.n_fields; i++) mm_strbuf_printf(b, ",%s", x->pk.fields[i].id);
  mm_strbuf_puts(b, ",missing\r\n");
  for (size_t r = 0; r < x->n; r++) {
    mm_strbuf_csv_field(b, x->rows[r].id);
    mm_strbuf miss;
    mm_strbuf_init(&miss, 0);
    for (size_t i = 0; i < x->pk.n_fields; i++) {
      mm_strbuf_putc(b, ',');
      mm_strbuf_csv_field(b, x->rows[r].values[i]);
      if (!x->rows[r].values[i])
        mm_strbuf_printf(&miss, "%s%s", miss.len ? " " : "", x->pk.fields[i].id);
    }
    mm_strbuf_putc(b, ',');
    mm_strbuf_csv_field(b, miss.data ? miss.data : "");
    mm_strbuf_free(&miss);
    mm_strbuf_puts(b, "\r\n");
  }
}
