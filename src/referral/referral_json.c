/* referral_json.c: mmpath/referral@1 documents in and out. Reading is strict
 * (unknown keys, wrong types and a wrong schema are errors, each reported
 * with its field path and line:col) and then runs the state machine check
 * over the events, so a file that parses is a file the store would accept. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/pathway.h"

static const char *str_field(const mm_json *obj, const char *key, bool required,
                             mm_diags *d, const char *src, const char *path) {
  const mm_json *v = mm_json_get(obj, key);
  if (!mm_json_present(v)) {
    if (required)
      mm_diag_errorc(d, MM_E_MISSING, src, obj->line, obj->col,
                     mm_arena_printf(d->arena, "%s%s%s", path, *path ? "." : "", key),
                     "'%s' is required", key);
    return NULL;
  }
  if (v->type != MM_JSON_STRING) {
    mm_diag_errorc(d, MM_E_TYPE, src, v->line, v->col,
                   mm_arena_printf(d->arena, "%s%s%s", path, *path ? "." : "", key),
                   "'%s' must be a string, got %s", key, mm_json_type_name(v->type));
    return NULL;
  }
  if (strlen(v->str) != v->len) {
    mm_diag_errorc(d, MM_E_INVALID, src, v->line, v->col,
                   mm_arena_printf(d->arena, "%s%s%s", path, *path ? "." : "", key),
                   "'%s' must not contain NUL", key);
    return NULL;
  }
  return v->str;
}

static void unknown_keys(const mm_json *obj, const char *const *keys, mm_diags *d,
                         const char *src, const char *path) {
  for (size_t i = 0; i < obj->len; i++) {
    bool ok = false;
    for (const char *const *k = keys; *k; k++) ok = ok || strcmp(*k, obj->members[i].key) == 0;
    if (!ok)
      mm_diag_errorc(
          d, MM_E_UNKNOWN_KEY, src, obj->members[i].value->line, obj->members[i].value->col,
          mm_arena_printf(d->arena, "%s%s%s", path, *path ? "." : "", obj->members[i].key),
          "unknown key '%s'", obj->members[i].key);
  }
}

int mm_referral_from_json(mm_referral *out, mm_arena *a, const mm_json *v, mm_diags *d,
                          const char *src, const char *path) {
  memset(out, 0, sizeof *out);
  size_t before = d->errors;
  if (!path) path = "";
  if (v->type != MM_JSON_OBJECT) {
    mm_diag_errorc(d, MM_E_TYPE, src, v->line, v->col, *path ? path : NULL,
                   "a referral must be an object, got %s", mm_json_type_name(v->type));
    return -1;
  }
  static const char *const keys[] = {"schema", "id", "patient", "from_center", "to_center",
                                     "target", "events", NULL};
  unknown_keys(v, keys, d, src, path);
  const char *schema = str_field(v, "schema", true, d, src, path);
  if (schema && strcmp(schema, MM_REFERRAL_SCHEMA))
    mm_diag_errorc(d, MM_E_INVALID, src, mm_json_get(v, "schema")->line,
                   mm_json_get(v, "schema")->col,
                   mm_arena_printf(d->arena, "%s%sschema", path, *path ? "." : ""),
                   "schema must be '%s', got '%s'", MM_REFERRAL_SCHEMA, schema);
  out->id = str_field(v, "id", true, d, src, path);
  out->patient = str_field(v, "patient", true, d, src, path);
  out->from_center = str_field(v, "from_center", true, d, src, path);
  out->to_center = str_field(v, "to_center", true, d, src, path);
  out->target = str_field(v, "target", true, d, src, path);
  /* paths of every referral and event in the referral's arena, not the
   * diagnostics' (a diagnostic copies its path): a streamed import of a
   * million referrals would keep them all */
  const mm_json *ev = mm_json_get(v, "events");
  const char *evpath = mm_arena_printf(a, "%s%sevents", path, *path ? "." : "");
  if (!mm_json_present(ev) || ev->type != MM_JSON_ARRAY) {
    mm_diag_errorc(d, !mm_json_present(ev) ? MM_E_MISSING : MM_E_TYPE, src, ev ? ev->line : v->line,
                   ev ? ev->col : v->col, evpath, "'events' must be an array of events");
  } else {
    out->events = mm_arena_alloc(a, (ev->len + 1) * sizeof *out->events);
    if (!out->events) return -1;
    static const char *const ekeys[] = {"date", "state", "reason", "note", "actor", "kind", "data",
                                        NULL};
    for (size_t i = 0; i < ev->len; i++) {
      const mm_json *e = ev->items[i];
      const char *ep = mm_arena_printf(a, "%s[%zu]", evpath, i);
      if (e->type != MM_JSON_OBJECT) {
        mm_diag_errorc(d, MM_E_TYPE, src, e->line, e->col, ep, "an event must be an object, got %s",
                       mm_json_type_name(e->type));
        continue;
      }
      unknown_keys(e, ekeys, d, src, ep);
      mm_ref_event x = {.date = MM_DATE_NONE, .state = MM_RS_REFERRED};
      const char *date = str_field(e, "date", true, d, src, ep);
      const char *state = str_field(e, "state", true, d, src, ep);
      x.reason = str_field(e, "reason", false, d, src, ep);
      x.note = str_field(e, "note", false, d, src, ep);
      x.actor = str_field(e, "actor", false, d, src, ep);
      /* a record (pathway.h): its kind and its data object, kept as text */
      x.kind = str_field(e, "kind", false, d, src, ep);
      const mm_json *datav = mm_json_get(e, "data");
      if (mm_json_present(datav)) {
        if (datav->type != MM_JSON_OBJECT) {
          mm_diag_errorc(d, MM_E_TYPE, src, datav->line, datav->col,
                         mm_arena_printf(d->arena, "%s.data", ep), "'data' must be an object");
        } else {
          mm_strbuf db;
          mm_strbuf_init(&db, 0);
          mm_json_write(&db, datav);
          x.data = mm_arena_strdup(a, db.data ? db.data : "{}");
          mm_strbuf_free(&db);
        }
      }
      if (date && !mm_date_parse(date, strlen(date), &x.date)) {
        const mm_json *dv = mm_json_get(e, "date");
        mm_diag_errorc(d, MM_E_INVALID, src, dv->line, dv->col,
                       mm_arena_printf(d->arena, "%s.date", ep),
                       "date must be YYYY-MM-DD, got '%s'", date);
      }
      if (state && !mm_ref_state_parse(state, &x.state)) {
        const mm_json *sv = mm_json_get(e, "state");
        mm_diag_errorc(d, MM_E_UNKNOWN_NAME, src, sv->line, sv->col,
                       mm_arena_printf(d->arena, "%s.state", ep), "unknown state '%s'", state);
        state = NULL;
      }
      if (!date || !state || x.date == MM_DATE_NONE) {
        /* An unreadable event: later moves cannot be judged against it. */
        out->n_events = 0;
        out->events = NULL;
        break;
      }
      out->events[out->n_events++] = x;
    }
  }
  return d->errors > before ? -1 : 0;
}

/* Adds line:col of each event to the model check's diagnostics. */
static void validate_with_positions(const mm_ref_kb *kb, const mm_referral *r,
                                    const mm_json *v, mm_diags *d, const char *src,
                                    const char *path) {
  mm_diag *last = d->tail;
  mm_referral_validate(kb, r, d, src, path);
  const mm_json *ev = mm_json_get(v, "events");
  for (mm_diag *x = last ? last->next : d->head; x; x = x->next) {
    const char *p = x->path ? strstr(x->path, "events[") : NULL;
    size_t i;
    if (p && sscanf(p, "events[%zu]", &i) == 1 && ev && i < ev->len) {
      const char *field = strchr(p, '.');
      const mm_json *fv = field ? mm_json_get(ev->items[i], field + 1) : NULL;
      const mm_json *at = fv ? fv : ev->items[i];
      x->line = at->line;
      x->col = at->col;
    } else {
      const char *field = x->path ? strrchr(x->path, '.') : NULL;
      const mm_json *fv = mm_json_get(v, field ? field + 1 : (x->path ? x->path : ""));
      if (fv) {
        x->line = fv->line;
        x->col = fv->col;
      }
    }
  }
}

/* Ids seen so far in one file: open addressing over indices into rs (slot
 * holds index + 1, 0 = empty), so the duplicate check is O(1) a referral
 * rather than a scan of every earlier one (issue 17: quadratic at 100k). */
typedef struct id_set {
  size_t *slot;
  size_t cap; /* a power of two, at least twice the referrals */
} id_set;

static size_t id_hash(const char *s) {
  size_t h = 1469598103934665603u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

/* The index of an earlier referral with rs[i]'s id, else adds i: SIZE_MAX. */
static size_t id_set_add(id_set *t, const mm_referral *rs, size_t i) {
  size_t m = t->cap - 1;
  for (size_t k = id_hash(rs[i].id) & m;; k = (k + 1) & m) {
    if (!t->slot[k]) {
      t->slot[k] = i + 1;
      return SIZE_MAX;
    }
    if (strcmp(rs[t->slot[k] - 1].id, rs[i].id) == 0) return t->slot[k] - 1;
  }
}

/* With a kb, each referral is also checked against the state machine. */
int mm_referrals_parse(mm_referral **out, size_t *n_out, mm_arena *a, const char *text,
                       size_t len, const mm_ref_kb *kb, mm_diags *d, const char *src) {
  *out = NULL;
  *n_out = 0;
  size_t before = d->errors;
  mm_json_error jerr;
  mm_json *root = mm_json_parse(a, text, len, &jerr);
  if (!root) {
    mm_diag_errorc(d, a->failed ? MM_E_NOMEM : MM_E_SYNTAX, src, jerr.line, jerr.col, NULL, "%s",
                   a->failed ? "out of memory" : jerr.text);
    return -1;
  }
  bool array = root->type == MM_JSON_ARRAY;
  size_t n = array ? root->len : 1;
  mm_referral *rs = mm_arena_alloc(a, (n + 1) * sizeof *rs);
  if (!rs) return -1;
  id_set ids = {NULL, 16};
  while (ids.cap < 2 * n) ids.cap *= 2;
  ids.slot = calloc(ids.cap, sizeof *ids.slot);
  if (!ids.slot) {
    mm_diag_errorc(d, MM_E_NOMEM, src, 0, 0, NULL, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const mm_json *v = array ? root->items[i] : root;
    const char *path = array ? mm_arena_printf(d->arena, "[%zu]", i) : "";
    if (mm_referral_from_json(&rs[i], a, v, d, src, path) == 0 && kb)
      validate_with_positions(kb, &rs[i], v, d, src, path);
    /* Two records with one id in one file: the second would overwrite. */
    size_t j = rs[i].id ? id_set_add(&ids, rs, i) : SIZE_MAX;
    if (j != SIZE_MAX) {
      const mm_json *idv = mm_json_get(v, "id");
      mm_diag_errorc(d, MM_E_DUPLICATE, src, idv->line, idv->col,
                     mm_arena_printf(d->arena, "%s.id", path),
                     "duplicate referral id '%s' (also at [%zu])", rs[i].id, j);
    }
  }
  free(ids.slot);
  if (d->errors > before) return -1;
  *out = rs;
  *n_out = n;
  return 0;
}

/* Moves every position of a tree parsed from a piece of a file to where the
 * piece starts in the file (line0:col0). */
static void shift_positions(mm_json *v, int line0, int col0) {
  if (v->line == 1) v->col += col0 - 1;
  v->line += line0 - 1;
  if (v->type == MM_JSON_ARRAY)
    for (size_t i = 0; i < v->len; i++) shift_positions(v->items[i], line0, col0);
  else if (v->type == MM_JSON_OBJECT)
    for (size_t i = 0; i < v->len; i++) shift_positions(v->members[i].value, line0, col0);
}

int mm_referral_parse_one(mm_referral *out, mm_arena *a, const char *text, size_t len,
                          int line0, int col0, const char *path, const mm_ref_kb *kb,
                          mm_diags *d, const char *src) {
  mm_json_error jerr;
  memset(out, 0, sizeof *out);
  mm_json *v = mm_json_parse(a, text, len, &jerr);
  if (!v) return a->failed ? -2 : -3; /* the caller reads the whole file again */
  shift_positions(v, line0, col0);
  size_t before = d->errors;
  if (mm_referral_from_json(out, a, v, d, src, path) == 0 && kb)
    validate_with_positions(kb, out, v, d, src, path);
  return d->errors > before ? -1 : 0;
}

static void indent_to(mm_strbuf *b, int indent, int level) {
  if (indent < 0) return;
  mm_strbuf_putc(b, '\n');
  for (int i = 0; i < indent * level; i++) mm_strbuf_putc(b, ' ');
}

/* indent < 0: one line. */
void mm_referral_to_json(mm_strbuf *b, const mm_referral *r, int indent) {
  int base = indent < 0 ? 0 : 1;
  const char *sep = indent < 0 ? ":" : ": ";
  mm_strbuf_putc(b, '{');
  const char *keys[] = {"schema", "id", "patient", "from_center", "to_center", "target"};
  const char *vals[] = {MM_REFERRAL_SCHEMA, r->id, r->patient, r->from_center,
                        r->to_center, r->target};
  for (int i = 0; i < 6; i++) {
    indent_to(b, indent, base);
    mm_strbuf_json_string(b, keys[i]);
    mm_strbuf_puts(b, sep);
    mm_strbuf_json_string(b, vals[i]);
    mm_strbuf_putc(b, ',');
  }
  indent_to(b, indent, base);
  mm_strbuf_puts(b, "\"events\"");
  mm_strbuf_puts(b, sep);
  mm_strbuf_putc(b, '[');
  for (size_t i = 0; i < r->n_events; i++) {
    const mm_ref_event *e = &r->events[i];
    char date[11];
    mm_date_format(e->date, date);
    indent_to(b, indent, base + 1);
    const char *comma = indent < 0 ? "," : ", ";
    mm_strbuf_printf(b, "{\"date\"%s\"%s\"%s\"state\"%s\"%s\"", sep, date, comma, sep,
                     mm_ref_state_name(e->state));
    if (e->reason) {
      mm_strbuf_printf(b, "%s\"reason\"%s", comma, sep);
      mm_strbuf_json_string(b, e->reason);
    }
    if (e->note) {
      mm_strbuf_printf(b, "%s\"note\"%s", comma, sep);
      mm_strbuf_json_string(b, e->note);
    }
    if (e->actor) {
      mm_strbuf_printf(b, "%s\"actor\"%s", comma, sep);
      mm_strbuf_json_string(b, e->actor);
    }
    if (e->kind) {
      mm_strbuf_printf(b, "%s\"kind\"%s", comma, sep);
      mm_strbuf_json_string(b, e->kind);
    }
    if (e->data) { /* stored verbatim, checked as a JSON object on the way in */
      mm_strbuf_printf(b, "%s\"data\"%s", comma, sep);
      mm_strbuf_puts(b, e->data);
    }
    mm_strbuf_putc(b, '}');
    if (i + 1 < r->n_events) mm_strbuf_putc(b, ',');
  }
  indent_to(b, indent, base);
  mm_strbuf_puts(b, "]");
  indent_to(b, indent, 0);
  mm_strbuf_putc(b, '}');
}
