/* test_funnel_kept.c: the funnel from the counts the store keeps as events
 * are written (funnel_keep.c, store_funnel.c) is the same report as the
 * walk over every referral (mm_funnel_add, the reference the deck's slides
 * are tested with in test_referral.c), for every filter a user can give:
 * to_center, from_center, since, until, each alone and together.
 *
 * The registry is random (a fixed seed, printed; MMPATH_SEED picks
 * another): referrals to two hubs from five centres (a hub's own
 * referrals included, for the own/other split), CAR-T and bispecific
 * targets, every move the pathway allows with the reasons it requires,
 * written through each write path the store has (import of new referrals,
 * import extending them, one event at a time), interleaved, then records
 * after infusion (CRS and ICANS episodes, visits reviewing toxicity) and
 * corrections (dates of moves, reasons, voided records) that change the
 * history after the fact. The reports are compared as mmpath/funnel@1 JSON
 * text, byte for byte (counts, percentages, medians), then again after the
 * kept counts are rebuilt from scratch (what schema 6 does to an older
 * registry at its first open), on SQLite and, with MMPATH_TEST_DB=pg, on
 * PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "helpers.h"
#include "kb/kb.h"
#include "referral/funnel.h"
#include "referral/pathway.h"
#include "referral/referral.h"
#include "referral/store.h"

static uint64_t rng;
static unsigned rnd(unsigned n) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (unsigned)((rng >> 33) % n);
}

static const char *const hubs[] = {"BO-SER", "RN-EMA"};
static const char *const spokes[] = {"FE-ONC", "MO-EMA", "PR-EMA", "BO-SER", "RN-EMA"};
static const char *const targets[] = {"ide-cel", "cilta-cel", "teclistamab"};

typedef struct env {
  mm_arena arena;
  mm_diags diags;
  mm_kb *kbase;
  const mm_ref_kb *kb;
  mm_ref_store *store;
  char db[512];
  bool pg;
} env;

static void open_store(env *e) {
  char err[400];
  if (mm_ref_store_open(&e->store, e->db, e->kb, err, sizeof err)) fail_msg("%s", err);
}

static bool pg_new_db(char *out, size_t n) {
  const char *kind = getenv("MMPATH_TEST_DB"), *state = getenv("MMPATH_PG_STATE"),
             *script = getenv("MMPATH_PG_CLUSTER");
  if (!kind || strcmp(kind, "pg") != 0) return false;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "bash '%s' newdb '%s' test_funnel_kept_%ld", script, state,
           (long)getpid());
  FILE *p = popen(cmd, "r");
  if (!p || !fgets(out, (int)n, p)) fail_msg("cannot make a PostgreSQL database: %s", cmd);
  pclose(p);
  out[strcspn(out, "\n")] = '\0';
  return true;
}

/* A random next move from `cur` on date d (the reason one the kb knows, the
 * move one the pathway allows: checked by the model itself). */
static bool next_move(env *e, const mm_referral *r, const mm_ref_event *prev, mm_date d,
                      mm_ref_event *out) {
  bool bisp = mm_ref_kb_target(e->kb, r->target)->bispecific;
  /* mostly along the pathway (the next state that is not a way out),
   * sometimes anywhere allowed: most referrals get to infusion */
  int from = prev ? (int)prev->state : -1;
  for (int tries = 0; tries < 40; tries++) {
    mm_ref_state s = (mm_ref_state)rnd(MM_RS_COUNT);
    if (tries < 20 && rnd(10) < 7)
      for (int k = from + 1; k < MM_RS_COUNT; k++)
        if (mm_ref_move_allowed(from, (mm_ref_state)k, bisp) && k != MM_RS_NOT_ELIGIBLE &&
            k != MM_RS_MANUFACTURING_FAILED && k != MM_RS_NOT_INFUSED && k != MM_RS_EXCLUDED &&
            k != MM_RS_DIED) {
          s = (mm_ref_state)k;
          break;
        }
    if (!mm_ref_move_allowed(prev ? (int)prev->state : -1, s, bisp)) continue;
    *out = (mm_ref_event){d, s, NULL, NULL, NULL, NULL, NULL};
    if (mm_ref_state_needs_reason(s))
      out->reason = e->kb->reasons[rnd((unsigned)e->kb->n_reasons)].id;
    const char *field;
    mm_diag_code code;
    char why[200];
    if (mm_referral_check_move(e->kb, r->target, prev, out, &field, &code, why, sizeof why) == 0)
      return true;
  }
  return false;
}

static char *date_s(mm_arena *a, mm_date d) {
  char b[11];
  mm_date_format(d, b);
  return mm_arena_strdup(a, b);
}

/* A record or a correction on referral id (the pathway checks it: those it
 * refuses are simply not written). */
static size_t stored[MM_RK_COUNT]; /* records written, by kind */

static void random_record(env *e, mm_arena *a, const char *id) {
  mm_referral *r;
  if (mm_ref_store_get(e->store, a, id, &r)) return;
  mm_ref_view v;
  mm_ref_view_make(&v, r, a);
  mm_date last = r->events[r->n_events - 1].date;
  mm_date d = last + (mm_date)rnd(40);
  const char *ds = date_s(a, d);
  mm_ref_event ev = {d, 0, NULL, NULL, NULL, NULL, NULL};
  unsigned what = rnd(7);
  if (what <= 2) {
    /* a correction of a random event: its date, its reason, or void it */
    size_t k = rnd((unsigned)r->n_events);
    const mm_ref_event *t = &r->events[k];
    ev.kind = "correction";
    ev.date = last;
    if (t->kind && strcmp(t->kind, "correction") == 0) return;
    if (t->kind)
      ev.data = mm_arena_printf(a, "{\"corrects\":%zu,\"why\":\"entered twice\",\"void\":true}", k);
    else if (what == 2 && t->reason)
      ev.data = mm_arena_printf(a, "{\"corrects\":%zu,\"why\":\"misfiled\",\"reason\":\"%s\"}",
                                k, e->kb->reasons[rnd((unsigned)e->kb->n_reasons)].id);
    else
      ev.data = mm_arena_printf(a, "{\"corrects\":%zu,\"why\":\"typo\",\"date\":\"%s\"}", k,
                                date_s(a, t->date + (mm_date)rnd(7) - 3));
  } else if (v.infused_on == MM_DATE_NONE) {
    ev.kind = "note";
    ev.data = "{\"text\":\"called the patient\"}";
  } else if (what == 3) {
    ev.kind = "crs";
    ev.data = mm_arena_printf(a,
                              "{\"resolution\":\"%s\",\"signs\":[{\"date\":\"%s\",\"fever\":true,"
                              "\"hypotension\":\"%s\",\"hypoxia\":\"none\"}]}",
                              date_s(a, d + 4), ds,
                              rnd(2) ? "no_pressor" : "multiple_pressors");
  } else if (what == 4) {
    ev.kind = "icans";
    ev.data = mm_arena_printf(a, "{\"signs\":[{\"date\":\"%s\",\"ice_score\":%u}]}", ds,
                              rnd(10));
  } else {
    ev.kind = "visit";
    ev.data = mm_arena_printf(a, "{\"visit\":\"%s\",\"status\":\"alive\",\"toxicity_reviewed\":%s}",
                              rnd(2) ? "d100" : "d28", rnd(3) ? "true" : "false");
  }
  mm_diags d2;
  mm_diags_init(&d2, a);
  if (mm_ref_pathway_append(e->store, e->kbase, id, &ev, MM_REF_BY_HUB, mm_ref_today(), a,
                            &d2) == MM_REF_OK)
    stored[mm_ref_kind_parse(ev.kind)]++;
}

/* The report both ways, as JSON text; equal or the test fails naming the
 * filter. */
static size_t nonempty; /* reports compared that count referrals */

static void compare(env *e, const mm_ref_filter *f, const char *what) {
  mm_funnel *walk, *kept;
  assert_int_equal(mm_funnel_new(&walk, e->kb, f), MM_REF_OK);
  assert_int_equal(mm_funnel_new(&kept, e->kb, f), MM_REF_OK);
  assert_int_equal(mm_ref_store_foreach(e->store, f, mm_funnel_add, walk), MM_REF_OK);
  assert_int_equal(mm_funnel_kept(kept, e->store, f), MM_REF_OK);
  mm_funnel_finish(walk);
  mm_funnel_finish(kept);
  nonempty += walk->total > 0 && walk->inf_n > 0;
  mm_strbuf a, b;
  mm_strbuf_init(&a, 0);
  mm_strbuf_init(&b, 0);
  mm_funnel_json(&a, walk);
  mm_funnel_json(&b, kept);
  if (strcmp(a.data, b.data) != 0) {
    fprintf(stderr, "seed %llu, %s: walk\n%s\nkept\n%s\n", (unsigned long long)rng, what, a.data,
            b.data);
    fail_msg("the kept funnel differs from the walk (%s)", what);
  }
  mm_strbuf_free(&a);
  mm_strbuf_free(&b);
  mm_funnel_free(walk);
  mm_funnel_free(kept);
}

static size_t compare_all(env *e, mm_date lo, mm_date hi) {
  size_t n = 0;
  const char *tos[] = {NULL, hubs[0], hubs[1]};
  const char *froms[] = {NULL, spokes[0], spokes[3]};
  for (int t = 0; t < 3; t++)
    for (int fr = 0; fr < 3; fr++)
      for (int k = 0; k < 8; k++) {
        mm_ref_filter f = MM_REF_FILTER_ALL;
        f.to_center = tos[t];
        f.from_center = froms[fr];
        /* none, since only, until only, both; random days in and around
         * the registry's span (a window on a referral date, on a move, on
         * a record, before everything and after everything) */
        mm_date x = lo - 30 + (mm_date)rnd((unsigned)(hi - lo + 60));
        mm_date y = x + (mm_date)rnd(200);
        if (k & 1) f.since = x;
        if (k & 2) f.until = k & 1 ? y : x;
        if (k == 4) f.until = lo - 1;
        if (k == 6) f.since = hi + 1;
        char what[160];
        snprintf(what, sizeof what, "to %s from %s since %d until %d", f.to_center ? f.to_center : "-",
                 f.from_center ? f.from_center : "-", f.since, f.until);
        compare(e, &f, what);
        n++;
      }
  return n;
}

static void test_kept_equals_walk(void **state) {
  env *e = *state;
  const char *seed = getenv("MMPATH_SEED");
  rng = seed ? strtoull(seed, NULL, 10) : 20261207;
  fprintf(stderr, "seed %llu (MMPATH_SEED)\n", (unsigned long long)rng);
  enum { N = 240 };
  mm_arena a;
  mm_arena_init(&a, 1 << 16);
  mm_date lo;
  assert_true(mm_date_parse("2023-01-02", 10, &lo));
  mm_date hi = lo;
  /* each referral's whole random path, written in pieces below */
  mm_referral *rs = mm_arena_alloc(&a, N * sizeof *rs);
  size_t *written = mm_arena_alloc(&a, N * sizeof *written);
  for (size_t i = 0; i < N; i++) {
    mm_referral *r = &rs[i];
    *r = (mm_referral){mm_arena_printf(&a, "K-%04zu", i), mm_arena_printf(&a, "PX-%04zu", i),
                       spokes[rnd(5)], hubs[rnd(2)], targets[rnd(3)], 0, NULL};
    r->events = mm_arena_alloc(&a, 16 * sizeof *r->events);
    mm_date d = lo + (mm_date)rnd(500);
    r->events[r->n_events++] = (mm_ref_event){d, MM_RS_REFERRED, NULL, NULL, NULL, NULL, NULL};
    while (r->n_events < 12 && rnd(12)) {
      d += (mm_date)rnd(25);
      if (!next_move(e, r, &r->events[r->n_events - 1], d, &r->events[r->n_events])) break;
      r->n_events++;
    }
    if (d > hi) hi = d;
    written[i] = 0;
  }
  mm_diags d;
  mm_diags_init(&d, &a);
  /* a third imported whole-but-one at once (new referrals) */
  mm_referral part[N];
  size_t np = 0;
  for (size_t i = 0; i < N; i += 3) {
    part[np] = rs[i];
    part[np].n_events = rs[i].n_events > 1 ? rs[i].n_events - 1 : 1;
    written[i] = part[np++].n_events;
  }
  assert_int_equal(mm_ref_store_import(e->store, part, np, &d, "random", NULL), MM_REF_OK);
  /* the others created with their first event, then every referral given
   * its events one at a time, interleaved; some extended by an import */
  for (size_t i = 0; i < N; i++)
    if (!written[i]) {
      mm_referral first = rs[i];
      first.n_events = 1;
      assert_int_equal(mm_ref_store_create(e->store, &first, &d), MM_REF_OK);
      written[i] = 1;
    }
  for (int round = 0; round < 14; round++)
    for (size_t i = 0; i < N; i++) {
      if (written[i] >= rs[i].n_events || rnd(3) == 0) continue;
      if (i % 7 == 1) {
        mm_referral more = rs[i];
        more.n_events = written[i] + 1;
        assert_int_equal(mm_ref_store_import(e->store, &more, 1, &d, "more", NULL), MM_REF_OK);
      } else {
        assert_int_equal(mm_ref_store_move(e->store, rs[i].id, &rs[i].events[written[i]], &d),
                         MM_REF_OK);
      }
      written[i]++;
    }
  size_t n = compare_all(e, lo, hi);
  /* then records and corrections change the histories after the fact */
  mm_arena ra;
  mm_arena_init(&ra, 1 << 14);
  for (int k = 0; k < 3 * N; k++) {
    mm_arena_reset(&ra);
    random_record(e, &ra, rs[rnd(N)].id);
  }
  mm_arena_free(&ra);
  /* the histories did change after the fact, in every way tried */
  fprintf(stderr, "stored: %zu corrections, %zu CRS, %zu ICANS, %zu visits, %zu notes\n",
          stored[MM_RK_CORRECTION], stored[MM_RK_CRS], stored[MM_RK_ICANS], stored[MM_RK_VISIT],
          stored[MM_RK_NOTE]);
  assert_true(stored[MM_RK_CORRECTION] > 50 && stored[MM_RK_CRS] > 5 &&
              stored[MM_RK_ICANS] > 5 && stored[MM_RK_VISIT] > 5);
  hi += 60;
  n += compare_all(e, lo, hi);
  /* rebuilt from scratch: the same rows, the same reports */
  assert_int_equal(mm_ref_store_funnel_rebuild(e->store), MM_REF_OK);
  n += compare_all(e, lo, hi);
  fprintf(stderr, "%zu filters compared, every one the same (%zu with infused referrals)\n", n,
          nonempty);
  assert_true(nonempty > n / 3);
  mm_arena_free(&a);
}

/* A registry from before schema 6 (no kept rows, no layout): its first
 * open with a kb builds them (SQLite: the rows and the layout removed by
 * hand stand for it). */
static void test_built_at_open(void **state) {
  env *e = *state;
  if (e->pg) skip();
  rng = 7;
  mm_arena a;
  mm_arena_init(&a, 1 << 14);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_date lo;
  assert_true(mm_date_parse("2024-03-01", 10, &lo));
  for (size_t i = 0; i < 60; i++) {
    mm_referral r = {mm_arena_printf(&a, "M-%03zu", i), mm_arena_printf(&a, "PX-9%03zu", i),
                     spokes[rnd(5)], hubs[rnd(2)], targets[rnd(3)], 0, NULL};
    r.events = mm_arena_alloc(&a, 12 * sizeof *r.events);
    mm_date dd = lo + (mm_date)rnd(90);
    r.events[r.n_events++] = (mm_ref_event){dd, MM_RS_REFERRED, NULL, NULL, NULL, NULL, NULL};
    while (r.n_events < 10 && rnd(6)) {
      dd += (mm_date)rnd(20);
      if (!next_move(e, &r, &r.events[r.n_events - 1], dd, &r.events[r.n_events])) break;
      r.n_events++;
    }
    assert_int_equal(mm_ref_store_create(e->store, &r, &d), MM_REF_OK);
  }
  mm_ref_store_free(e->store);
  e->store = NULL;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "DELETE FROM funnel_days; DELETE FROM mmpath_meta;", NULL,
                                NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  open_store(e);
  compare_all(e, lo, lo + 400);
  /* `referral check` finds a kept row that is not what the histories make
   * (one step taken out by hand), and a rebuild mends it */
  size_t n;
  assert_int_equal(mm_ref_store_check(e->store, &d, &n), MM_REF_OK);
  assert_int_equal(sqlite3_open(e->db, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "UPDATE funnel_days SET steps = substr(steps, 13)"
                                    " WHERE rowid = (SELECT min(rowid) FROM funnel_days)",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  assert_int_equal(mm_ref_store_check(e->store, &d, &n), MM_REF_EINVALID);
  bool named = false;
  for (mm_diag *x = d.head; x; x = x->next)
    named |= strstr(x->text, "the funnel's kept counts differ from the histories in 1 of") != NULL;
  assert_true(named);
  assert_int_equal(mm_ref_store_funnel_rebuild(e->store), MM_REF_OK);
  mm_diags_init(&d, &a);
  assert_int_equal(mm_ref_store_check(e->store, &d, &n), MM_REF_OK);
  assert_int_equal(n, 60);
  mm_arena_free(&a);
}

static int setup(void **state) {
  env *e = calloc(1, sizeof *e);
  if (!e) return -1;
  mm_arena_init(&e->arena, 0);
  mm_diags_init(&e->diags, &e->arena);
  if (mm_kb_load(&e->kbase, test_kb_dir(), &e->diags) < 0) return -1;
  e->kb = mm_kb_referral(e->kbase);
  e->pg = pg_new_db(e->db, sizeof e->db);
  if (!e->pg) {
    snprintf(e->db, sizeof e->db, "test_funnel_kept_%ld.db", (long)getpid());
    remove(e->db);
  }
  open_store(e);
  *state = e;
  return 0;
}

static int teardown(void **state) {
  env *e = *state;
  mm_ref_store_free(e->store);
  if (!e->pg) {
    char p[600];
    remove(e->db);
    snprintf(p, sizeof p, "%s-wal", e->db);
    remove(p);
    snprintf(p, sizeof p, "%s-shm", e->db);
    remove(p);
  }
  mm_kb_free(e->kbase);
  mm_arena_free(&e->arena);
  free(e);
  return 0;
}

int main(void) {
  const char *kind = getenv("MMPATH_TEST_DB");
  if (kind && strcmp(kind, "pg") == 0) {
    char path[512], line[512] = "";
    snprintf(path, sizeof path, "%s/state",
             getenv("MMPATH_PG_STATE") ? getenv("MMPATH_PG_STATE") : ".");
    FILE *f = fopen(path, "r");
    if (!f || !fgets(line, sizeof line, f) || strncmp(line, "unavailable=", 12) == 0) {
      fprintf(stderr, "SKIP: PostgreSQL tests: %s", f ? line + 12 : "no cluster state\n");
      if (f) fclose(f);
      return 77;
    }
    fclose(f);
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_kept_equals_walk, setup, teardown),
      cmocka_unit_test_setup_teardown(test_built_at_open, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
