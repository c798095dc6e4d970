/* kb_watch.c: kb/watchlist.yaml, the regulatory decisions the kb is waiting
 * for (docs/kb-format.md "The watch list"). A pending application is not a
 * label: nothing here is evaluated; `mmpath kb check` says when an expected
 * decision date has passed, so that someone looks again. */
#include <string.h>

#include "kb/kb_internal.h"

static const char *const agencies[] = {"fda", "ema", "ec", "aifa", NULL};

int mm_kb_load_watchlist(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const keys[] = {"items", MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, root, keys);
  mm_kb_read_provenance(r, root, &kb->watch_prov);
  const mm_yaml *items = mm_yaml_read_seq(r, root, "items", true);
  if (!items) return -1;
  kb->watch = mm_arena_alloc(&kb->arena, (items->n + 1) * sizeof *kb->watch);
  if (!kb->watch) return -1;
  static const char *const ikeys[] = {"id", "product", "agency", "pending", "indication",
                                      "expected", "recheck", "added", MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < items->n; i++) {
    const mm_yaml *e = items->items[i];
    if (!mm_yaml_is_map(r, e, "a watch-list item")) continue;
    mm_yaml_check_keys(r, e, ikeys);
    mm_watch_item *w = &kb->watch[kb->n_watch];
    memset(w, 0, sizeof *w);
    w->id = mm_yaml_read_string(r, e, "id", true);
    w->product = mm_yaml_read_string(r, e, "product", true);
    int a = mm_yaml_read_enum(r, e, "agency", agencies, -1);
    if (a < 0 && !mm_yaml_get(e, "agency"))
      mm_yaml_report(r, e, MM_E_MISSING, "missing key 'agency'");
    w->agency = a >= 0 ? agencies[a] : NULL;
    w->pending = mm_kb_read_text(r, e, "pending", true);
    w->indication = mm_kb_read_text(r, e, "indication", true);
    w->expected = mm_yaml_read_date(r, e, "expected", false);
    w->recheck = mm_yaml_read_date(r, e, "recheck", false);
    w->added = mm_yaml_read_date(r, e, "added", true);
    if (w->expected == MM_DATE_NONE && w->recheck == MM_DATE_NONE && mm_yaml_get(e, "id"))
      mm_yaml_report(r, e, MM_E_MISSING,
                     "watch-list item needs 'expected' or 'recheck': a date to look again");
    mm_kb_read_provenance(r, e, &w->prov);
    w->col = e->col;
    for (size_t k = 0; w->id && k < kb->n_watch; k++)
      if (strcmp(kb->watch[k].id, w->id) == 0)
        mm_yaml_report(r, mm_yaml_get(e, "id"), MM_E_DUPLICATE,
                       "duplicate watch-list id '%s'", w->id);
    if (w->id && w->agency) kb->n_watch++;
  }
  return 0;
}
