/* cmd_screen.c: `mmpath screen FILE.jsonl|-`: screens a registry of patient
 * records (JSON Lines) against the knowledge base's options, or against an
 * analyst's criteria file, on every core (docs/screen.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "kb/kb.h"
#include "kb/kb_reimbursement.h"
#include "screen/screen.h"
#include "util/arena.h"
#include "util/diag.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: mmpath screen [OPTIONS] FILE.jsonl|-\n"
          "\n"
          "Screens JSON Lines of patient records (mmpath/patient@1): one result line per\n"
          "record, in input order, then a summary. A bad record gets an error line with\n"
          "its line number and field paths and is skipped; the run goes on, and the exit\n"
          "code is then 1 (0 when every record was read).\n"
          "\n"
          "  --criteria FILE     the analyst's own criteria (YAML, docs/screen.md) instead\n"
          "                      of the knowledge base's options\n"
          "  --only ID,...       report only these options, trials or criteria\n"
          "  --format jsonl|csv  output format (default jsonl; csv puts the summary on stderr)\n"
          "  --threads N         worker threads (default: one per CPU)\n"
          "  --jurisdiction eu|us|it  which labels count (default eu); it: the EU labels,\n"
          "                      with the AIFA reimbursement of each eligible therapy\n"
          "  --kb DIR            knowledge base directory\n"
          "  --batch BYTES       input bytes per batch (default 2097152)\n"
          "  --progress          draw the progress line even when stderr is not a terminal\n"
          "  --allow-malformed   exit 0 even when some records were malformed (a registry\n"
          "                      known to hold bad lines; they are still reported)\n");
}

/* Splits "a,b,c" into a NULL-ended array in the arena. */
static const char **split_ids(mm_arena *a, const char *list) {
  size_t n = 1;
  for (const char *p = list; *p; p++) n += *p == ',';
  const char **ids = mm_arena_alloc(a, (n + 1) * sizeof *ids);
  if (!ids) return NULL;
  size_t k = 0;
  for (const char *p = list;;) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len) ids[k++] = mm_arena_strndup(a, p, len);
    if (!e) break;
    p = e + 1;
  }
  ids[k] = NULL;
  return ids;
}

static bool parse_count(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) return false;
  *out = v;
  return true;
}

int mm_cmd_screen(int argc, char **argv) {
  const char *path = NULL, *kb_flag = NULL, *criteria_path = NULL, *only = NULL;
  mm_screen_options o = {.format = MM_SCREEN_JSONL, .jurisdiction = MM_JURIS_EU,
                         .progress_fd = -1};
  bool force_progress = false, allow_malformed = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    bool takes = strcmp(a, "--criteria") == 0 || strcmp(a, "--only") == 0 ||
                 strcmp(a, "--format") == 0 || strcmp(a, "--threads") == 0 ||
                 strcmp(a, "--kb") == 0 || strcmp(a, "--batch") == 0 ||
                 strcmp(a, "--jurisdiction") == 0;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return MM_EXIT_OK;
    }
    if (takes && !val) {
      fprintf(stderr, "mmpath screen: %s needs a value\n", a);
      return MM_EXIT_USAGE;
    }
    long n;
    if (strcmp(a, "--criteria") == 0) criteria_path = val;
    else if (strcmp(a, "--only") == 0) only = val;
    else if (strcmp(a, "--kb") == 0) kb_flag = val;
    else if (strcmp(a, "--format") == 0) {
      if (strcmp(val, "jsonl") == 0) o.format = MM_SCREEN_JSONL;
      else if (strcmp(val, "csv") == 0) o.format = MM_SCREEN_CSV;
      else {
        fprintf(stderr, "mmpath screen: --format is jsonl or csv, not '%s'\n", val);
        return MM_EXIT_USAGE;
      }
    } else if (strcmp(a, "--jurisdiction") == 0) {
      if (!mm_jurisdiction_parse(val, &o.jurisdiction)) {
        fprintf(stderr, "mmpath screen: --jurisdiction is eu, us or it, not '%s'\n", val);
        return MM_EXIT_USAGE;
      }
    } else if (strcmp(a, "--threads") == 0) {
      if (!parse_count(val, 1, 256, &n)) {
        fprintf(stderr, "mmpath screen: --threads takes a number from 1 to 256, not '%s'\n", val);
        return MM_EXIT_USAGE;
      }
      o.threads = (int)n;
    } else if (strcmp(a, "--batch") == 0) {
      if (!parse_count(val, 4096, 1L << 30, &n)) {
        fprintf(stderr, "mmpath screen: --batch takes bytes from 4096 to 1073741824, not '%s'\n",
                val);
        return MM_EXIT_USAGE;
      }
      o.block_size = (size_t)n;
    } else if (strcmp(a, "--progress") == 0) {
      force_progress = true;
      continue;
    } else if (strcmp(a, "--allow-malformed") == 0) {
      allow_malformed = true;
      continue;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "mmpath screen: unknown option '%s'\n", a);
      usage(stderr);
      return MM_EXIT_USAGE;
    } else if (!path) {
      path = a;
      continue;
    } else {
      fprintf(stderr, "mmpath screen: one input only ('%s' and '%s')\n", path, a);
      return MM_EXIT_USAGE;
    }
    i++; /* the value */
  }
  if (!path) {
    usage(stderr);
    return MM_EXIT_USAGE;
  }

  int in_fd = 0;
  if (strcmp(path, "-") != 0) {
    in_fd = open(path, O_RDONLY);
    if (in_fd < 0) {
      fprintf(stderr, "mmpath screen: %s: %s\n", path, strerror(errno));
      return MM_EXIT_USAGE;
    }
  }
  struct stat st;
  if (fstat(in_fd, &st) == 0 && S_ISREG(st.st_mode)) o.total_bytes = (uint64_t)st.st_size;
  if (force_progress || isatty(2)) o.progress_fd = 2;

  int rc = MM_EXIT_OK;
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_diags diags;
  mm_diags_init(&diags, &arena);
  mm_kb *kb = NULL;
  mm_screen_criteria *crit = NULL;
  if (mm_kb_load(&kb, mm_cli_kb_dir(kb_flag), &diags) != 0) {
    mm_cli_print_diags(&diags, MM_LANG_EN);
    fprintf(stderr, "mmpath screen: cannot load the knowledge base %s\n", mm_cli_kb_dir(kb_flag));
    rc = MM_EXIT_SETUP;
    goto done;
  }
  if (criteria_path) {
    mm_diags_init(&diags, &arena);
    if (mm_screen_criteria_load(&crit, kb, criteria_path, &diags) != 0) {
      mm_cli_print_diags(&diags, MM_LANG_EN);
      rc = MM_EXIT_USAGE;
      goto done;
    }
  }
  o.kb = kb;
  o.criteria = crit;
  if (only) {
    o.only = split_ids(&arena, only);
    if (!o.only) {
      rc = MM_EXIT_INTERNAL;
      goto done;
    }
    for (const char *const *id = o.only; *id; id++) {
      bool found = false;
      if (crit) {
        for (size_t i = 0; i < crit->n && !found; i++) found = strcmp(crit->items[i].id, *id) == 0;
      } else {
        found = mm_kb_find_option(kb, *id) != NULL;
      }
      if (!found) {
        fprintf(stderr, "mmpath screen: --only: no %s '%s'\n",
                crit ? "criterion" : "option or trial", *id);
        rc = MM_EXIT_USAGE;
        goto done;
      }
    }
  }
  fflush(stdout);
  mm_screen_totals t;
  if (mm_screen_run(&t, in_fd, 1, 2, &o) != 0) rc = MM_EXIT_INTERNAL;
  /* the rest of the registry is screened, but a batch with bad records is
   * not a success: each has its error line, and the exit code says so */
  else if (t.malformed && !allow_malformed) rc = MM_EXIT_INVALID;

done:
  if (in_fd > 0) close(in_fd);
  mm_screen_criteria_free(crit);
  mm_kb_free(kb);
  mm_arena_free(&arena);
  return rc;
}
