/* test_screen_pipeline.c: the streaming machinery of `mmpath screen`
 * (src/screen/pipeline.c) with a stub record function that parses each line
 * as JSON and echoes its id: output in input order with 1 and 2 threads and
 * tiny blocks (many batches in flight), bad records in the middle of a large
 * input reported with their line numbers while the run goes on, empty lines
 * skipped but counted as lines, an overlong line, a last line without a
 * newline, and counters added up in order; with a record_first hook (which
 * finds its lines' ends itself) the same output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json/json.h"
#include "screen/pipeline.h"
#include "util/arena.h"
#include "util/strbuf.h"

enum { C_SCREENED, C_MALFORMED, C_TOO_LONG, C_N };

static int stub_new(void **out, void *payload) {
  (void)payload;
  mm_arena *a = malloc(sizeof *a);
  if (!a) return -1;
  mm_arena_init(a, 1 << 16);
  *out = a;
  return 0;
}

static void stub_free(void *w) {
  mm_arena_free(w);
  free(w);
}

static void stub_record(void *w, char *text, size_t len, bool too_long,
                        mm_screen_sink *s) {
  mm_arena *a = w;
  mm_arena_reset(a);
  assert_int_equal(text[len], '\0');
  if (too_long) {
    mm_strbuf_puts(&s->out, "{\"line\":");
    mm_screen_sink_line_number(s);
    mm_strbuf_puts(&s->out, ",\"error\":\"too long\"}\n");
    s->counters[C_TOO_LONG]++;
    return;
  }
  mm_json_error err;
  mm_json *root = mm_json_parse(a, text, len, &err);
  const mm_json *id = root ? mm_json_get(root, "id") : NULL;
  if (!id || id->type != MM_JSON_STRING) {
    mm_strbuf_puts(&s->out, "{\"line\":");
    mm_screen_sink_line_number(s);
    mm_strbuf_puts(&s->out, ",\"error\":\"bad\"}\n");
    s->counters[C_MALFORMED]++;
    return;
  }
  mm_strbuf_puts(&s->out, "{\"id\":");
  mm_strbuf_json_string(&s->out, id->str);
  mm_strbuf_puts(&s->out, "}\n");
  s->counters[C_SCREENED]++;
}

static const mm_screen_hooks hooks = {NULL, stub_new, stub_free, stub_record, NULL};

/* A record_first that takes the lines starting {"id":"F (and finds their
 * end itself, as screen.c's does with the scanner), writing what
 * stub_record writes; any other line is left to stub_record. */
static long first_taken;
static size_t stub_first(void *w, char *text, size_t cap, bool end_ok, mm_screen_sink *s) {
  (void)w;
  static const char head[] = "{\"id\":\"F";
  if (cap < sizeof head - 1 || memcmp(text, head, sizeof head - 1) != 0) return 0;
  const char *nl = memchr(text, '\n', cap);
  if (!nl && !end_ok) return 0; /* longer than max_line, or not whole */
  size_t len = nl ? (size_t)(nl - text) : cap;
  const char *q = memchr(text + 7, '"', len - 7);
  if (!q) return 0;
  mm_strbuf_puts(&s->out, "{\"id\":\"");
  mm_strbuf_add(&s->out, text + 7, (size_t)(q - (text + 7)));
  mm_strbuf_puts(&s->out, "\"}\n");
  s->counters[C_SCREENED]++;
  __atomic_fetch_add(&first_taken, 1, __ATOMIC_RELAXED);
  return len;
}
static const mm_screen_hooks first_hooks = {NULL, stub_new, stub_free, stub_record, stub_first};
static const mm_screen_hooks *use_hooks = &hooks;

/* Runs the pipeline from a string to a string. */
static char *run(const char *input, size_t len, int threads, size_t block, size_t max_line,
                 mm_screen_result *res) {
  FILE *in = tmpfile(), *out = tmpfile();
  assert_non_null(in);
  assert_non_null(out);
  assert_int_equal(fwrite(input, 1, len, in), len);
  fflush(in);
  rewind(in);
  mm_screen_config cfg = {.threads = threads, .block_size = block, .max_line = max_line,
                          .n_counters = C_N, .progress_fd = -1};
  assert_int_equal(mm_screen_pipeline_run(res, fileno(in), fileno(out), &cfg, use_hooks), 0);
  long n = lseek(fileno(out), 0, SEEK_END);
  char *text = malloc((size_t)n + 1);
  assert_non_null(text);
  assert_int_equal(pread(fileno(out), text, (size_t)n, 0), n);
  text[n] = '\0';
  fclose(in);
  fclose(out);
  return text;
}

/* 20,000 lines: good records, some empty lines, and bad ones in the middle. */
static void build_large(mm_strbuf *in, mm_strbuf *want, size_t *n_bad, size_t *n_good) {
  *n_bad = *n_good = 0;
  for (int line = 1; line <= 20000; line++) {
    if (line % 5000 == 17) {
      mm_strbuf_puts(in, "\n");               /* empty: not a record */
    } else if (line == 10001 || line == 10002 || line == 15555 || line % 3001 == 0) {
      mm_strbuf_printf(in, "{\"id\":\"P-%05d\",\"lines\":[\n", line); /* truncated */
      mm_strbuf_printf(want, "{\"line\":%d,\"error\":\"bad\"}\n", line);
      (*n_bad)++;
    } else {
      mm_strbuf_printf(in, "{\"id\":\"P-%05d\",\"lines\":[{\"drugs\":[\"lenalidomide\"],"
                           "\"start\":\"2021-01-01\"}],\"pad\":\"%0*d\"}\n",
                       line, line % 97, 0);
      mm_strbuf_printf(want, "{\"id\":\"P-%05d\"}\n", line);
      (*n_good)++;
    }
  }
}

static void check_large(int threads, size_t block) {
  mm_strbuf in, want;
  mm_strbuf_init(&in, 0);
  mm_strbuf_init(&want, 0);
  size_t n_bad, n_good;
  build_large(&in, &want, &n_bad, &n_good);
  mm_screen_result res;
  char *got = run(in.data, in.len, threads, block, block / 2, &res);
  assert_string_equal(got, want.data);
  assert_int_equal(res.lines, 20000);
  assert_int_equal(res.records, n_bad + n_good);
  assert_int_equal(res.counters[C_MALFORMED], n_bad);
  assert_int_equal(res.counters[C_SCREENED], n_good);
  assert_int_equal(res.bytes, in.len);
  free(res.counters);
  free(got);
  mm_strbuf_free(&in);
  mm_strbuf_free(&want);
}

/* With record_first, the same output and counts, line for line: records it
 * takes between empty lines, bad records, an overlong one it must leave
 * (longer than max_line), and a last line without a newline. */
static void test_record_first_same_output(void **state) {
  (void)state;
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  for (int i = 0; i < 3000; i++) {
    if (i % 7 == 3) mm_strbuf_puts(&in, "\n");
    if (i % 11 == 5) mm_strbuf_puts(&in, "{\"id\":\"Fbad\n"); /* left: bad */
    if (i % 13 == 0) mm_strbuf_puts(&in, "{\"id\":\"x\",\"lines\":[\n");
    if (i == 1500) {
      mm_strbuf_puts(&in, "{\"id\":\"Flong\",\"pad\":\"");
      for (int k = 0; k < 700; k++) mm_strbuf_putc(&in, 'y'); /* > max_line 512 */
      mm_strbuf_puts(&in, "\"}\n");
    }
    mm_strbuf_printf(&in, "{\"id\":\"%c%04d\"}\n", i % 3 ? 'F' : 'G', i);
  }
  mm_strbuf_puts(&in, "{\"id\":\"Flast\"}"); /* no newline */
  for (int threads = 1; threads <= 2; threads++) {
    mm_screen_result a, b;
    use_hooks = &hooks;
    char *want = run(in.data, in.len, threads, 4096, 512, &a);
    use_hooks = &first_hooks;
    first_taken = 0;
    char *got = run(in.data, in.len, threads, 4096, 512, &b);
    use_hooks = &hooks;
    assert_string_equal(got, want);
    assert_true(first_taken > 1000);
    assert_int_equal(a.lines, b.lines);
    assert_int_equal(a.records, b.records);
    for (int c = 0; c < C_N; c++) assert_int_equal(a.counters[c], b.counters[c]);
    assert_int_equal(b.counters[C_TOO_LONG], 1);
    free(a.counters);
    free(b.counters);
    free(want);
    free(got);
  }
  mm_strbuf_free(&in);
}

static void test_order_two_threads_small_blocks(void **state) {
  (void)state;
  check_large(2, 4096); /* ~ 700 batches through 6 slots */
}

static void test_order_one_thread(void **state) {
  (void)state;
  check_large(1, 4096);
}

static void test_order_default_block(void **state) {
  (void)state;
  check_large(2, 0);
}

static void test_order_many_threads(void **state) {
  (void)state;
  check_large(7, 1024);
}

/* A line longer than a block is reported once, at its own line number, and
 * the records after it are screened; a line between max_line and the block
 * size too. */
static void test_overlong_lines(void **state) {
  (void)state;
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  mm_strbuf_puts(&in, "{\"id\":\"A\"}\n");
  mm_strbuf_puts(&in, "{\"id\":\"B\",\"x\":\"");
  for (int i = 0; i < 5000; i++) mm_strbuf_putc(&in, 'x'); /* > 1024-byte block */
  mm_strbuf_puts(&in, "\"}\n{\"id\":\"C\"}\n{\"id\":\"D\",\"x\":\"");
  for (int i = 0; i < 700; i++) mm_strbuf_putc(&in, 'y');   /* > max_line 512 < block */
  mm_strbuf_puts(&in, "\"}\n\n{\"id\":\"E\"}");                  /* no final newline */
  mm_screen_result res;
  char *got = run(in.data, in.len, 2, 1024, 512, &res);
  assert_string_equal(got, "{\"id\":\"A\"}\n"
                           "{\"line\":2,\"error\":\"too long\"}\n"
                           "{\"id\":\"C\"}\n"
                           "{\"line\":4,\"error\":\"too long\"}\n"
                           "{\"id\":\"E\"}\n");
  assert_int_equal(res.lines, 6);
  assert_int_equal(res.records, 5);
  assert_int_equal(res.counters[C_TOO_LONG], 2);
  assert_int_equal(res.counters[C_SCREENED], 3);
  free(res.counters);
  free(got);
  mm_strbuf_free(&in);
}

/* An overlong line at the very end of the input, without a newline. */
static void test_overlong_at_end(void **state) {
  (void)state;
  mm_strbuf in;
  mm_strbuf_init(&in, 0);
  mm_strbuf_puts(&in, "{\"id\":\"A\"}\n{\"id\":\"B\",\"x\":\"");
  for (int i = 0; i < 3000; i++) mm_strbuf_putc(&in, 'x');
  mm_screen_result res;
  char *got = run(in.data, in.len, 1, 1024, 512, &res);
  assert_string_equal(got, "{\"id\":\"A\"}\n{\"line\":2,\"error\":\"too long\"}\n");
  assert_int_equal(res.records, 2);
  free(res.counters);
  free(got);
  mm_strbuf_free(&in);
}

static void test_empty_input(void **state) {
  (void)state;
  mm_screen_result res;
  char *got = run("", 0, 2, 0, 0, &res);
  assert_string_equal(got, "");
  assert_int_equal(res.records, 0);
  free(res.counters);
  free(got);
  got = run("\n\n\n", 3, 2, 0, 0, &res);
  assert_string_equal(got, "");
  assert_int_equal(res.records, 0);
  assert_int_equal(res.lines, 3);
  free(res.counters);
  free(got);
}

/* A line of spaces is a record (and malformed), unlike an empty line. */
static void test_blank_line_is_a_record(void **state) {
  (void)state;
  mm_screen_result res;
  const char *in = "{\"id\":\"A\"}\n   \n\n{\"id\":\"B\"}\n";
  char *got = run(in, strlen(in), 2, 0, 0, &res);
  assert_string_equal(got, "{\"id\":\"A\"}\n{\"line\":2,\"error\":\"bad\"}\n{\"id\":\"B\"}\n");
  assert_int_equal(res.records, 3);
  assert_int_equal(res.lines, 4);
  free(res.counters);
  free(got);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_order_two_threads_small_blocks),
      cmocka_unit_test(test_order_one_thread),
      cmocka_unit_test(test_order_default_block),
      cmocka_unit_test(test_order_many_threads),
      cmocka_unit_test(test_overlong_lines),
      cmocka_unit_test(test_overlong_at_end),
      cmocka_unit_test(test_record_first_same_output),
      cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_blank_line_is_a_record),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
