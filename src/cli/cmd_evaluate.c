/* cmd_evaluate.c: `mmpath evaluate` and `mmpath facts` on one patient
 * record (a file or standard input), through the public API. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "mmpath.h"

static int usage(const char *cmd, int rc) {
  fprintf(rc ? stderr : stdout,
          "usage: mmpath %s FILE|- [--format text|json%s] [--lang it|en]%s [--kb DIR]\n"
          "exit: 0 done; 1 the record is invalid (errors with field paths on stdout);\n"
          "      2 usage; 3 knowledge base cannot be loaded; 4 internal error\n",
          cmd, strcmp(cmd, "evaluate") == 0 ? "|html" : "",
          strcmp(cmd, "evaluate") == 0 ? " [--jurisdiction eu|us|it]" : "");
  return rc;
}

static int run(int argc, char **argv, bool evaluate) {
  const char *cmd = argv[0], *file = NULL, *kbdir = NULL;
  mmpath_options opts = MMPATH_OPTIONS_INIT;
  opts.format = MMPATH_FORMAT_TEXT;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return usage(cmd, MM_EXIT_OK);
    if (strcmp(a, "--json") == 0) {
      opts.format = MMPATH_FORMAT_JSON;
    } else if (strcmp(a, "--format") == 0 && v) {
      i++;
      if (strcmp(v, "json") == 0) opts.format = MMPATH_FORMAT_JSON;
      else if (strcmp(v, "text") == 0) opts.format = MMPATH_FORMAT_TEXT;
      else if (strcmp(v, "html") == 0 && evaluate) opts.format = MMPATH_FORMAT_HTML;
      else return usage(cmd, MM_EXIT_USAGE);
    } else if (strcmp(a, "--lang") == 0 && v) {
      i++;
      if (strcmp(v, "it") == 0) opts.lang = MMPATH_LANG_IT;
      else if (strcmp(v, "en") == 0) opts.lang = MMPATH_LANG_EN;
      else return usage(cmd, MM_EXIT_USAGE);
    } else if (strcmp(a, "--jurisdiction") == 0 && v && evaluate) {
      i++;
      if (strcmp(v, "eu") == 0) opts.jurisdiction = MMPATH_JURISDICTION_EU;
      else if (strcmp(v, "us") == 0) opts.jurisdiction = MMPATH_JURISDICTION_US;
      else if (strcmp(v, "it") == 0) opts.jurisdiction = MMPATH_JURISDICTION_IT;
      else return usage(cmd, MM_EXIT_USAGE);
    } else if (strcmp(a, "--kb") == 0 && v) {
      kbdir = argv[++i];
    } else if (!file && (a[0] != '-' || strcmp(a, "-") == 0)) {
      file = a;
    } else {
      fprintf(stderr, "mmpath %s: unexpected argument '%s'\n", cmd, a);
      return usage(cmd, MM_EXIT_USAGE);
    }
  }
  if (!file) return usage(cmd, MM_EXIT_USAGE);
  size_t len;
  /* A record over the library's limit is refused by it, naming the limit:
   * its first bytes past the limit are enough to know. */
  char *text = mm_cli_read_file_max(file, MMPATH_RECORD_MAX_BYTES, &len);
  if (!text) {
    fprintf(stderr, "mmpath %s: cannot read %s\n", cmd, file);
    return MM_EXIT_USAGE;
  }
  mmpath_kb *kb;
  char *errors = NULL;
  if (mmpath_kb_open(&kb, mm_cli_kb_dir(kbdir), &errors) != MMPATH_OK) {
    fprintf(stderr, "mmpath %s: knowledge base %s cannot be loaded:\n%s", cmd,
            mm_cli_kb_dir(kbdir), errors ? errors : "");
    free(errors);
    free(text);
    return MM_EXIT_SETUP;
  }
  char *out = NULL;
  int rc = evaluate ? mmpath_evaluate(&out, kb, text, len, &opts)
                    : mmpath_facts(&out, kb, text, len, &opts);
  if (out) {
    /* Errors go to stdout in the requested format, and a summary to stderr. */
    fputs(out, stdout);
    if (rc == MMPATH_EINVALID)
      fprintf(stderr, "mmpath %s: %s is not a valid patient record\n", cmd, file);
  }
  free(out);
  free(text);
  mmpath_kb_free(kb);
  return rc == MMPATH_OK ? MM_EXIT_OK : rc == MMPATH_EINVALID ? MM_EXIT_INVALID : MM_EXIT_INTERNAL;
}

int mm_cmd_evaluate(int argc, char **argv) { return run(argc, argv, true); }
int mm_cmd_facts(int argc, char **argv) { return run(argc, argv, false); }
