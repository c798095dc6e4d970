/* test_screen.c: `mmpath screen` over the real knowledge base
 * (src/screen/screen.c, criteria.c): a 20,000-line registry written by the
 * test with bad records in the middle (each reported at its own line with
 * its field path, the rest screened), output in input order with 1 and 2
 * threads, the summary's counts, --only, CSV, the knowledge base's options,
 * and criteria files that do not compile (file:line:col). The criteria are
 * TASK.md's (shared/bench): prior_lines >= 3, exposure to a class, a
 * progression recorded on the last line; the test computes the expected
 * answer of every record itself from how it wrote it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json/json.h"
#include "kb/kb.h"
#include "screen/screen.h"
#include "util/strbuf.h"

static mm_kb *kb;

static int setup(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  int rc = mm_kb_load(&kb, test_kb_dir(), &d);
  if (rc != 0)
    for (const mm_diag *x = d.head; x; x = x->next) fprintf(stderr, "kb: %s\n", x->text);
  mm_arena_free(&a);
  return rc;
}

static int teardown(void **state) {
  (void)state;
  mm_kb_free(kb);
  return 0;
}

static const char task_criteria[] =
    "criteria:\n"
    "  - id: prior_lines\n"
    "    when: prior_lines >= 3\n"
    "  - id: pi_exposed\n"
    "    when: exposed(PI)\n"
    "  - id: progressed_on_last\n"
    "    when: progression_on_or_after_last\n"
    "  - id: both\n"
    "    text: \"builds on the two above\"\n"
    "    when: prior_lines and progressed_on_last\n";

static mm_screen_criteria *compile(const char *text, mm_diags *d) {
  mm_screen_criteria *c = NULL;
  mm_screen_criteria_parse(&c, kb, "task.yaml", text, strlen(text), d);
  return c;
}

/* Runs mm_screen_run on a string; returns the output (and the CSV summary). */
static char *screen(const char *in, size_t len, const mm_screen_options *o,
                    mm_screen_totals *t, char **summary_out) {
  FILE *fi = tmpfile(), *fo = tmpfile(), *fs = tmpfile();
  assert_true(fi && fo && fs);
  assert_int_equal(fwrite(in, 1, len, fi), len);
  fflush(fi);
  rewind(fi);
  assert_int_equal(mm_screen_run(t, fileno(fi), fileno(fo), fileno(fs), o), 0);
  char *res[2] = {NULL, NULL};
  FILE *files[2] = {fo, fs};
  for (int i = 0; i < 2; i++) {
    long n = lseek(fileno(files[i]), 0, SEEK_END);
    res[i] = malloc((size_t)n + 1);
    assert_non_null(res[i]);
    assert_int_equal(pread(fileno(files[i]), res[i], (size_t)n, 0), n);
    res[i][n] = '\0';
  }
  fclose(fi);
  fclose(fo);
  fclose(fs);
  if (summary_out) *summary_out = res[1];
  else free(res[1]);
  return res[0];
}

/* --- the large registry --------------------------------------------- */

#define N_LINES 20000
enum { BAD_DATE = 5001, EMPTY = 7000, BAD_DRUG = 10001, BAD_JSON = 12345, BAD_TYPE = 15000 };

static const char *const regimens[][3] = {
    {"bortezomib", "lenalidomide", "dexamethasone"},
    {"daratumumab", "lenalidomide", "dexamethasone"},
    {"carfilzomib", "pomalidomide", "dexamethasone"},
    {"isatuximab", "pomalidomide", "dexamethasone"},
};

/* Record of line i: i % 6 lines of therapy, one a year from 2015, the k-th
 * with the drugs of regimens[(i + k) % 4]; every line but the last ends in a
 * progression, the last one too when i is odd. */
static void write_record(mm_strbuf *b, int i) {
  int n = i % 6;
  mm_strbuf_printf(b, "{\"id\":\"R-%05d\",\"as_of\":\"2026-11-25\",\"birth_date\":\"1955-03-01\","
                      "\"lines\":[", i);
  for (int k = 0; k < n; k++) {
    const char *const *r = regimens[(i + k) % 4];
    bool last = k == n - 1;
    mm_strbuf_printf(b, "%s{\"drugs\":[\"%s\",\"%s\",\"%s\"],\"start\":\"%d-01-10\"", k ? "," : "",
                     r[0], r[1], r[2], 2015 + k);
    if (!last || i % 2) mm_strbuf_printf(b, ",\"end\":\"%d-06-01\",\"progression\":\"%d-06-01\","
                                            "\"best_response\":\"PR\"", 2015 + k, 2015 + k);
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

static void write_registry(mm_strbuf *b) {
  for (int i = 1; i <= N_LINES; i++) {
    switch (i) {
    case BAD_DATE:
      mm_strbuf_printf(b, "{\"id\":\"R-%05d\",\"lines\":[{\"drugs\":[\"bortezomib\"],"
                          "\"start\":\"2023-02-30\"}]}\n", i);
      break;
    case EMPTY: mm_strbuf_puts(b, "\n"); break;
    case BAD_DRUG:
      mm_strbuf_printf(b, "{\"id\":\"R-%05d\",\"lines\":[{\"drugs\":[\"lenalidomid\"],"
                          "\"start\":\"2023-01-05\"}]}\n", i);
      break;
    case BAD_JSON: mm_strbuf_printf(b, "{\"id\":\"R-%05d\",\"lines\":[\n", i); break;
    case BAD_TYPE: mm_strbuf_printf(b, "{\"id\":\"R-%05d\",\"lines\":\"KRd\"}\n", i); break;
    default: write_record(b, i);
    }
  }
}

static bool is_bad(int i) {
  return i == BAD_DATE || i == BAD_DRUG || i == BAD_JSON || i == BAD_TYPE;
}

static const char *truth(bool b) { return b ? "true" : "false"; }

/* What the test expects for line i (a good record). */
static void expect_line(mm_strbuf *b, int i) {
  int n = i % 6;
  bool pi = false;          /* bortezomib (0) and carfilzomib (2) are PIs */
  for (int k = 0; k < n; k++) pi = pi || (i + k) % 4 == 0 || (i + k) % 4 == 2;
  bool prog = n > 0 && i % 2;
  mm_strbuf_printf(b, "{\"id\":\"R-%05d\",\"criteria\":{\"prior_lines\":%s,\"pi_exposed\":%s,"
                      "\"progressed_on_last\":%s,\"both\":%s}}",
                   i, truth(n >= 3), truth(pi), truth(prog), truth(n >= 3 && prog));
}

/* The result line without its "setting" (which is the fact engine's). */
static void strip_setting(char *line) {
  char *s = strstr(line, ",\"setting\":");
  if (!s) return;
  char *e = strstr(s, ",\"criteria\"");
  if (e) memmove(s, e, strlen(e) + 1);
}

static void check_registry(int threads, size_t block) {
  mm_diags d;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = compile(task_criteria, &d);
  assert_non_null(c);
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  write_registry(&in);
  mm_screen_options o = {.kb = kb, .criteria = c, .threads = threads, .block_size = block,
                         .progress_fd = -1};
  mm_screen_totals t;
  char *out = screen(in.data, in.len, &o, &t, NULL);
  assert_int_equal(t.records, N_LINES - 1);
  assert_int_equal(t.malformed, 4);
  assert_int_equal(t.screened, N_LINES - 5);

  /* one result line per record, in input order */
  char *save = NULL, *line = strtok_r(out, "\n", &save);
  mm_strbuf want;
  mm_strbuf_init(&want, 0);
  for (int i = 1; i <= N_LINES; i++) {
    if (i == EMPTY) continue;
    assert_non_null(line);
    if (is_bad(i)) {
      mm_json_error je;
      mm_arena_reset(&a);
      mm_json *v = mm_json_parse(&a, line, strlen(line), &je);
      assert_non_null(v);
      const mm_json *ln = mm_json_get(v, "line"), *err = mm_json_get(v, "error");
      assert_non_null(ln);
      assert_int_equal(ln->integer, i);
      assert_true(err && err->type == MM_JSON_ARRAY && err->len >= 1);
      const mm_json *path = mm_json_get(err->items[0], "path");
      const char *want_path = i == BAD_DATE ? "lines[0].start" : i == BAD_DRUG ? "lines[0].drugs[0]"
                              : i == BAD_TYPE ? "lines" : NULL;
      if (want_path) assert_string_equal(path->str, want_path);
      else assert_int_equal(path->type, MM_JSON_NULL); /* invalid JSON: no field */
      const mm_json *id = mm_json_get(v, "id");
      if (i == BAD_JSON) assert_int_equal(id->type, MM_JSON_NULL);
      else assert_int_equal(atoi(id->str + 2), i);
    } else {
      mm_strbuf_clear(&want);
      expect_line(&want, i);
      strip_setting(line);
      assert_string_equal(line, want.data);
    }
    line = strtok_r(NULL, "\n", &save);
  }
  assert_non_null(line);
  assert_non_null(strstr(line, "{\"summary\":{\"records\":19999,\"malformed\":4,\"screened\":19995,"));
  assert_null(strtok_r(NULL, "\n", &save));
  free(out);
  mm_strbuf_free(&want);
  mm_strbuf_free(&in);
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
}

static void test_registry_two_threads(void **state) {
  (void)state;
  check_registry(2, 0);
}

static void test_registry_one_thread(void **state) {
  (void)state;
  check_registry(1, 0);
}

static void test_registry_small_batches(void **state) {
  (void)state;
  check_registry(2, 8192); /* ~ 300 batches through 6 slots: bounded memory */
}

/* The summary counts each criterion's results. */
static void test_summary_counts(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = compile(task_criteria, &d);
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  for (int i = 1; i <= 12; i++) write_record(&in, i);
  mm_screen_options o = {.kb = kb, .criteria = c, .threads = 2, .progress_fd = -1};
  mm_screen_totals t;
  char *out = screen(in.data, in.len, &o, &t, NULL);
  /* i % 6 >= 3 for i = 3, 4, 5, 9, 10, 11: six records with 3 or more lines */
  assert_non_null(strstr(out, "\"prior_lines\":{\"true\":6,\"false\":6,\"unknown\":0}"));
  /* progression on the last line: odd i with at least one line: 1 3 5 7 9 11 */
  assert_non_null(strstr(out, "\"progressed_on_last\":{\"true\":6,\"false\":6,\"unknown\":0}"));
  free(out);
  mm_strbuf_free(&in);
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
}

static void test_only_and_csv(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = compile(task_criteria, &d);
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  write_record(&in, 9);     /* 3 lines, progression on the last */
  write_record(&in, 2);     /* 2 lines */
  mm_strbuf_puts(&in, "{\"id\":\"X,1\",\"lines\":[{\"start\":\"2023-02-30\"}]}\n");
  const char *only[] = {"both", "prior_lines", NULL};
  mm_screen_options o = {.kb = kb, .criteria = c, .threads = 2, .progress_fd = -1,
                         .only = only, .format = MM_SCREEN_CSV};
  mm_screen_totals t;
  char *summary = NULL;
  char *out = screen(in.data, in.len, &o, &t, &summary);
  /* header, then rows in input order; criteria in the file's order */
  const char *want_head = "id,setting,prior_lines,both,error\n";
  assert_memory_equal(out, want_head, strlen(want_head));
  char *row = out + strlen(want_head);
  assert_memory_equal(row, "R-00009,", 8);
  assert_non_null(strstr(row, ",true,true,\nR-00002,"));
  assert_non_null(strstr(row, ",false,false,\n\"X,1\",,,,\"line 3: lines[0].start: "));
  assert_null(strstr(out, "pi_exposed"));
  /* the summary goes to its own stream, with only the reported criteria */
  assert_non_null(strstr(summary, "\"malformed\":1"));
  assert_non_null(strstr(summary, "\"by_criterion\":{\"prior_lines\":"));
  assert_null(strstr(summary, "pi_exposed"));
  free(out);
  free(summary);
  mm_strbuf_free(&in);
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
}

/* --- criteria files that do not compile ------------------------------ */

static const mm_diag *first_error(const char *text, mm_diags *d) {
  mm_screen_criteria *c = compile(text, d);
  assert_null(c);
  assert_true(d->errors > 0);
  return d->head;
}

static void test_criteria_errors(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  /* an unknown fact, at its own line and column */
  const mm_diag *e = first_error("criteria:\n  - id: a\n    when: prior_lines >= 3 and ecgo < 2\n", &d);
  assert_string_equal(e->source, "task.yaml");
  assert_int_equal(e->line, 3);
  assert_int_equal(e->col, 32);
  assert_non_null(strstr(e->text, "ecog")); /* did you mean */
  /* a criterion may not use one defined after it */
  mm_diags_init(&d, &a);
  e = first_error("criteria:\n  - id: a\n    when: b\n  - id: b\n    when: prior_lines >= 1\n", &d);
  assert_int_equal(e->line, 3);
  /* duplicate and malformed ids, missing when, unknown keys */
  mm_diags_init(&d, &a);
  first_error("criteria:\n  - id: a\n    when: on_treatment\n  - id: a\n    when: on_treatment\n"
              "  - id: Bad-Id\n    when: on_treatment\n  - id: c\n  - id: d\n    when: on_treatment\n"
              "    whne: x\n", &d);
  assert_int_equal(d.errors, 4);
  /* not a list */
  mm_diags_init(&d, &a);
  first_error("criteria: prior_lines >= 3\n", &d);
  mm_arena_free(&a);
}

/* Each problem of a criteria file has its code (callers branch on it, not on
 * the text) and its place: the one reader of the knowledge base reads it. */
static void test_criteria_codes(void **state) {
  (void)state;
  static const struct {
    const char *text;
    mm_diag_code code;
    int line, col;
  } cases[] = {
      {"criteria:\n  - id: a\n    when: on_treatment\n    whne: x\n", MM_E_UNKNOWN_KEY, 4, 5},
      {"criteria:\n  - id: a\n    when: on_treatment\ncriterias: x\n", MM_E_UNKNOWN_KEY, 4, 1},
      {"criteria:\n  - id: c\n", MM_E_MISSING, 2, 5},
      {"criteria:\n  - id: a\n    when: prior_lines >= 3 and ecgo < 2\n", MM_E_UNKNOWN_NAME, 3, 32},
      /* a quoted rule's text starts after its quote */
      {"criteria:\n  - id: a\n    when: \"prior_lines >= 3 and ecgo < 2\"\n", MM_E_UNKNOWN_NAME, 3,
       33},
      /* a block's on the next line, at its own indentation */
      {"criteria:\n  - id: a\n    when: |\n        prior_lines >= 3 and\n        ecgo < 2\n",
       MM_E_UNKNOWN_NAME, 5, 9},
      {"criteria:\n  - id: a\n    when: prior_lines >= 'x'\n", MM_E_TYPE, 3, 23},
      {"criteria:\n  - id: a\n    when: prior_lines >=\n", MM_E_SYNTAX, 3, 25},
      {"criteria:\n  - id: a\n    when: on_treatment\n  - id: a\n    when: on_treatment\n",
       MM_E_DUPLICATE, 4, 9},
      {"criteria:\n  - id: Bad-Id\n    when: on_treatment\n", MM_E_INVALID, 2, 9},
      {"criteria: prior_lines >= 3\n", MM_E_TYPE, 1, 11},
      {"criteria: []\n", MM_E_MISSING, 1, 11},
      {"criteria:\n  - on_treatment\n", MM_E_TYPE, 2, 5},
      {"- id: a\n", MM_E_TYPE, 1, 1},
      {"", MM_E_SYNTAX, 0, 0},
  };
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    mm_diags_init(&d, &a);
    const mm_diag *e = first_error(cases[i].text, &d);
    if (d.errors != 1 || e->code != cases[i].code ||
        (cases[i].line && (e->line != cases[i].line || e->col != cases[i].col)))
      fail_msg("case %zu: %zu error(s), first code %d at %d:%d (%s)", i, d.errors, (int)e->code,
               e->line, e->col, e->text);
  }
  /* a file that is not there */
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = NULL;
  assert_int_equal(mm_screen_criteria_load(&c, kb, "no-such-criteria.yaml", &d), -1);
  assert_null(c);
  assert_int_equal(d.errors, 1);
  assert_int_equal(d.head->code, MM_E_NOT_FOUND);
  mm_arena_free(&a);
}

/* A later criterion reads an earlier one's three-valued result. */
static void test_criteria_chain(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = compile(
      "criteria:\n  - id: many\n    when: prior_lines >= 3\n"
      "  - id: not_many\n    when: not many\n", &d);
  assert_non_null(c);
  const char *in = "{\"id\":\"A\",\"lines\":[]}\n{\"id\":\"B\"}\n";
  mm_screen_options o = {.kb = kb, .criteria = c, .threads = 1, .progress_fd = -1};
  mm_screen_totals t;
  char *out = screen(in, strlen(in), &o, &t, NULL);
  /* no lines: 0 prior lines; lines absent: unknown, and so is its negation */
  assert_non_null(strstr(out, "\"criteria\":{\"many\":false,\"not_many\":true}"));
  assert_non_null(strstr(out, "\"criteria\":{\"many\":null,\"not_many\":null}"));
  free(out);
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
}

/* A criterion may read a score even when no rule of the knowledge base
 * does: IMWG frailty (Palumbo 2015, kb/scores/frailty.yaml): over 80 years
 * scores 2 points, and 2 or more is frail. */
static void test_criteria_read_scores(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = compile("criteria:\n  - id: frail\n    when: frailty = 'frail'\n", &d);
  assert_non_null(c);
  assert_true(c->sources & (1u << MM_FACT_SCORE));
  const char *in = "{\"id\":\"F\",\"as_of\":\"2026-11-25\",\"birth_date\":\"1940-01-01\","
                   "\"frailty\":{\"charlson\":0,\"adl\":6,\"iadl\":8}}\n"
                   "{\"id\":\"G\",\"as_of\":\"2026-11-25\"}\n";
  mm_screen_options o = {.kb = kb, .criteria = c, .threads = 2, .progress_fd = -1};
  mm_screen_totals t;
  char *out = screen(in, strlen(in), &o, &t, NULL);
  assert_non_null(strstr(out, "{\"id\":\"F\",\"setting\":"));
  assert_non_null(strstr(out, "\"criteria\":{\"frail\":true}}\n{\"id\":\"G\""));
  assert_non_null(strstr(out, "\"criteria\":{\"frail\":null}}")); /* no age, no inputs */
  free(out);
  mm_screen_criteria_free(c);
  mm_diags_init(&d, &a);
  c = compile(task_criteria, &d);
  assert_false(c->sources & (1u << MM_FACT_SCORE));
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
}

/* Criteria derive only the facts they read (labs and composites are skipped
 * when none is read): a criterion on a lab value and one on a composite
 * still get their values. Platelets 50 and 120 x10^9/L against 75; triple
 * class exposure (kb/definitions.yaml: a PI, an IMiD and an anti-CD38) from
 * VRd then DRd, not from VRd alone. */
static void test_criteria_read_labs_and_composites(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  const char *in =
      "{\"id\":\"A\",\"as_of\":\"2026-11-25\",\"labs\":[{\"date\":\"2026-11-01\",\"test\":\"platelets\","
      "\"value\":50,\"unit\":\"10^9/L\"}],\"lines\":[{\"regimen\":\"VRd\",\"start\":\"2025-01-01\"}]}\n"
      "{\"id\":\"B\",\"as_of\":\"2026-11-25\",\"labs\":[{\"date\":\"2026-11-01\",\"test\":\"platelets\","
      "\"value\":120,\"unit\":\"10^9/L\"}],\"lines\":[{\"regimen\":\"VRd\",\"start\":\"2024-01-01\","
      "\"end\":\"2024-06-01\",\"progression\":\"2024-09-01\"},{\"regimen\":\"DRd\",\"start\":\"2024-10-01\"}]}\n";
  mm_screen_criteria *c = compile("criteria:\n  - id: plt\n    when: platelets >= 75\n"
                                  "  - id: tce\n    when: triple_class_exposed\n", &d);
  assert_non_null(c);
  mm_screen_options o = {.kb = kb, .criteria = c, .threads = 1, .progress_fd = -1};
  mm_screen_totals t;
  char *out = screen(in, strlen(in), &o, &t, NULL);
  assert_non_null(strstr(out, "{\"id\":\"A\","));
  assert_non_null(strstr(out, "\"criteria\":{\"plt\":false,\"tce\":false}}\n{\"id\":\"B\""));
  assert_non_null(strstr(out, "\"criteria\":{\"plt\":true,\"tce\":true}}\n"));
  free(out);
  mm_screen_criteria_free(c);
  mm_arena_free(&a);
}

/* --- the knowledge base's options ------------------------------------ */

/* Teclistamab (EU SmPC 4.1) needs at least three prior therapies: a patient
 * with one line is not eligible, and the failing criterion is listed. */
static void test_kb_options(void **state) {
  (void)state;
  const mm_option *tec = mm_kb_find_option(kb, "teclistamab");
  assert_non_null(tec);
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  write_record(&in, 1);    /* one line, progression */
  mm_strbuf_puts(&in, "{\"id\":\"bad\",\"as_of\":\"2026-13-01\"}\n");
  const char *only[] = {"teclistamab", NULL};
  mm_screen_options o = {.kb = kb, .threads = 2, .progress_fd = -1, .only = only};
  mm_screen_totals t;
  char *out = screen(in.data, in.len, &o, &t, NULL);
  assert_int_equal(t.screened, 1);
  assert_int_equal(t.malformed, 1);
  assert_non_null(strstr(out, "{\"id\":\"R-00001\",\"setting\":\"first_relapse\","
                              "\"eligible\":[],\"unknown\":{},\"not_eligible\":{\"teclistamab\":["));
  assert_non_null(strstr(out, "{\"line\":2,\"id\":\"bad\",\"error\":[{\"path\":\"as_of\""));
  assert_non_null(strstr(out, "\"by_option\":{\"teclistamab\":{\"eligible\":0,\"not_eligible\":1,"
                              "\"unknown\":0}}"));
  free(out);
  /* all options: one status per option of the knowledge base in the summary */
  o.only = NULL;
  out = screen(in.data, in.len, &o, &t, NULL);
  char *sum = strstr(out, "\"by_option\":{");
  assert_non_null(sum);
  for (size_t i = 0; i < kb->n_options; i++) {
    char key[160];
    snprintf(key, sizeof key, "\"%s\":{\"eligible\":", kb->options[i].id);
    assert_non_null(strstr(sum, key));
  }
  free(out);
  mm_strbuf_free(&in);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_registry_two_threads),
      cmocka_unit_test(test_registry_one_thread),
      cmocka_unit_test(test_registry_small_batches),
      cmocka_unit_test(test_summary_counts),
      cmocka_unit_test(test_only_and_csv),
      cmocka_unit_test(test_criteria_errors),
      cmocka_unit_test(test_criteria_codes),
      cmocka_unit_test(test_criteria_chain),
      cmocka_unit_test(test_criteria_read_scores),
      cmocka_unit_test(test_criteria_read_labs_and_composites),
      cmocka_unit_test(test_kb_options),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
