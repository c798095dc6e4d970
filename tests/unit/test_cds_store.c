/* test_cds_store.c: the store of the evaluations CDS cards link to
 * (src/cds/cds_store.c, cds.h): a page is there under its random id until
 * its time is up, then gone; a full store gives way by expiry, never by a
 * guessable order; ids are 128 random bits in hex. Times are explicit. */
#include <string.h>

#include "cds/cds.h"
#include "helpers.h"

static void kept_then_expired(void **state) {
  (void)state;
  mm_cds_store *s;
  assert_int_equal(mm_cds_store_new(&s, 4, 900), 0);
  char id[MM_CDS_STORE_ID_LEN + 1];
  assert_int_equal(mm_cds_store_put(s, "<p>page</p>", 11, 1000, id), 0);
  assert_int_equal(strlen(id), 32);
  assert_int_equal(strspn(id, "0123456789abcdef"), 32);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  assert_int_equal(mm_cds_store_get(s, id, 1000 + 900, &b), 0);
  assert_string_equal(b.data, "<p>page</p>");
  mm_strbuf_clear(&b);
  assert_int_equal(mm_cds_store_get(s, id, 1000 + 901, &b), 1); /* 15 minutes are over */
  assert_int_equal(mm_cds_store_get(s, "0123", 1000, &b), 1);    /* not an id */
  mm_strbuf_free(&b);
  mm_cds_store_free(s);
}

static void full_store_gives_way_by_expiry(void **state) {
  (void)state;
  mm_cds_store *s;
  assert_int_equal(mm_cds_store_new(&s, 2, 100), 0);
  char a[33], b2[33], c[33];
  mm_cds_store_put(s, "a", 1, 10, a);
  mm_cds_store_put(s, "b", 1, 20, b2);
  assert_string_not_equal(a, b2);
  mm_cds_store_put(s, "c", 1, 30, c); /* full: a, the nearest expiry, goes */
  mm_strbuf out;
  mm_strbuf_init(&out, 0);
  assert_int_equal(mm_cds_store_get(s, a, 30, &out), 1);
  assert_int_equal(mm_cds_store_get(s, b2, 30, &out), 0);
  assert_int_equal(mm_cds_store_get(s, c, 30, &out), 0);
  assert_string_equal(out.data, "bc");
  mm_strbuf_free(&out);
  mm_cds_store_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kept_then_expired),
      cmocka_unit_test(full_store_gives_way_by_expiry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
