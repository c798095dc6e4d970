/* helpers.c: see helpers.h. */
#include "helpers.h"

#include "evaluate/render_common.h"
#include "kb/kb.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *test_data_path(const char *name) {
  static char buf[4096];
  const char *dir = getenv("MMPATH_TESTDATA");
  snprintf(buf, sizeof buf, "%s/%s", dir ? dir : MMPATH_SOURCE_DIR "/tests/data", name);
  return buf;
}

const char *test_kb_dir(void) {
  const char *dir = getenv("MMPATH_KB");
  return dir ? dir : MMPATH_SOURCE_DIR "/kb";
}

int test_kb_load(struct mm_kb **out) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  int rc = mm_kb_load(out, test_kb_dir(), &d);
  for (const mm_diag *x = d.head; x; x = x->next)
    fprintf(stderr, "%s:%d: %s\n", x->source ? x->source : "", x->line, x->text);
  mm_arena_free(&a);
  return rc;
}

/* The whole of file `path` (NUL-ended, malloc'd) or NULL; *len its size. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t cap = 0;
  *len = 0;
  for (;;) {
    if (*len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 65536;
      char *nb = realloc(buf, cap);
      if (!nb) break;
      buf = nb;
    }
    size_t n = fread(buf + *len, 1, cap - *len - 1, f);
    if (n == 0) break;
    *len += n;
  }
  fclose(f);
  if (buf) buf[*len] = 0;
  return buf;
}

static void copy_tree(const char *from, const char *to) {
  if (mkdir(to, 0700) != 0) fail_msg("cannot create %s", to);
  DIR *d = opendir(from);
  if (!d) fail_msg("cannot read %s", from);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s/%s", from, e->d_name);
    snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
    struct stat st;
    if (stat(src, &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      copy_tree(src, dst);
      continue;
    }
    size_t len;
    char *text = slurp(src, &len);
    FILE *f = fopen(dst, "wb");
    if (!text || !f || fwrite(text, 1, len, f) != len) fail_msg("cannot copy %s", src);
    fclose(f);
    free(text);
  }
  closedir(d);
}

void test_kb_copy(char dir[64], const char *file, const char *from, const char *to) {
  char tmp[32] = "/tmp/mmpath-kbcopy-XXXXXX";
  if (!mkdtemp(tmp)) fail_msg("mkdtemp failed");
  snprintf(dir, 64, "%s/kb", tmp);
  copy_tree(test_kb_dir(), dir);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  size_t len = 0;
  char *text = from ? slurp(path, &len) : NULL;
  char *hit = text ? strstr(text, from) : NULL;
  if (from && !hit) fail_msg("%s: no '%s' to replace", file, from);
  FILE *f = fopen(path, "wb");
  if (!f) fail_msg("cannot write %s", path);
  if (hit) {
    fwrite(text, 1, (size_t)(hit - text), f);
    fputs(to, f);
    fputs(hit + strlen(from), f);
  } else {
    fputs(to, f);
  }
  fclose(f);
  free(text);
}

static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char sub[4096];
      snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
      remove_tree(sub);
    }
    closedir(d);
  }
  remove(path);
}

void test_kb_remove(const char *dir) {
  /* dir is TMP/kb: remove TMP */
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%s", dir);
  char *slash = strrchr(tmp, '/');
  if (slash && strcmp(slash, "/kb") == 0) *slash = 0;
  remove_tree(tmp);
}

const mm_criterion_result *test_crit(const mm_option_result *o, const char *cid) {
  for (size_t i = 0; i < o->n_criteria; i++)
    if (strcmp(o->criteria[i].crit->id, cid) == 0) return &o->criteria[i];
  fail_msg("option %s has no criterion %s", o->opt->id, cid);
  return NULL;
}

void test_expect_status(const mm_option_result *o, int want) {
  if (o->status == (mm_tv)want) return;
  fprintf(stderr, "  %s: status %s, expected %s; criteria:", o->opt->id, mm_status_word(o->status),
          mm_status_word((mm_tv)want));
  for (size_t i = 0; i < o->n_criteria; i++)
    fprintf(stderr, " %s=%s", o->criteria[i].crit->id, mm_status_word(o->criteria[i].result));
  fprintf(stderr, "\n");
  fail_msg("%s: wrong status", o->opt->id);
}

void test_expect_fails(const mm_option_result *o, const char *failing) {
  test_expect_status(o, MM_FALSE);
  char got[512] = "";
  size_t len = 0;
  for (size_t i = 0; i < o->n_criteria && len < sizeof got; i++)
    if (o->criteria[i].result == MM_FALSE)
      len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", len ? " " : "", o->criteria[i].crit->id);
  if (strcmp(got, failing) != 0) fail_msg("%s fails on '%s', expected '%s'", o->opt->id, got, failing);
}

void test_run_evaluate(test_run *r, const mm_kb *kb, const char *json, mm_jurisdiction j) {
  mm_arena_init(&r->arena, 0);
  mm_diags_init(&r->diags, &r->arena);
  r->f = NULL;
  r->ev = NULL;
  r->rc = mm_patient_read(&r->p, &r->arena, kb, json, strlen(json), "test", &r->diags);
  if (r->rc == 0) r->rc = mm_facts_derive(&r->f, &r->arena, kb, r->p, true, &r->diags);
  mm_eval_options o = MM_EVAL_OPTIONS_INIT;
  o.jurisdiction = j;
  if (r->rc == 0) r->rc = mm_evaluate(&r->ev, &r->arena, kb, r->f, &o);
  if (r->rc != 0)
    for (const mm_diag *x = r->diags.head; x; x = x->next)
      fprintf(stderr, "  %s: %s\n", x->path ? x->path : "", x->text);
  assert_int_equal(r->rc, 0);
}

void test_run_done(test_run *r) { mm_arena_free(&r->arena); }
