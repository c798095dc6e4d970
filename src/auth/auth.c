/* auth.c: role names (auth.h). */
#include <string.h>

#include "auth/auth.h"

const char *mm_role_name(mm_role r) {
  switch (r) {
  case MM_ROLE_HUB: return "hub";
  case MM_ROLE_SPOKE: return "spoke";
  case MM_ROLE_ANALYST: return "analyst";
  case MM_ROLE_NONE: break;
  }
  return "none";
}

bool mm_role_parse(const char *s, mm_role *out) {
  if (!s) return false;
  if (strcmp(s, "hub") == 0) *out = MM_ROLE_HUB;
  else if (strcmp(s, "spoke") == 0) *out = MM_ROLE_SPOKE;
  else if (strcmp(s, "analyst") == 0) *out = MM_ROLE_ANALYST;
  else return false;
  return true;
}
