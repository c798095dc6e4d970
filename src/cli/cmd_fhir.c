/* cmd_fhir.c: `mmpath fhir import BUNDLE.json|- [--as-of DATE] [--lang it|en]
 * [--kb DIR]`: a FHIR R4 Bundle (or one resource) of one patient -> an
 * mmpath/patient@1 record on stdout, which `mmpath evaluate -` reads. What is
 * left out, and the line-of-therapy heuristic, are reported on stderr in the
 * language asked (English by default, as `mmpath evaluate`; docs/fhir.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fhir/fhir.h"
#include "kb/kb.h"

static int usage(int rc) {
  fprintf(rc ? stderr : stdout,
          "usage: mmpath fhir import BUNDLE.json|- [--as-of YYYY-MM-DD] [--lang it|en] [--kb DIR]\n"
          "Writes the mmpath/patient@1 record on stdout; what cannot be mapped is reported on\n"
          "stderr with the resource and JSON path, and left out (docs/fhir.md); --lang: the\n"
          "language of those reports (default en).\n"
          "exit: 0 record written; 1 invalid FHIR input (errors with paths on stderr);\n"
          "      2 usage; 3 knowledge base or kb/fhir.yaml cannot be loaded; 4 internal error\n");
  return rc;
}

int mm_cmd_fhir(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
    return usage(MM_EXIT_OK);
  if (argc < 2 || strcmp(argv[1], "import") != 0) return usage(MM_EXIT_USAGE);
  const char *file = NULL, *kbdir = NULL;
  mm_fhir_options opts = {.as_of = MM_DATE_NONE};
  mm_lang lang = MM_LANG_EN;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return usage(MM_EXIT_OK);
    if (strcmp(a, "--as-of") == 0 && v) {
      i++;
      if (!mm_date_parse(v, strlen(v), &opts.as_of)) {
        fprintf(stderr, "mmpath fhir: --as-of must be a date YYYY-MM-DD, got '%s'\n", v);
        return usage(MM_EXIT_USAGE);
      }
    } else if (strcmp(a, "--lang") == 0 && v) {
      i++;
      if (!mm_lang_parse(v, &lang)) {
        fprintf(stderr, "mmpath fhir: --lang is it or en, got '%s'\n", v);
        return usage(MM_EXIT_USAGE);
      }
    } else if (strcmp(a, "--kb") == 0 && v) {
      kbdir = argv[++i];
    } else if (!file && (a[0] != '-' || strcmp(a, "-") == 0)) {
      file = a;
    } else {
      fprintf(stderr, "mmpath fhir: unexpected argument '%s'\n", a);
      return usage(MM_EXIT_USAGE);
    }
  }
  if (!file) return usage(MM_EXIT_USAGE);
  size_t len;
  char *text = mm_cli_read_file(file, &len);
  if (!text) {
    fprintf(stderr, "mmpath fhir: cannot read %s\n", file);
    return MM_EXIT_USAGE;
  }
  opts.source = strcmp(file, "-") == 0 ? "<stdin>" : file;
  const char *dir = mm_cli_kb_dir(kbdir);
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_kb *kb = NULL;
  int rc;
  if (mm_kb_load(&kb, dir, &diags) != 0) {
    mm_cli_print_diags(&diags, lang);
    fprintf(stderr, "mmpath fhir: knowledge base %s or its fhir.yaml cannot be loaded\n", dir);
    rc = MM_EXIT_SETUP;
  } else {
    mm_strbuf out;
    mm_strbuf_init(&out, 64u << 20);
    int r = mm_fhir_import(&out, kb, mm_kb_fhir_map(kb), text, len, &opts, &diags);
    mm_cli_print_diags(&diags, lang);
    if (r == 0) {
      fputs(out.data, stdout);
      rc = MM_EXIT_OK;
    } else if (r == -1) {
      fprintf(stderr,
              lang == MM_LANG_IT ? "mmpath fhir: %s non è un input FHIR che l'importatore sa "
                                   "leggere (errori: %zu); nulla di scritto\n"
                                 : "mmpath fhir: %s is not a FHIR input this importer can read "
                                   "(%zu error(s)); nothing written\n",
              opts.source, diags.errors);
      rc = MM_EXIT_INVALID;
    } else {
      fprintf(stderr, "mmpath fhir: internal error (out of memory or invalid output)\n");
      rc = MM_EXIT_INTERNAL;
    }
    mm_strbuf_free(&out);
  }
  mm_kb_free(kb);
  mm_arena_free(&arena);
  free(text);
  return rc;
}
