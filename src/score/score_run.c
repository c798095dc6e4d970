/* score_run.c: run a score by name on named inputs (the command line and
 * the HTTP API use this; the fact engine calls the typed calculators). */
#include <stddef.h>
#include <string.h>

#include "score/score_kb.h"

const char *const mm_score_names[] = {"iss", "r_iss", "r2_iss", "frailty", "response",
                                      "crs", "ice",   "icans",  NULL};

typedef struct field {
  const char *name;
  size_t off;
} field;

#define F(T, m) {#m, offsetof(T, m)}
static const field iss_f[] = {F(mm_iss_in, beta2m_mg_l), F(mm_iss_in, albumin_g_dl), {0, 0}};
static const field r_iss_f[] = {F(mm_r_iss_in, iss),    F(mm_r_iss_in, beta2m_mg_l),
                                F(mm_r_iss_in, albumin_g_dl), F(mm_r_iss_in, del17p),
                                F(mm_r_iss_in, t4_14),  F(mm_r_iss_in, t14_16),
                                F(mm_r_iss_in, ldh_above_uln), {0, 0}};
static const field r2_iss_f[] = {F(mm_r2_iss_in, iss),    F(mm_r2_iss_in, beta2m_mg_l),
                                 F(mm_r2_iss_in, albumin_g_dl), F(mm_r2_iss_in, del17p),
                                 F(mm_r2_iss_in, t4_14),  F(mm_r2_iss_in, ldh_above_uln),
                                 F(mm_r2_iss_in, gain1q), F(mm_r2_iss_in, amp1q), {0, 0}};
static const field frailty_f[] = {F(mm_frailty_in, age), F(mm_frailty_in, charlson),
                                  F(mm_frailty_in, adl), F(mm_frailty_in, iadl), {0, 0}};
static const field crs_f[] = {F(mm_crs_in, fever), F(mm_crs_in, fever_masked),
                              F(mm_crs_in, hypotension), F(mm_crs_in, hypoxia), {0, 0}};
static const field ice_f[] = {F(mm_ice_in, orientation), F(mm_ice_in, naming),
                              F(mm_ice_in, commands), F(mm_ice_in, writing),
                              F(mm_ice_in, attention), {0, 0}};
static const field icans_f[] = {F(mm_icans_in, ice_score), F(mm_icans_in, consciousness),
                                F(mm_icans_in, seizure), F(mm_icans_in, motor),
                                F(mm_icans_in, cerebral_edema), {0, 0}};
#undef F

static int kind_of(const char *name) {
  static const int kinds[] = {SK_ISS, SK_R_ISS, SK_R2_ISS, SK_FRAILTY,
                              SK_RESPONSE, SK_CRS, SK_ICE, SK_ICANS};
  for (size_t i = 0; mm_score_names[i]; i++)
    if (strcmp(mm_score_names[i], name) == 0) return kinds[i];
  return -1;
}

const mm_score_input_spec *mm_score_inputs(const mm_scores *kb, const char *name,
                                           size_t *n_out) {
  int k = kind_of(name);
  if (k < 0 || k == SK_RESPONSE) return NULL;
  *n_out = kb->e[k]->n_inputs;
  return kb->e[k]->inputs;
}

const mm_score_input_spec *mm_score_response_tests(const mm_scores *kb, size_t *n_out) {
  *n_out = kb->e[SK_RESPONSE]->n_inputs;
  return kb->e[SK_RESPONSE]->inputs;
}

const char *mm_score_title(const mm_scores *kb, const char *name) {
  int k = kind_of(name);
  return k < 0 ? NULL : kb->e[k]->name;
}

int mm_score_run(mm_score_result *out, const mm_scores *kb, const char *name,
                 const mm_score_input *inputs, size_t n, mm_arena *arena,
                 const char **err) {
  int k = kind_of(name);
  const field *f = k == SK_ISS ? iss_f : k == SK_R_ISS ? r_iss_f : k == SK_R2_ISS ? r2_iss_f
                 : k == SK_FRAILTY ? frailty_f : k == SK_CRS ? crs_f : k == SK_ICE ? ice_f
                 : k == SK_ICANS ? icans_f : NULL;
  if (!f) return -2;
  /* every input struct is a sequence of mm_value members */
  union {
    mm_iss_in iss;
    mm_r_iss_in r_iss;
    mm_r2_iss_in r2;
    mm_frailty_in fr;
    mm_crs_in crs;
    mm_ice_in ice;
    mm_icans_in icans;
  } in;
  memset(&in, 0, sizeof in);
  for (const field *p = f; p->name; p++) {
    const mm_score_input_spec *s = sk_input(kb->e[k], p->name);
    *(mm_value *)((char *)&in + p->off) = mm_value_unknown(s ? s->type : MM_TYPE_NUMBER);
  }
  mm_score_result tmp;
  sk_result_init(&tmp, kb->e[k], name);
  for (size_t i = 0; i < n; i++) {
    const field *p = f;
    while (p->name && strcmp(p->name, inputs[i].name) != 0) p++;
    if (!p->name) {
      mm_strbuf b;
      mm_strbuf_init(&b, 4096);
      mm_strbuf_printf(&b, "%s: not an input of %s (inputs:", inputs[i].name, name);
      for (const field *q = f; q->name; q++) mm_strbuf_printf(&b, " %s", q->name);
      mm_strbuf_puts(&b, ")");
      *err = mm_arena_strdup(arena, b.data ? b.data : "unknown input");
      mm_strbuf_free(&b);
      return -1;
    }
    const mm_score_input_spec *s = sk_input(kb->e[k], p->name);
    if (sk_check(&tmp, arena, s, inputs[i].value) < 0) {
      *err = tmp.because;
      return -1;
    }
    *(mm_value *)((char *)&in + p->off) = inputs[i].value;
  }
  int rc;
  switch (k) {
  case SK_ISS: rc = mm_score_iss(out, kb, &in.iss, arena); break;
  case SK_R_ISS: rc = mm_score_r_iss(out, kb, &in.r_iss, arena); break;
  case SK_R2_ISS: rc = mm_score_r2_iss(out, kb, &in.r2, arena); break;
  case SK_FRAILTY: rc = mm_score_frailty(out, kb, &in.fr, arena); break;
  case SK_CRS: rc = mm_score_crs(out, kb, &in.crs, arena); break;
  case SK_ICE: rc = mm_score_ice(out, kb, &in.ice, arena); break;
  default: rc = mm_score_icans(out, kb, &in.icans, arena); break;
  }
  if (rc < 0) *err = out->because ? out->because : "out of memory";
  return rc < 0 ? -1 : 0;
}
