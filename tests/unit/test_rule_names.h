/* test_rule_names.h: the small fact catalogue the rule-language tests (and
 * the examples of docs/rule-language.md) compile against. It stands in for
 * the knowledge base's resolver: a handful of bare facts (booleans, numbers,
 * strings with and without allowed values) and the calls exposed(x),
 * refractory(x), current(x), count_exposed(x), count_refractory(x),
 * comorbidity(x) and progressed_on(x), whose arguments are matched like drug
 * names (letter case, '-', '_' and spaces ignored; synonyms such as
 * Revlimid). Everything here is read-only data; a fact vector is the
 * caller's array of trn_nslots() values. */
#ifndef TEST_RULE_NAMES_H
#define TEST_RULE_NAMES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule/rule.h"

static const char *const trn_setting_values[] = {
    "newly_diagnosed_transplant_eligible", "newly_diagnosed_transplant_ineligible",
    "first_relapse", "second_relapse_or_later", "on_treatment", NULL};
static const char *const trn_frailty_values[] = {"fit", "intermediate", "frail", NULL};
static const char *const trn_mrd_values[] = {"negative", "positive", NULL};

static const struct {
  const char *name;
  mm_type type;
  const char *const *values;
} trn_bare[] = {
    {"p", MM_TYPE_BOOL, NULL},
    {"q", MM_TYPE_BOOL, NULL},
    {"r", MM_TYPE_BOOL, NULL},
    {"x", MM_TYPE_NUMBER, NULL},
    {"y", MM_TYPE_NUMBER, NULL},
    {"s", MM_TYPE_STRING, NULL},
    {"t", MM_TYPE_STRING, NULL},
    {"age", MM_TYPE_NUMBER, NULL},
    {"ecog", MM_TYPE_NUMBER, NULL},
    {"igg", MM_TYPE_NUMBER, NULL},
    {"prior_lines", MM_TYPE_NUMBER, NULL},
    {"asct_prior", MM_TYPE_BOOL, NULL},
    {"asct_to_progression_months", MM_TYPE_NUMBER, NULL},
    {"progression_on_last", MM_TYPE_BOOL, NULL},
    {"transplant_eligible", MM_TYPE_BOOL, NULL},
    {"del17p", MM_TYPE_BOOL, NULL},
    {"candidate_car_t", MM_TYPE_BOOL, NULL},
    {"candidate_bispecific", MM_TYPE_BOOL, NULL},
    {"setting", MM_TYPE_STRING, trn_setting_values},
    {"frailty", MM_TYPE_STRING, trn_frailty_values},
    {"mrd", MM_TYPE_STRING, trn_mrd_values},
};
#define TRN_NBARE (sizeof trn_bare / sizeof trn_bare[0])

static const struct {
  const char *fn;
  mm_type type;
  int classes_only; /* counts apply to classes */
  int comorbidity;  /* takes a comorbidity, not a drug */
} trn_fns[] = {
    {"exposed", MM_TYPE_BOOL, 0, 0},         {"refractory", MM_TYPE_BOOL, 0, 0},
    {"current", MM_TYPE_BOOL, 0, 0},         {"count_exposed", MM_TYPE_NUMBER, 1, 0},
    {"count_refractory", MM_TYPE_NUMBER, 1, 0}, {"comorbidity", MM_TYPE_BOOL, 0, 1},
    {"progressed_on", MM_TYPE_BOOL, 0, 0},
};
#define TRN_NFNS (sizeof trn_fns / sizeof trn_fns[0])

/* Arguments: canonical id, is it a class, is it a comorbidity, synonyms
 * (already normalised: lowercase, no '-', '_' or spaces; '|'-separated). */
static const struct {
  const char *id;
  int is_class, is_comorbidity;
  const char *spellings;
} trn_args[] = {
    {"pi", 1, 0, "pi|proteasomeinhibitor"},
    {"imid", 1, 0, "imid|immunomodulatorydrug"},
    {"anti_cd38", 1, 0, "anticd38"},
    {"lenalidomide", 0, 0, "lenalidomide|revlimid|len"},
    {"pomalidomide", 0, 0, "pomalidomide|imnovid|pom"},
    {"bortezomib", 0, 0, "bortezomib|velcade|btz"},
    {"carfilzomib", 0, 0, "carfilzomib|kyprolis"},
    {"daratumumab", 0, 0, "daratumumab|darzalex|dara"},
    {"heart_failure", 0, 1, "heartfailure"},
    {"renal_failure", 0, 1, "renalfailure"},
};
#define TRN_NARGS (sizeof trn_args / sizeof trn_args[0])

static inline int trn_nslots(void) { return (int)(TRN_NBARE + TRN_NFNS * TRN_NARGS); }

static inline void trn_norm(const char *s, char *out, size_t n) {
  size_t j = 0;
  for (; *s && j + 1 < n; s++) {
    char c = *s;
    if (c == '-' || c == '_' || c == ' ') continue;
    out[j++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out[j] = '\0';
}

static inline int trn_find_arg(const char *arg) {
  char want[64];
  trn_norm(arg, want, sizeof want);
  for (size_t i = 0; i < TRN_NARGS; i++) {
    const char *p = trn_args[i].spellings;
    while (*p) {
      const char *bar = strchr(p, '|');
      size_t len = bar ? (size_t)(bar - p) : strlen(p);
      if (len == strlen(want) && strncmp(p, want, len) == 0) return (int)i;
      p += len + (bar ? 1 : 0);
    }
  }
  return -1;
}

static inline int trn_resolve(void *payload, const char *name, mm_rule_name_info *out) {
  (void)payload;
  for (size_t i = 0; i < TRN_NBARE; i++)
    if (strcmp(trn_bare[i].name, name) == 0) {
      *out = (mm_rule_name_info){(int)i, trn_bare[i].type, trn_bare[i].values};
      return 0;
    }
  return -1;
}

static inline int trn_resolve_call(void *payload, const char *fn, const char *arg,
                                   mm_rule_name_info *out, char *why, size_t why_len) {
  (void)payload;
  for (size_t f = 0; f < TRN_NFNS; f++) {
    if (strcmp(trn_fns[f].fn, fn) != 0) continue;
    int a = trn_find_arg(arg);
    if (a < 0 || trn_args[a].is_comorbidity != trn_fns[f].comorbidity) {
      snprintf(why, why_len, "no %s named '%s'",
               trn_fns[f].comorbidity ? "comorbidity" : "drug or class", arg);
      return -1;
    }
    if (trn_fns[f].classes_only && !trn_args[a].is_class) {
      snprintf(why, why_len, "%s() counts the drugs of a class, and '%s' is a drug", fn, arg);
      return -1;
    }
    *out = (mm_rule_name_info){(int)(TRN_NBARE + f * TRN_NARGS + (size_t)a), trn_fns[f].type,
                               NULL};
    return 0;
  }
  snprintf(why, why_len, "unknown function '%s'", fn);
  return -1;
}

static inline void trn_each(void *payload, void (*cb)(void *ctx, const char *name), void *ctx) {
  (void)payload;
  for (size_t i = 0; i < TRN_NBARE; i++) cb(ctx, trn_bare[i].name);
}

static inline mm_rule_names trn_names(void) {
  return (mm_rule_names){trn_resolve, trn_resolve_call, trn_each, NULL};
}

/* The canonical name of a slot: "prior_lines", "exposed(pi)". */
static inline const char *trn_slot_name(int slot, char *buf, size_t n) {
  if (slot < 0 || slot >= trn_nslots()) snprintf(buf, n, "?");
  else if ((size_t)slot < TRN_NBARE) snprintf(buf, n, "%s", trn_bare[slot].name);
  else {
    size_t k = (size_t)slot - TRN_NBARE;
    snprintf(buf, n, "%s(%s)", trn_fns[k / TRN_NARGS].fn, trn_args[k % TRN_NARGS].id);
  }
  return buf;
}

static inline mm_type trn_slot_type(int slot) {
  return (size_t)slot < TRN_NBARE ? trn_bare[slot].type
                                  : trn_fns[((size_t)slot - TRN_NBARE) / TRN_NARGS].type;
}

/* Every fact unknown, with its type. */
static inline void trn_facts_init(mm_value *facts) {
  for (int i = 0; i < trn_nslots(); i++) facts[i] = mm_value_unknown(trn_slot_type(i));
}

/* The slot of "name" or "fn(arg)"; -1 if none. */
static inline int trn_slot_of(const char *key) {
  mm_rule_name_info info;
  char why[120];
  const char *open = strchr(key, '(');
  if (!open) return trn_resolve(NULL, key, &info) == 0 ? info.slot : -1;
  char fn[64], arg[64];
  size_t fl = (size_t)(open - key);
  const char *close = strchr(open, ')');
  if (!close || fl >= sizeof fn || (size_t)(close - open - 1) >= sizeof arg) return -1;
  memcpy(fn, key, fl);
  fn[fl] = '\0';
  memcpy(arg, open + 1, (size_t)(close - open - 1));
  arg[close - open - 1] = '\0';
  return trn_resolve_call(NULL, fn, arg, &info, why, sizeof why) == 0 ? info.slot : -1;
}

/* Applies one "name=value" (value: true, false, unknown, a number, a word or
 * a quoted string; a string value must outlive facts). 0 or -1. */
static inline int trn_assign(mm_value *facts, char *assign) {
  char *eq = strrchr(assign, '=');
  if (!eq) return -1;
  *eq = '\0';
  int slot = trn_slot_of(assign);
  char *v = eq + 1;
  if (slot < 0) return -1;
  mm_type t = trn_slot_type(slot);
  if (strcmp(v, "unknown") == 0) {
    facts[slot] = mm_value_unknown(t);
  } else if (t == MM_TYPE_BOOL) {
    if (strcmp(v, "true") && strcmp(v, "false")) return -1;
    facts[slot] = mm_value_bool(strcmp(v, "true") == 0);
  } else if (t == MM_TYPE_NUMBER) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end) return -1;
    facts[slot] = mm_value_number(d);
  } else {
    size_t len = strlen(v);
    if (len >= 2 && (v[0] == '\'' || v[0] == '"') && v[len - 1] == v[0]) {
      v[len - 1] = '\0';
      v++;
    }
    facts[slot] = mm_value_string(v);
  }
  return 0;
}

#endif
