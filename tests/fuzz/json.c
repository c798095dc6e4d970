/* json.c: the JSON reader (src/json). Any bytes: no crash, no read outside
 * the input, and the two ways of parsing (copying, and in place as registry
 * screening does) agree: both accept or both refuse, and give the same tree,
 * value by value, with the same positions. */
#include <string.h>

#include "fuzz.h"
#include "json/json.h"

static void same(const mm_json *a, const mm_json *b) {
  if (a->type != b->type || a->line != b->line || a->col != b->col || a->len != b->len)
    fuzz_fail("json: the two parses differ at %d:%d", a->line, a->col);
  switch (a->type) {
  case MM_JSON_NUMBER:
    if (a->is_integer != b->is_integer || memcmp(&a->number, &b->number, sizeof a->number) ||
        (a->is_integer && a->integer != b->integer))
      fuzz_fail("json: numbers differ at %d:%d", a->line, a->col);
    break;
  case MM_JSON_STRING:
    if (memcmp(a->str, b->str, a->len) || a->str[a->len] || b->str[b->len])
      fuzz_fail("json: strings differ at %d:%d", a->line, a->col);
    break;
  case MM_JSON_ARRAY:
    for (size_t i = 0; i < a->len; i++) same(a->items[i], b->items[i]);
    break;
  case MM_JSON_OBJECT:
    for (size_t i = 0; i < a->len; i++) {
      const mm_json_member *x = &a->members[i], *y = &b->members[i];
      if (x->key_len != y->key_len || memcmp(x->key, y->key, x->key_len))
        fuzz_fail("json: keys differ at %d:%d", a->line, a->col);
      if (mm_json_get(a, x->key) == NULL && !memchr(x->key, 0, x->key_len))
        fuzz_fail("json: member '%s' not found by mm_json_get", x->key);
      same(x->value, y->value);
    }
    break;
  default:
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_json_error e1, e2;
  mm_json *copy = mm_json_parse(&a, (const char *)data, size, &e1);
  char *text = malloc(size + 1);
  if (!text) abort();
  memcpy(text, data, size);
  text[size] = '\0';
  mm_json *inplace = mm_json_parse_in_situ(&a, text, size, &e2);
  if (!copy != !inplace) fuzz_fail("json: one parse accepts, the other refuses");
  if (copy) same(copy, inplace);
  else if (e1.line != e2.line || e1.col != e2.col)
    fuzz_fail("json: errors at %d:%d and %d:%d", e1.line, e1.col, e2.line, e2.col);
  /* the number scanner alone, as patient_scan.c uses it */
  mm_json_number num;
  mm_json_number_scan((const char *)data, (const char *)data + size, &num);
  free(text);
  mm_arena_free(&a);
  return 0;
}
