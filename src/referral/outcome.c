/* outcome.c: what the records after infusion say, read from the corrected
 * view of a referral (pathway.h): for the funnel's after-infusion stages,
 * the letter and the registry export. Absent is never "no": CRS and ICANS
 * are "no" only when a visit on or after day 28 says the toxicities were
 * reviewed and no episode is recorded; infections "no" only when a visit
 * lists none. */
#include <string.h>

#include "referral/outcome.h"
#include "score/score.h"

static const mm_json *parse(const mm_ref_event *e, mm_arena *a) {
  if (!e->data) return NULL;
  mm_json_error je;
  return mm_json_parse(a, e->data, strlen(e->data), &je);
}

static const char *str(const mm_json *o, const char *k) {
  const mm_json *v = o ? mm_json_get(o, k) : NULL;
  return v && v->type == MM_JSON_STRING ? v->str : NULL;
}

static const char *date_s(mm_arena *a, mm_date d) {
  if (d == MM_DATE_NONE) return NULL;
  char b[11];
  mm_date_format(d, b);
  return mm_arena_strdup(a, b);
}

static int resp_rank(const char *r) {
  for (int i = 0; r && mm_response_cat_names[i]; i++)
    if (strcmp(mm_response_cat_names[i], r) == 0) return i;
  return 99;
}

static void episode(mm_ref_episodes *ep, const mm_json *o, mm_date onset, mm_arena *a) {
  ep->n++;
  if (ep->onset == MM_DATE_NONE || onset < ep->onset) ep->onset = onset;
  const char *res = str(o, "resolution");
  mm_date rd = MM_DATE_NONE;
  if (res) mm_date_parse(res, strlen(res), &rd);
  if (rd == MM_DATE_NONE) ep->unresolved = true;
  else if (ep->resolution == MM_DATE_NONE || rd > ep->resolution) ep->resolution = rd;
  const mm_json *g = o ? mm_json_get(o, "astct_max_grade") : NULL;
  if (!g || g->type != MM_JSON_NUMBER) ep->grade_unknown = true;
  else if ((int)g->number > ep->grade) ep->grade = (int)g->number;
  const mm_json *t = o ? mm_json_get(o, "tocilizumab_doses") : NULL;
  if (t && t->type == MM_JSON_NUMBER) ep->tocilizumab += (int)t->number;
  else ep->tocilizumab_unknown = true;
  const mm_json *cs = o ? mm_json_get(o, "corticosteroids") : NULL;
  if (cs && cs->type == MM_JSON_TRUE) ep->steroids = 1;
  else if (cs && cs->type == MM_JSON_FALSE && ep->steroids < 0) ep->steroids = 0;
  (void)a;
}

int mm_ref_outcome_read(const mm_referral *r, mm_arena *a, mm_ref_facts *o) {
  memset(o, 0, sizeof *o);
  o->infused_on = o->death = o->last_contact = o->best_response_date = MM_DATE_NONE;
  o->crs.onset = o->crs.resolution = o->icans.onset = o->icans.resolution = MM_DATE_NONE;
  o->crs.grade = o->icans.grade = -1;
  o->crs.steroids = o->icans.steroids = -1;
  o->infection = -1;
  o->bridging = -1;
  if (mm_ref_view_make(&o->view, r, a) < 0) return -1;
  const mm_ref_view *v = &o->view;
  o->infused_on = v->infused_on;
  bool reviewed = false;
  mm_date last_visit = MM_DATE_NONE;
  for (size_t i = 0; i < v->r.n_events; i++) {
    const mm_ref_event *e = &v->r.events[i];
    if (!e->kind) {
      if (e->state == MM_RS_DIED) o->death = e->date;
      continue;
    }
    const mm_json *j = parse(e, a);
    if (strcmp(e->kind, "product") == 0) {
      o->product = str(j, "product");
      o->lot = str(j, "lot");
      o->product_id = str(j, "product_id");
    } else if (strcmp(e->kind, "lymphodepletion") == 0 || strcmp(e->kind, "bridging") == 0) {
      bool ld = e->kind[0] == 'l';
      const mm_json *dr = j ? mm_json_get(j, "drugs") : NULL;
      mm_strbuf b;
      mm_strbuf_init(&b, 0);
      for (size_t k = 0; dr && k < dr->len; k++)
        if (dr->items[k]->type == MM_JSON_STRING)
          mm_strbuf_printf(&b, "%s%s", b.len ? "+" : "", dr->items[k]->str);
      const char *s = mm_arena_strdup(a, b.data ? b.data : "");
      mm_strbuf_free(&b);
      if (ld) {
        o->ld_drugs = s;
        o->ld_start = e->date;
      } else {
        o->bridging = 1;
        o->bridging_drugs = o->bridging_drugs ? mm_arena_printf(a, "%s; %s", o->bridging_drugs, s) : s;
      }
    } else if (strcmp(e->kind, "crs") == 0) {
      episode(&o->crs, j, e->date, a);
    } else if (strcmp(e->kind, "icans") == 0) {
      episode(&o->icans, j, e->date, a);
    } else if (strcmp(e->kind, "visit") == 0) {
      if (e->date >= last_visit || last_visit == MM_DATE_NONE) {
        last_visit = e->date;
        o->status = str(j, "status");
      }
      const mm_json *x;
      if ((x = j ? mm_json_get(j, "toxicity_reviewed") : NULL) && x->type == MM_JSON_TRUE &&
          v->infused_on != MM_DATE_NONE && e->date - v->infused_on >= 28)
        reviewed = true;
      if ((x = j ? mm_json_get(j, "infections") : NULL) && x->type == MM_JSON_ARRAY)
        o->infection = x->len ? 1 : (o->infection == 1 ? 1 : 0);
      if ((x = j ? mm_json_get(j, "igg_mg_dl") : NULL) && x->type == MM_JSON_NUMBER) {
        o->igg = x->number;
        o->igg_date = e->date;
        o->has_igg = true;
      }
      if ((x = j ? mm_json_get(j, "anc") : NULL) && x->type == MM_JSON_NUMBER) {
        o->anc = x->number;
        o->has_anc = true;
      }
      if ((x = j ? mm_json_get(j, "platelets") : NULL) && x->type == MM_JSON_NUMBER) {
        o->platelets = x->number;
        o->has_platelets = true;
      }
      const char *resp = str(j, "imwg_response");
      const char *vis = str(j, "visit");
      if (resp && vis && strcmp(vis, "d100") == 0) o->day100_response = resp;
      if (resp && resp_rank(resp) < resp_rank(o->best_response)) {
        o->best_response = resp;
        o->best_response_date = e->date;
      }
    }
  }
  o->last_contact = last_visit;
  if (o->death != MM_DATE_NONE) o->status = "dead";
  o->crs.any = o->crs.n ? 1 : reviewed ? 0 : -1;
  o->icans.any = o->icans.n ? 1 : reviewed ? 0 : -1;
  return 0;
}

/* A registry `from` key as text; NULL when mmpath does not have it. */
const char *mm_ref_fact_text(const mm_ref_facts *o, const mm_referral *r, const char *from,
                             mm_arena *a) {
  if (!from) return NULL;
#define IS(x) (strcmp(from, x) == 0)
#define TRI(t) ((t) == 1 ? "yes" : (t) == 0 ? "no" : NULL)
  if (IS("patient")) return r->patient;
  if (IS("hub")) return r->to_center;
  if (IS("referring_center")) return r->from_center;
  if (IS("product")) return o->product;
  if (IS("lot")) return o->lot;
  if (IS("product_id")) return o->product_id;
  if (IS("infusion_date")) return date_s(a, o->infused_on);
  if (IS("lymphodepletion_drugs")) return o->ld_drugs;
  if (IS("lymphodepletion_start")) return o->ld_drugs ? date_s(a, o->ld_start) : NULL;
  if (IS("bridging")) return TRI(o->bridging);
  if (IS("bridging_drugs")) return o->bridging_drugs;
  const mm_ref_episodes *ep = strncmp(from, "crs", 3) == 0 ? &o->crs
                              : strncmp(from, "icans", 5) == 0 ? &o->icans : NULL;
  if (ep) {
    const char *f = strchr(from, '_');
    if (!f) return TRI(ep->any);
    if (ep->any == 0) return "not applicable";
    if (!ep->n) return NULL;
    f++;
    if (strcmp(f, "onset") == 0) return date_s(a, ep->onset);
    if (strcmp(f, "resolution") == 0) return ep->unresolved ? NULL : date_s(a, ep->resolution);
    if (strcmp(f, "grade") == 0)
      return ep->grade_unknown || ep->grade < 0 ? NULL : mm_arena_printf(a, "%d", ep->grade);
    if (strcmp(f, "tocilizumab") == 0)
      return ep->tocilizumab_unknown ? NULL : ep->tocilizumab ? "yes" : "no";
    if (strcmp(f, "corticosteroids") == 0) return TRI(ep->steroids);
    return NULL;
  }
  if (IS("best_response")) return o->best_response;
  if (IS("best_response_date")) return o->best_response ? date_s(a, o->best_response_date) : NULL;
  if (IS("status")) return o->status;
  if (IS("last_contact")) return date_s(a, o->last_contact);
  if (IS("death_date")) return o->death != MM_DATE_NONE ? date_s(a, o->death)
                               : o->status && strcmp(o->status, "alive") == 0 ? "not applicable"
                                                                               : NULL;
  if (IS("infection")) return TRI(o->infection);
  if (IS("igg_mg_dl")) return o->has_igg ? mm_arena_printf(a, "%g", o->igg) : NULL;
  if (IS("anc")) return o->has_anc ? mm_arena_printf(a, "%g", o->anc) : NULL;
  if (IS("platelets")) return o->has_platelets ? mm_arena_printf(a, "%g", o->platelets) : NULL;
  return NULL;
#undef IS
#undef TRI
}

int mm_ref_outcome_of(const mm_referral *r, mm_arena *a, mm_ref_outcome *out) {
  memset(out, 0, sizeof *out);
  mm_ref_facts f;
  if (mm_ref_outcome_read(r, a, &f) < 0) return -1;
  out->infused = f.infused_on != MM_DATE_NONE;
  out->infused_on = f.infused_on;
  out->crs = f.crs.any;
  out->icans = f.icans.any;
  out->crs_grade = f.crs.grade;
  out->icans_grade = f.icans.grade;
  out->crs_grade_unknown = f.crs.grade_unknown;
  out->icans_grade_unknown = f.icans.grade_unknown;
  out->day100_response = f.day100_response;
  out->best_response = f.best_response;
  out->best_response_date = f.best_response_date;
  return 0;
}
