/* evaluate_bench.c: how long one patient's evaluation takes once the
 * knowledge base is loaded (issue: "well under a millisecond").
 *
 *   build/evaluate_bench [N] [RECORD.json ...]
 *
 * Default records: the demo patients. For each record it times N rounds of
 * the full path (parse + validate + facts + every option, trial and
 * supportive-care item + JSON rendering), of the public tree without
 * rendering (mmpath_evaluation_new), and of the evaluation without
 * rendering or traces, and prints the median and 99th percentile per
 * evaluation in microseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evaluate/evaluate.h"
#include "mmpath.h"
#include "patient/patient.h"

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

static void report(const char *what, double *t, int n) {
  qsort(t, (size_t)n, sizeof *t, cmp);
  printf("  %-34s median %7.1f us   p99 %7.1f us\n", what, t[n / 2], t[(n * 99) / 100]);
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 2000;
  if (rounds < 10) rounds = 10;
  const char *defaults[] = {MMPATH_SOURCE_DIR "/demo/patients/01-second-relapse.json",
                            MMPATH_SOURCE_DIR "/demo/patients/02-newly-diagnosed.json",
                            MMPATH_SOURCE_DIR "/demo/patients/04-penta-refractory.json",
                            MMPATH_SOURCE_DIR "/demo/patients/05-incomplete-record.json"};
  const char **files = argc > 2 ? (const char **)argv + 2 : defaults;
  int nfiles = argc > 2 ? argc - 2 : 4;
  double t0 = now_us();
  mmpath_kb *kb;
  char *errors = NULL;
  if (mmpath_kb_open(&kb, MMPATH_SOURCE_DIR "/kb", &errors) != MMPATH_OK) {
    fprintf(stderr, "%s", errors ? errors : "kb error\n");
    return 1;
  }
  printf("knowledge base %s loaded in %.1f ms (%zu options and trials, %zu facts)\n",
         mmpath_kb_version(kb), (now_us() - t0) / 1000, kb->n_options, kb->n_facts);
  double *t = malloc(sizeof *t * (size_t)rounds);
  for (int fi = 0; fi < nfiles; fi++) {
    size_t len;
    char *rec = slurp(files[fi], &len);
    if (!rec) {
      fprintf(stderr, "cannot read %s\n", files[fi]);
      return 1;
    }
    printf("%s\n", strrchr(files[fi], '/') ? strrchr(files[fi], '/') + 1 : files[fi]);
    mmpath_options opts = MMPATH_OPTIONS_INIT;
    for (int i = 0; i < rounds; i++) {
      double a = now_us();
      char *out = NULL;
      mmpath_evaluate(&out, kb, rec, len, &opts);
      t[i] = now_us() - a;
      free(out);
    }
    report("evaluate + JSON (explained)", t, rounds);
    for (int i = 0; i < rounds; i++) {
      double a = now_us();
      mmpath_evaluation *ev = NULL;
      mmpath_evaluation_new(&ev, NULL, kb, rec, len, &opts);
      t[i] = now_us() - a;
      mmpath_evaluation_free(ev);
    }
    report("public tree (explained), no render", t, rounds);
    mm_arena arena;
    mm_arena_init(&arena, 1 << 16);
    for (int i = 0; i < rounds; i++) {
      double a = now_us();
      mm_diags d;
      mm_diags_init(&d, &arena);
      mm_patient *p;
      mm_facts *f;
      mm_evaluation *ev;
      mm_eval_options eo = MM_EVAL_OPTIONS_INIT;
      eo.explain = false;
      if (mm_patient_read(&p, &arena, kb, rec, len, NULL, &d) != 0 ||
          mm_facts_derive(&f, &arena, kb, p, false, NULL) != 0 ||
          mm_evaluate(&ev, &arena, kb, f, &eo) != 0)
        return 1;
      t[i] = now_us() - a;
      mm_arena_reset(&arena);
    }
    report("evaluate, no rendering or traces", t, rounds);
    mm_arena_free(&arena);
    free(rec);
  }
  free(t);
  mmpath_kb_free(kb);
  return 0;
}
