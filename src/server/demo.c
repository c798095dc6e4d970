/* demo.c: what a new database gets on `mmpath serve`'s first start: the
 * demo referrals of src/server/demo/referrals.json (embedded at build time),
 * imported through the referral store, so the state machine checks them. */
#include <stdio.h>

#include "referral/store.h"
#include "server/server.h"
#include "web/assets.h"

int mm_server_load_demo(const char *db_path, const mm_ref_kb *ref_kb, size_t *n_out,
                        char *err, size_t err_len) {
  *n_out = 0;
  const mm_asset *a = mm_demo_find("/referrals.json");
  if (!a) {
    snprintf(err, err_len, "no demo data in this build");
    return -1;
  }
  mm_arena arena;
  mm_arena_init(&arena, 65536);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_referral *rs = NULL;
  size_t n = 0;
  int ret = -1;
  mm_ref_store *store = NULL;
  if (mm_referrals_parse(&rs, &n, &arena, (const char *)a->data, a->len, ref_kb, &diags,
                         "demo/referrals.json") != 0) {
    snprintf(err, err_len, "demo data: %s",
             diags.head ? diags.head->text : "cannot be read");
  } else if (mm_ref_store_open(&store, db_path, ref_kb, err, err_len) == 0) {
    mm_ref_import_stats st = {0, 0, 0, 0};
    if (mm_ref_store_import(store, rs, n, &diags, "demo/referrals.json", &st) == 0) {
      *n_out = st.created;
      ret = 0;
    } else {
      snprintf(err, err_len, "demo data: %s%s%s",
               diags.head && diags.head->path ? diags.head->path : "",
               diags.head && diags.head->path ? ": " : "",
               diags.head ? diags.head->text : mm_ref_store_errmsg(store));
    }
  }
  mm_ref_store_free(store);
  mm_arena_free(&arena);
  return ret;
}
