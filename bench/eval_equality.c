/* eval_equality.c: every answer of the library API for a set of records,
 * for bench/eval_equality.sh to compare between two builds (issue #17 item
 * 1: the context's reuse and the compact answer's fast reading must not
 * change a byte). For each record (a .json file, or each line of a .jsonl
 * file), each jurisdiction (EU, US, IT) and each of the JSON and compact
 * formats: the status and answer of mmpath_context_evaluate (one context
 * for all, records interleaved) and of mmpath_evaluate.
 *
 *   eval_equality KB_DIR FILE... > answers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mmpath.h"
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb"); if (!f) return NULL; fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1); n = (long)fread(buf, 1, (size_t)n, f); fclose(f); buf[n] = 0; *len = (size_t)n; return buf;
}
int main(int argc, char **argv) {
  mmpath_kb *kb; char *errors = NULL;
  if (argc < 3 || mmpath_kb_open(&kb, argv[1], &errors) != MMPATH_OK) {
    fprintf(stderr, "usage: eval_equality KB_DIR FILE...\n%s", errors ? errors : "");
    return 2;
  }
  mmpath_context *ctx; mmpath_context_new(&ctx, kb);
  for (int i = 2; i < argc; i++) {
    size_t flen; char *all = slurp(argv[i], &flen); if (!all) continue;
    int lines = strstr(argv[i], ".jsonl") != NULL;
    for (char *rec = all, *nl; rec && *rec; rec = lines ? (nl ? nl + 1 : NULL) : NULL) {
    nl = lines ? strchr(rec, '\n') : NULL;
    size_t len = nl ? (size_t)(nl - rec) : strlen(rec);
    for (int j = 0; j < 3; j++) for (int fmt = 0; fmt < 2; fmt++) {
      mmpath_options o = MMPATH_OPTIONS_INIT;
      o.jurisdiction = j == 0 ? MMPATH_JURISDICTION_EU : j == 1 ? MMPATH_JURISDICTION_US : MMPATH_JURISDICTION_IT;
      o.format = fmt ? MMPATH_FORMAT_COMPACT : MMPATH_FORMAT_JSON;
      const char *out; size_t ol;
      int rc = mmpath_context_evaluate(ctx, &out, &ol, rec, len, &o);
      printf("== %s j%d f%d rc=%d\n", argv[i], j, fmt, rc); if (out) fwrite(out, 1, ol, stdout);
      char *o2 = NULL; int rc2 = mmpath_evaluate(&o2, kb, rec, len, &o);
      printf("-- evaluate rc=%d\n", rc2); if (o2) fputs(o2, stdout); free(o2);
    }
    }
    free(all);
  }
  mmpath_context_free(ctx); mmpath_kb_free(kb);
  return 0;
}
