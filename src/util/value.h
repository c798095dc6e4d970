/* value.h: a fact's value in three-valued logic. A value is either known
 * (boolean, number or string) or unknown; unknown is never false. */
#ifndef MM_VALUE_H
#define MM_VALUE_H
#include <stdbool.h>

/* Kleene truth values. */
typedef enum { MM_FALSE = 0, MM_TRUE = 1, MM_UNKNOWN = 2 } mm_tv;

typedef enum { MM_TYPE_BOOL, MM_TYPE_NUMBER, MM_TYPE_STRING } mm_type;

/* 16 bytes: registry screening copies and reads a few hundred facts per
 * record. Read num or str only for their type. */
typedef struct mm_value {
  bool known;
  unsigned char type; /* mm_type */
  bool b;             /* MM_TYPE_BOOL */
  union {
    double num;       /* MM_TYPE_NUMBER */
    const char *str;  /* MM_TYPE_STRING; borrowed (kb or evaluation arena) */
  };
} mm_value;

static inline mm_value mm_value_unknown(mm_type t) {
  return (mm_value){.known = false, .type = t};
}
static inline mm_value mm_value_bool(bool b) {
  return (mm_value){.known = true, .type = MM_TYPE_BOOL, .b = b};
}
static inline mm_value mm_value_tv(mm_tv t) {
  return t == MM_UNKNOWN ? mm_value_unknown(MM_TYPE_BOOL) : mm_value_bool(t == MM_TRUE);
}
static inline mm_value mm_value_number(double x) {
  return (mm_value){.known = true, .type = MM_TYPE_NUMBER, .num = x};
}
static inline mm_value mm_value_string(const char *s) {
  return (mm_value){.known = s != 0, .type = MM_TYPE_STRING, .str = s};
}
static inline mm_tv mm_value_truth(mm_value v) {
  return !v.known ? MM_UNKNOWN : (v.b ? MM_TRUE : MM_FALSE);
}

static inline mm_tv mm_tv_and(mm_tv a, mm_tv b) {
  if (a == MM_FALSE || b == MM_FALSE) return MM_FALSE;
  if (a == MM_UNKNOWN || b == MM_UNKNOWN) return MM_UNKNOWN;
  return MM_TRUE;
}
static inline mm_tv mm_tv_or(mm_tv a, mm_tv b) {
  if (a == MM_TRUE || b == MM_TRUE) return MM_TRUE;
  if (a == MM_UNKNOWN || b == MM_UNKNOWN) return MM_UNKNOWN;
  return MM_FALSE;
}
static inline mm_tv mm_tv_not(mm_tv a) {
  return a == MM_UNKNOWN ? MM_UNKNOWN : (a == MM_TRUE ? MM_FALSE : MM_TRUE);
}

#endif
