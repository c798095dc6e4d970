/* cmd_demo.c: `mmpath demo [--lang it|en] [--format text|json|html]
 * [--jurisdiction eu|us|it]`:
 * evaluates the bundled demo patients (the JSON files of demo/patients, in name order),
 * a first look at what mmpath answers. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "mmpath.h"

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *demo_dir(const char *flag) {
  if (flag) return flag;
  struct stat st;
  if (stat(MMPATH_SOURCE_DIR "/demo/patients", &st) == 0) return MMPATH_SOURCE_DIR "/demo/patients";
  return MMPATH_DEMO_INSTALLED;
}

int mm_cmd_demo(int argc, char **argv) {
  const char *kbdir = NULL, *dir = NULL;
  mmpath_options opts = MMPATH_OPTIONS_INIT;
  opts.format = MMPATH_FORMAT_TEXT;
  opts.lang = MMPATH_LANG_IT;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--lang") == 0 && v && (strcmp(v, "it") == 0 || strcmp(v, "en") == 0))
      opts.lang = strcmp(argv[++i], "it") == 0 ? MMPATH_LANG_IT : MMPATH_LANG_EN;
    else if (strcmp(argv[i], "--kb") == 0 && v) kbdir = argv[++i];
    else if (strcmp(argv[i], "--patients") == 0 && v) dir = argv[++i];
    else if (strcmp(argv[i], "--jurisdiction") == 0 && v && (strcmp(v, "eu") == 0 ||
             strcmp(v, "us") == 0 || strcmp(v, "it") == 0)) {
      i++;
      opts.jurisdiction = v[0] == 'u' ? MMPATH_JURISDICTION_US
                          : v[0] == 'i' ? MMPATH_JURISDICTION_IT : MMPATH_JURISDICTION_EU;
    }
    else if (strcmp(argv[i], "--format") == 0 && v) {
      i++;
      opts.format = strcmp(v, "json") == 0 ? MMPATH_FORMAT_JSON
                    : strcmp(v, "html") == 0 ? MMPATH_FORMAT_HTML : MMPATH_FORMAT_TEXT;
    } else {
      fprintf(stderr, "usage: mmpath demo [--lang it|en] [--format text|json|html] "
                      "[--jurisdiction eu|us|it] [--patients DIR] [--kb DIR]\n");
      return strcmp(argv[i], "--help") == 0 ? MM_EXIT_OK : MM_EXIT_USAGE;
    }
  }
  dir = demo_dir(dir);
  mmpath_kb *kb;
  char *errors = NULL;
  if (mmpath_kb_open(&kb, mm_cli_kb_dir(kbdir), &errors) != MMPATH_OK) {
    fprintf(stderr, "mmpath demo: knowledge base cannot be loaded:\n%s", errors ? errors : "");
    free(errors);
    return MM_EXIT_SETUP;
  }
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "mmpath demo: no demo patients in %s\n", dir);
    mmpath_kb_free(kb);
    return MM_EXIT_SETUP;
  }
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  int rc = MM_EXIT_OK;
  for (size_t i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    size_t len;
    char *text = mm_cli_read_file(path, &len);
    if (text) {
      char *out = NULL;
      if (opts.format == MMPATH_FORMAT_TEXT)
        printf("==== %s ====================================================\n", names[i]);
      if (mmpath_evaluate(&out, kb, text, len, &opts) != MMPATH_OK) rc = MM_EXIT_INVALID;
      if (out) fputs(out, stdout);
      putchar('\n');
      free(out);
      free(text);
    }
    free(names[i]);
  }
  mmpath_kb_free(kb);
  return rc;
}
