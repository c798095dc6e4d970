/* cli.h: the mmpath command line. One file per command (cmd_*.c); main.c
 * holds the table. Exit codes (docs/cli.md):
 *   0 success; 1 the input was read but has errors (invalid record, refused
 *   move); 2 usage error; 3 knowledge base or database cannot be opened;
 *   4 internal error (out of memory, I/O). */
#ifndef MM_CLI_H
#define MM_CLI_H
#include <stddef.h>

#include "util/diag.h"
#include "util/lang.h"

enum {
  MM_EXIT_OK = 0,
  MM_EXIT_INVALID = 1,
  MM_EXIT_USAGE = 2,
  MM_EXIT_SETUP = 3,
  MM_EXIT_INTERNAL = 4
};

typedef struct mm_command {
  const char *name;
  int (*run)(int argc, char **argv); /* argv[0] is the command name */
  const char *summary;
} mm_command;

int mm_cmd_facts(int argc, char **argv);
int mm_cmd_evaluate(int argc, char **argv);
int mm_cmd_kb(int argc, char **argv);
int mm_cmd_score(int argc, char **argv);
int mm_cmd_trials(int argc, char **argv);
int mm_cmd_screen(int argc, char **argv);
int mm_cmd_referral(int argc, char **argv);
int mm_cmd_funnel(int argc, char **argv);
int mm_cmd_serve(int argc, char **argv);
int mm_cmd_token(int argc, char **argv);
int mm_cmd_audit(int argc, char **argv);
/* The operating-system user running the command (the effective uid's name,
 * never $USER), for the audit; "uid:N" when it has no name. Returns buf. */
const char *mm_cli_os_user(char *buf, size_t len);
int mm_cmd_demo(int argc, char **argv);
int mm_cmd_fhir(int argc, char **argv);

/* The knowledge-base directory: --kb DIR, else $MMPATH_KB, else the kb
 * installed next to this binary (main() puts it in $MMPATH_KB: see
 * lib/kb_dir.h), else the kb/ of the source tree this binary was built
 * from, else the configured install prefix's (MMPATH_KB_INSTALLED,
 * CMAKE_INSTALL_FULL_DATADIR/mmpath/kb). */
const char *mm_cli_kb_dir(const char *flag_value);

/* Reads a whole file ("-" is standard input) into a malloc'd buffer. */
char *mm_cli_read_file(const char *path, size_t *len_out);
/* The same, reading no more than max + 1 bytes: a longer file gives its
 * first max + 1, for the caller to refuse without reading the rest. */
char *mm_cli_read_file_max(const char *path, size_t max, size_t *len_out);

/* Diagnostics on stderr, in the one form of every command (docs/cli.md):
 *   SOURCE:LINE:COL: LEVEL: PATH: REASON
 * each part only when known (SOURCE: alone without a line); LEVEL is
 * "error" or "warning" ("errore", "avviso" in Italian), the reason in lang
 * when the diagnostic has it (mm_diag_text). */
void mm_cli_print_diags(const mm_diags *d, mm_lang lang);

#endif
