/* pipeline_bench.c: how fast the streaming machinery of `mmpath screen`
 * (src/screen/pipeline.c) moves records when the record function does
 * (almost) nothing, i.e. the ceiling the engine's per-record work is
 * measured against. Modes:
 *   count   each record writes its length as a result line
 *   json    each record is parsed with json/json.h into a per-worker arena
 *
 * Build and run (from the repository root):
 *   cd src && gcc -std=c17 -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. \
 *       ../bench/pipeline_bench.c screen/pipeline.c json/json_parse.c util/arena.c \
 *       util/strbuf.c -lpthread -o /tmp/pipeline_bench
 *   /tmp/pipeline_bench count|json THREADS FILE > /dev/null
 * Prints records, seconds and records/s on stderr. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json/json.h"
#include "screen/pipeline.h"
#include "util/arena.h"

static int json_mode;

static int w_new(void **out, void *payload) {
  (void)payload;
  mm_arena *a = malloc(sizeof *a);
  if (!a) return -1;
  mm_arena_init(a, 1 << 20);
  *out = a;
  return 0;
}

static void w_free(void *w) {
  mm_arena_free(w);
  free(w);
}

static void rec(void *w, char *text, size_t len, bool too_long, mm_screen_sink *s) {
  (void)too_long;
  if (json_mode) {
    mm_arena_reset(w);
    mm_json_error err;
    if (!mm_json_parse(w, text, len, &err)) s->counters[1]++;
  }
  char num[24];
  int n = snprintf(num, sizeof num, "%zu\n", len);
  mm_strbuf_add(&s->out, num, (size_t)n);
  s->counters[0]++;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: pipeline_bench count|json THREADS FILE\n");
    return 2;
  }
  json_mode = strcmp(argv[1], "json") == 0;
  int fd = open(argv[3], O_RDONLY);
  if (fd < 0) {
    perror(argv[3]);
    return 1;
  }
  mm_screen_config cfg = {.threads = atoi(argv[2]), .n_counters = 2, .progress_fd = -1};
  mm_screen_hooks hooks = {NULL, w_new, w_free, rec, NULL};
  mm_screen_result r;
  if (mm_screen_pipeline_run(&r, fd, 1, &cfg, &hooks) != 0) return 1;
  fprintf(stderr, "%s threads=%s records=%llu invalid=%llu seconds=%.3f records/s=%.0f MB/s=%.0f\n",
          argv[1], argv[2], (unsigned long long)r.records, (unsigned long long)r.counters[1],
          r.seconds, (double)r.records / r.seconds, (double)r.bytes / 1e6 / r.seconds);
  free(r.counters);
  close(fd);
  return 0;
}
