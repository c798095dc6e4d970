/* auth.h: who may call the server: roles and the principal a bearer token
 * names. The tokens themselves and the audit log are in token_store.h,
 * the hash that keeps tokens out of the database in sha256.h.
 *
 * Roles (docs/http-api.md#access): a hub coordinator sees every referral,
 * a spoke clinician the referrals its own centre made, an analyst the
 * aggregates only. Any role may use the evaluation endpoints. */
#ifndef MM_AUTH_H
#define MM_AUTH_H
#include <stdbool.h>

typedef enum {
  MM_ROLE_NONE = 0, /* no token (open evaluation only) */
  MM_ROLE_HUB,      /* hub coordinator: every referral */
  MM_ROLE_SPOKE,    /* spoke clinician: the referrals its centre made */
  MM_ROLE_ANALYST   /* aggregates only (funnel) */
} mm_role;

/* "hub", "spoke", "analyst"; "none" for MM_ROLE_NONE. Static string. */
const char *mm_role_name(mm_role r);
/* false when s is not hub, spoke or analyst (*out untouched) */
bool mm_role_parse(const char *s, mm_role *out);

/* Who is calling: from the bearer token. */
typedef struct mm_principal {
  long long token_id; /* 0 when anonymous */
  const char *center; /* NULL when anonymous */
  mm_role role;
} mm_principal;

#endif
