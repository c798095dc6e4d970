/* store_server.c: what the server stores besides referrals, over the same
 * backend (store.h): API tokens (hashes only), the network's centres, the
 * audit log, and the write check of /api/v1/health. Every change is one
 * transaction with its audit row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/store_internal.h"

typedef struct token_args {
  const mm_ref_token *t;
  bool add_center;
  long long *id;
} token_args;

static int token_add_once(mm_ref_store *s, void *p) {
  token_args *x = p;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  bool known = false;
  rc = s->be->center_known(s->be, x->t->center, &known);
  if (!rc && !known) {
    if (!x->add_center) {
      snprintf(s->msg, sizeof s->msg, "'%s' is not one of the network's centres",
               x->t->center);
      rc = MM_REF_ENOTFOUND;
    } else {
      rc = s->be->center_add(s->be, x->t->center);
      if (!rc) rc = mm_ref_store_audit_in(s, "center.add", x->t->center, 0, NULL);
    }
  }
  char now[32];
  mm_ref_now(now, 0);
  mm_ref_token t = *x->t;
  t.created = now;
  t.revoked = NULL;
  if (!rc) rc = s->be->token_insert(s->be, &t, x->id);
  if (!rc) {
    char object[40], detail[200];
    snprintf(object, sizeof object, "token:%lld", *x->id);
    snprintf(detail, sizeof detail, "{\"center\":\"%s\",\"role\":\"%s\",\"expires\":%s%s%s}",
             t.center, t.role, t.expires ? "\"" : "", t.expires ? t.expires : "null",
             t.expires ? "\"" : "");
    rc = mm_ref_store_audit_in(s, "token.create", object, 0, detail);
  }
  return mm_ref_store_finish(s, rc); /* keeps s->msg for ENOTFOUND */
}

int mm_ref_store_token_add(mm_ref_store *s, const mm_ref_token *t, bool add_center,
                           long long *id_out) {
  const char *why = mm_ref_check_id(t->center);
  if (why) {
    snprintf(s->msg, sizeof s->msg, "centre '%s': %s", t->center, why);
    return MM_REF_EINVALID;
  }
  token_args x = {t, add_center, id_out};
  return mm_ref_store_run(s, token_add_once, &x, NULL);
}

int mm_ref_store_token_find(mm_ref_store *s, mm_arena *arena, const char *hash,
                            mm_ref_token *out) {
  s->msg[0] = '\0';
  return s->be->token_find(s->be, arena, hash, out);
}

typedef struct revoke_args {
  long long id;
} revoke_args;

static int revoke_once(mm_ref_store *s, void *p) {
  revoke_args *x = p;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  char now[32], object[40];
  mm_ref_now(now, 0);
  rc = s->be->token_revoke(s->be, x->id, now);
  snprintf(object, sizeof object, "token:%lld", x->id);
  if (!rc) rc = mm_ref_store_audit_in(s, "token.revoke", object, 0, NULL);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_token_revoke(mm_ref_store *s, long long id) {
  revoke_args x = {id};
  return mm_ref_store_run(s, revoke_once, &x, NULL);
}

int mm_ref_store_token_foreach(mm_ref_store *s, mm_ref_token_visit visit, void *ctx) {
  s->msg[0] = '\0';
  return s->be->token_foreach(s->be, visit, ctx);
}

int mm_ref_store_center_known(mm_ref_store *s, const char *id, bool *known) {
  s->msg[0] = '\0';
  return s->be->center_known(s->be, id, known);
}

typedef struct audit_args {
  const char *action, *object, *detail;
  int status;
} audit_args;

static int audit_once(mm_ref_store *s, void *p) {
  audit_args *x = p;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  rc = mm_ref_store_audit_in(s, x->action, x->object, x->status, x->detail);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_audit(mm_ref_store *s, const char *action, const char *object, int status,
                       const char *detail) {
  audit_args x = {action, object, detail, status};
  return mm_ref_store_run(s, audit_once, &x, NULL);
}

int mm_ref_store_audit_foreach(mm_ref_store *s, const mm_ref_audit_filter *f,
                               mm_ref_audit_visit visit, void *ctx) {
  static const mm_ref_audit_filter all = {0};
  s->msg[0] = '\0';
  return s->be->audit_foreach(s->be, f ? f : &all, visit, ctx);
}

static int ping_once(mm_ref_store *s, void *p) {
  (void)p;
  int rc = mm_ref_store_begin(s);
  if (rc) return rc;
  char now[32];
  mm_ref_now(now, 0);
  rc = s->be->heartbeat(s->be, now);
  return mm_ref_store_finish(s, rc);
}

int mm_ref_store_ping(mm_ref_store *s) { return mm_ref_store_run(s, ping_once, NULL, NULL); }
