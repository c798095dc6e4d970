/* main.c: `mmpath COMMAND ...`: dispatch to one cmd_*.c per command. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "lib/kb_dir.h"
#include "mmpath_version.h"

static const mm_command commands[] = {
    {"evaluate", mm_cmd_evaluate, "options with reasons for a patient record"},
    {"facts", mm_cmd_facts, "derived facts of a patient record"},
    {"kb", mm_cmd_kb, "check or list the knowledge base"},
    {"trials", mm_cmd_trials, "the trials in the knowledge base and their status"},
    {"screen", mm_cmd_screen, "screen a registry (JSON Lines) on all cores, in input order"},
    {"demo", mm_cmd_demo, "evaluate the bundled demo patients"},
    {"referral", mm_cmd_referral, "CAR-T referral registry: new, move, show, list, import, export"},
    {"funnel", mm_cmd_funnel, "referral funnel report (text, JSON, SVG chart, HTML)"},
    {"score", mm_cmd_score, "a standard score (ISS, R-ISS, R2-ISS, frailty, response, CRS, ICE, ICANS)"},
    {"serve", mm_cmd_serve, "the web page and HTTP API (docs/web.md, docs/http-api.md)"},
    {"token", mm_cmd_token, "API tokens of the server: new, list, revoke"},
    {"audit", mm_cmd_audit, "the audit log: who changed or read what, and refused requests"},
    {"fhir", mm_cmd_fhir, "import a FHIR R4 Bundle (mCODE) as a patient record"},
    /* ORDER: as shown by `mmpath help` */
};

static void usage(FILE *f) {
  fprintf(f, "usage: mmpath COMMAND [ARGS]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\n`mmpath COMMAND --help` for a command's options; docs/cli.md for all.\n");
}

const char *mm_cli_kb_dir(const char *flag_value) {
  if (flag_value) return flag_value;
  const char *env = getenv("MMPATH_KB");
  if (env && *env) return env;
  struct stat st;
  if (stat(MMPATH_SOURCE_DIR "/kb/manifest.yaml", &st) == 0) return MMPATH_SOURCE_DIR "/kb";
  return MMPATH_KB_INSTALLED;
}

void mm_cli_print_diags(const mm_diags *d, mm_lang lang) {
  bool it = lang == MM_LANG_IT;
  for (const mm_diag *x = d->head; x; x = x->next) {
    if (x->source && x->line > 0) fprintf(stderr, "%s:%d:%d: ", x->source, x->line, x->col);
    else if (x->source) fprintf(stderr, "%s: ", x->source);
    fputs(x->level == MM_DIAG_WARNING ? (it ? "avviso: " : "warning: ")
                                      : (it ? "errore: " : "error: "),
          stderr);
    if (x->path && *x->path) fprintf(stderr, "%s: ", x->path);
    fprintf(stderr, "%s\n", mm_diag_text(x, lang));
  }
}

char *mm_cli_read_file(const char *path, size_t *len_out) {
  return mm_cli_read_file_max(path, SIZE_MAX - 1, len_out);
}

char *mm_cli_read_file_max(const char *path, size_t max, size_t *len_out) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) return NULL;
  size_t len = 0, cap = 65536;
  char *buf = malloc(cap);
  while (buf && len <= max) {
    size_t want = cap - len - 1;
    if (want > max + 1 - len) want = max + 1 - len;
    size_t n = fread(buf + len, 1, want, f);
    len += n;
    if (n == 0) break;
    if (cap - len - 1 == 0) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
  }
  if (f != stdin) fclose(f);
  if (buf) {
    buf[len] = '\0';
    *len_out = len;
  }
  return buf;
}

int main(int argc, char **argv) {
  /* An installed mmpath reads the kb installed with it (PREFIX/share/mmpath/kb,
   * wherever PREFIX was moved), before the source tree it was built from. It
   * is said once, here, in the process's environment, so every command and
   * mm_cli_kb_dir see it, as if the user had set it. */
  const char *env = getenv("MMPATH_KB");
  char installed[4096];
  if ((!env || !*env) && mm_lib_kb_relocated(installed, sizeof installed) == 0)
    setenv("MMPATH_KB", installed, 1);
  /* "Today" for the pathway (no event dated after it) is the centre's date:
   * MMPATH_TIME_ZONE (an IANA zone), default Europe/Rome, set once here
   * before any thread starts (docs/referral.md). */
  const char *tz = getenv("MMPATH_TIME_ZONE");
  setenv("TZ", tz && *tz ? tz : "Europe/Rome", 1);
  tzset();
  if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "-h") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? MM_EXIT_USAGE : MM_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("mmpath %s\n", MMPATH_VERSION);
    return MM_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (strcmp(argv[1], commands[i].name) == 0) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "mmpath: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return MM_EXIT_USAGE;
}
