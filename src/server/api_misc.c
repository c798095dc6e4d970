/* api_misc.c: the small endpoints: the API index (GET /api/v1), health,
 * who am I (GET /api/v1/me), the demo patients (GET /api/v1/examples) and
 * the referral vocabulary the board needs (states with labels, reasons,
 * products, allowed moves). */
#include <string.h>

#include "mmpath.h"
#include "referral/pathway.h"
#include "referral/store.h"
#include "server/api.h"
#include "web/assets.h"

/* The index is read from the route table: a route is listed once it has a
 * `what`, with its {} segment named and the query it takes. */
void mm_ep_index(mm_call *c) {
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"name\":\"mmpath\",\"version\":\"" MMPATH_VERSION "\",\"endpoints\":[");
  size_t n = 0;
  mm_strbuf path;
  mm_strbuf_init(&path, 512);
  for (const mm_route *r = mm_api_routes(); r->method; r++) {
    if (!r->what) continue;
    mm_strbuf_clear(&path);
    for (const char *p = r->pattern; *p; p++) {
      if (p[0] == '{' && p[1] == '}' && r->param) {
        mm_strbuf_printf(&path, "{%s}", r->param);
        p++;
      } else {
        mm_strbuf_putc(&path, *p);
      }
    }
    if (r->query) mm_strbuf_printf(&path, "?%s", r->query);
    mm_strbuf_puts(b, n++ ? ",{\"method\":" : "{\"method\":");
    mm_strbuf_json_string(b, r->method);
    mm_strbuf_puts(b, ",\"path\":");
    mm_strbuf_json_string(b, path.data ? path.data : "");
    mm_strbuf_puts(b, ",\"what\":");
    mm_strbuf_json_string(b, r->what);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_free(&path);
  mm_strbuf_puts(b, "],\"docs\":\"docs/http-api.md\"}\n");
  mm_api_json_ok(c, 200);
}

/* Health: the server answers (on a reserved path, even over the
 * connection limit) and its database takes writes: else 503 with the
 * problem's own code (storage-full, storage-read-only, busy), so a monitor
 * sees the writes failing before the users do. */
void mm_ep_health(mm_call *c) {
  /* A connection of its own, not the worker's kept one: a new session sees
   * the database as a new request would (PostgreSQL's read-only setting is
   * read at connect), and the committed 32 KiB heartbeat must find space
   * on the disk, not in WAL frames the kept connection may reuse. */
  mm_ref_store *s = NULL;
  char err[256];
  int rc = mm_ref_store_open(&s, c->api->db_path, c->api->ref_kb, err, sizeof err);
  if (rc == MM_REF_OK) rc = mm_ref_store_ping(s);
  if (rc) mm_api_store_error(c, s, rc);
  mm_ref_store_free(s);
  if (rc) return;
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"status\":\"ok\",\"database\":\"writable\",\"version\":\"" MMPATH_VERSION
                    "\",\"kb\":");
  mm_strbuf_json_string(b, c->api->kb ? c->api->kb->version : NULL);
  mm_strbuf_printf(b, ",\"open_evaluate\":%s}\n",
                   c->api->open_evaluate ? "true" : "false");
  mm_api_json_ok(c, 200);
}

void mm_ep_me(mm_call *c) {
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"center\":");
  mm_strbuf_json_string(b, c->who.center);
  mm_strbuf_puts(b, ",\"role\":");
  mm_strbuf_json_string(b, c->who.role == MM_ROLE_NONE ? NULL : mm_role_name(c->who.role));
  mm_strbuf_printf(b, ",\"open_evaluate\":%s}\n", c->api->open_evaluate ? "true" : "false");
  mm_api_json_ok(c, 200);
}

void mm_ep_referral_vocab(mm_call *c) {
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  const mm_ref_kb *rk = c->api->ref_kb;
  if (!rk) {
    mm_api_not_implemented(c, "the referral vocabulary (kb/referral.yaml)");
    return;
  }
  mm_lang l = strcmp(lang, "it") == 0 ? MM_LANG_IT : MM_LANG_EN;
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"states\":[");
  for (int s = 0; s < MM_RS_COUNT; s++) {
    mm_strbuf_puts(b, s ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, mm_ref_state_name((mm_ref_state)s));
    mm_strbuf_puts(b, ",\"label\":");
    mm_strbuf_json_string(b, mm_ref_text_in(&rk->states[s], l));
    mm_strbuf_printf(b, ",\"needs_reason\":%s",
                     mm_ref_state_needs_reason((mm_ref_state)s) ? "true" : "false");
    /* next states, for a CAR-T product and for a bispecific */
    for (int bis = 0; bis < 2; bis++) {
      mm_strbuf_puts(b, bis ? ",\"next_bispecific\":[" : ",\"next\":[");
      bool first = true;
      for (int t = 0; t < MM_RS_COUNT; t++)
        if (mm_ref_move_allowed(s, (mm_ref_state)t, bis)) {
          if (!first) mm_strbuf_putc(b, ',');
          first = false;
          mm_strbuf_json_string(b, mm_ref_state_name((mm_ref_state)t));
        }
      mm_strbuf_putc(b, ']');
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "],\"reasons\":[");
  for (size_t i = 0; i < rk->n_reasons; i++) {
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, rk->reasons[i].id);
    mm_strbuf_puts(b, ",\"label\":");
    mm_strbuf_json_string(b, mm_ref_text_in(&rk->reasons[i].name, l));
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "],\"targets\":[");
  for (size_t i = 0; i < rk->n_targets; i++) {
    mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
    mm_strbuf_json_string(b, rk->targets[i].id);
    mm_strbuf_puts(b, ",\"label\":");
    mm_strbuf_json_string(b, mm_ref_text_in(&rk->targets[i].name, l));
    mm_strbuf_printf(b, ",\"bispecific\":%s}", rk->targets[i].bispecific ? "true" : "false");
  }
  /* added key: the follow-up visits of kb/pathway.yaml, for the page's
   * visit form (a visit record names one of these ids or "unscheduled") */
  mm_strbuf_puts(b, "],\"visits\":[");
  mm_path_kb pk;
  mm_diags d;
  mm_diags_init(&d, c->req->arena);
  if (mm_path_kb_read(&pk, c->api->kb, c->req->arena, &d) == 0)
    for (size_t i = 0; i < pk.n_visits; i++) {
      mm_strbuf_puts(b, i ? ",{\"id\":" : "{\"id\":");
      mm_strbuf_json_string(b, pk.visits[i].id);
      mm_strbuf_printf(b, ",\"day\":%d,\"label\":", pk.visits[i].day);
      mm_strbuf_json_string(b, mm_ref_text_in(&pk.visits[i].name, l));
      mm_strbuf_putc(b, '}');
    }
  mm_strbuf_puts(b, "]}\n");
  mm_api_json_ok(c, 200);
}

void mm_ep_examples(mm_call *c) {
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"examples\":[");
  size_t n = 0;
  for (const mm_asset *a = mm_example_patients(); a->path; a++) {
    /* "/01-second-relapse.json" -> "01-second-relapse" */
    const char *name = a->path + 1;
    size_t len = strlen(name);
    if (len > 5 && strcmp(name + len - 5, ".json") == 0) len -= 5;
    mm_strbuf_puts(b, n++ ? ",{\"name\":" : "{\"name\":");
    mm_strbuf_json_string(b, mm_arena_strndup(c->req->arena, name, len));
    mm_strbuf_puts(b, ",\"record\":");
    mm_strbuf_add(b, (const char *)a->data, a->len);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
  mm_api_json_ok(c, 200);
}
