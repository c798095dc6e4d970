/* store_migrate.c: see store_migrate.h. */
#include "referral/store_migrate.h"

#include <stdio.h>

#include "referral/store.h"

static int newer(int v, int n, char *msg, size_t len) {
  snprintf(msg, len, "the database schema is version %d, newer than this mmpath (it knows "
           "up to %d): use a newer mmpath", v, n);
  return MM_REF_EBACKEND;
}

int mm_ref_migrate(const mm_ref_migrator *m, const char *const *steps, int n, char *msg,
                   size_t msg_len) {
  int v;
  int rc = m->version(m->ctx, &v);
  if (rc) return rc;
  if (v == n) return MM_REF_OK; /* the common case: one read, no lock */
  if (v > n) return newer(v, n, msg, msg_len);
  if ((rc = m->lock(m->ctx))) return rc;
  /* another process may have migrated while we waited for the lock */
  if ((rc = m->version(m->ctx, &v))) goto fail;
  if (v > n) {
    rc = newer(v, n, msg, msg_len);
    goto fail;
  }
  for (; v < n; v++)
    if ((rc = m->apply(m->ctx, steps[v], v + 1))) goto fail;
  if ((rc = m->commit(m->ctx))) goto fail;
  return MM_REF_OK;
fail:
  m->rollback(m->ctx);
  return rc;
}
