/* eval_latency.c: one evaluation in process, once the kb is loaded (issue
 * #17 item 1: the full explained answer < 100 us, the compact one < 10 us).
 * Built by bench/eval_latency.sh against the public header and the static
 * library of a build, so that an older build (without the context API:
 * compiled without -DWITH_CONTEXT) is measured the same way.
 *
 *   eval_latency KB_DIR ROUNDS RECORD.json...
 *
 * For each record, ROUNDS evaluations of each kind, after as many unmeasured
 * to warm up; prints one line per kind: "MODE RECORD median_us p99_us
 * min_us bytes".
 *   evaluate  mmpath_evaluate, JSON (a new arena and output every call)
 *   context   mmpath_context_evaluate, JSON (memory kept between calls)
 *   compact   mmpath_context_evaluate, MMPATH_FORMAT_COMPACT
 * It also checks that the context gives the bytes of mmpath_evaluate, in
 * both formats (exit 1 otherwise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mmpath.h"

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  if (buf) buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static void report(const char *mode, const char *name, double *t, int n, size_t bytes) {
  qsort(t, (size_t)n, sizeof *t, cmp);
  printf("%-8s %-32s %9.2f %9.2f %9.2f %8zu\n", mode, name, t[n / 2], t[(n * 99) / 100], t[0],
         bytes);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: eval_latency KB_DIR ROUNDS RECORD.json...\n");
    return 2;
  }
  int rounds = atoi(argv[2]);
  if (rounds < 10) rounds = 10;
  mmpath_kb *kb;
  char *errors = NULL;
  if (mmpath_kb_open(&kb, argv[1], &errors) != MMPATH_OK) {
    fprintf(stderr, "%s", errors ? errors : "kb error\n");
    return 1;
  }
  double *t = malloc(sizeof *t * (size_t)rounds);
  int status = 0;
  for (int fi = 3; fi < argc; fi++) {
    size_t len;
    char *rec = slurp(argv[fi], &len);
    if (!rec) {
      fprintf(stderr, "cannot read %s\n", argv[fi]);
      return 1;
    }
    const char *name = strrchr(argv[fi], '/') ? strrchr(argv[fi], '/') + 1 : argv[fi];
    mmpath_options opts = MMPATH_OPTIONS_INIT;
    char *ref = NULL;
    size_t ref_len = 0;
    for (int i = -rounds; i < rounds; i++) {
      double a = now_us();
      char *out = NULL;
      mmpath_evaluate(&out, kb, rec, len, &opts);
      if (i >= 0) t[i] = now_us() - a;
      if (!ref) ref = out, ref_len = out ? strlen(out) : 0;
      else free(out);
    }
    report("evaluate", name, t, rounds, ref_len);
#ifdef WITH_CONTEXT
    mmpath_context *ctx;
    if (mmpath_context_new(&ctx, kb) != MMPATH_OK) return 1;
    const char *out = NULL;
    size_t out_len = 0;
    for (int i = -rounds; i < rounds; i++) {
      double a = now_us();
      mmpath_context_evaluate(ctx, &out, &out_len, rec, len, &opts);
      if (i >= 0) t[i] = now_us() - a;
    }
    if (!out || out_len != ref_len || memcmp(out, ref, ref_len) != 0) {
      fprintf(stderr, "%s: the context's answer differs from mmpath_evaluate's\n", name);
      status = 1;
    }
    report("context", name, t, rounds, out_len);
    opts.format = MMPATH_FORMAT_COMPACT;
    for (int i = -rounds; i < rounds; i++) {
      double a = now_us();
      mmpath_context_evaluate(ctx, &out, &out_len, rec, len, &opts);
      if (i >= 0) t[i] = now_us() - a;
    }
    char *cref = NULL;
    mmpath_evaluate(&cref, kb, rec, len, &opts);
    if (!out || !cref || out_len != strlen(cref) || memcmp(out, cref, out_len) != 0) {
      fprintf(stderr, "%s: the context's compact answer differs from mmpath_evaluate's\n", name);
      status = 1;
    }
    free(cref);
    report("compact", name, t, rounds, out_len);
    mmpath_context_free(ctx);
#endif
    free(ref);
    free(rec);
  }
  free(t);
  mmpath_kb_free(kb);
  return status;
}
