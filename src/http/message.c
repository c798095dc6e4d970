/* message.c: the request/response model of http.h: responses, problem
 * details (RFC 9457) and query arguments. No sockets here, so the router
 * and its tests use the same functions as the transport. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "http/http.h"

void mm_response_init(mm_response *r, size_t max) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->pipe_fd = -1;
  mm_strbuf_init(&r->body, max);
}

static void ext_release(mm_response *r) {
  if (r->ext_body && r->ext_release) r->ext_release(r->ext_cls);
  r->ext_body = NULL;
  r->ext_len = 0;
  r->ext_release = NULL;
  r->ext_cls = NULL;
}

void mm_response_free(mm_response *r) {
  mm_strbuf_free(&r->body);
  ext_release(r);
  if (r->pipe_fd >= 0) close(r->pipe_fd);
  r->pipe_fd = -1;
}

void mm_response_ext(mm_response *r, const char *data, size_t len, void (*release)(void *cls),
                     void *cls) {
  ext_release(r);
  mm_strbuf_free(&r->body);
  r->body.failed = false;
  r->static_body = NULL;
  r->ext_body = data;
  r->ext_len = len;
  r->ext_release = release;
  r->ext_cls = cls;
}

void mm_problem(mm_response *r, int status, const char *slug, const char *title,
                const char *detail, const mm_kv *errors, size_t n_errors) {
  mm_problem_coded(r, status, slug, title, detail, errors, NULL, n_errors);
}

void mm_problem_coded(mm_response *r, int status, const char *slug, const char *title,
                      const char *detail, const mm_kv *errors, const char *const *codes,
                      size_t n_errors) {
  mm_strbuf *b = &r->body;
  mm_strbuf_clear(b);
  b->failed = false;
  r->status = status;
  r->content_type = "application/problem+json";
  r->static_body = NULL;
  ext_release(r);
  mm_strbuf_puts(b, "{\"type\":");
  char type[96];
  snprintf(type, sizeof type, "urn:mmpath:problem:%s", slug);
  mm_strbuf_json_string(b, type);
  mm_strbuf_puts(b, ",\"title\":");
  mm_strbuf_json_string(b, title);
  mm_strbuf_printf(b, ",\"status\":%d", status);
  if (detail) {
    mm_strbuf_puts(b, ",\"detail\":");
    mm_strbuf_json_string(b, detail);
  }
  mm_strbuf_puts(b, ",\"errors\":[");
  for (size_t i = 0; i < n_errors; i++) {
    mm_strbuf_puts(b, i ? ",{\"path\":" : "{\"path\":");
    mm_strbuf_json_string(b, errors[i].key);
    mm_strbuf_puts(b, ",\"message\":");
    mm_strbuf_json_string(b, errors[i].value);
    if (codes && codes[i]) {
      mm_strbuf_puts(b, ",\"code\":");
      mm_strbuf_json_string(b, codes[i]);
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

void mm_problem1(mm_response *r, int status, const char *slug, const char *title,
                 const char *path, const char *message) {
  mm_kv e = {path, message};
  mm_problem(r, status, slug, title, message, &e, 1);
}

const char *mm_request_query(const mm_request *req, const char *key) {
  const char *v = NULL;
  for (size_t i = 0; i < req->n_query; i++)
    if (strcmp(req->query[i].key, key) == 0) v = req->query[i].value;
  return v;
}
