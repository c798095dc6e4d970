/* pipeline.h: the streaming machinery of `mmpath screen`, knowing nothing of
 * myeloma. It reads JSON Lines in large blocks split at newlines (batches),
 * hands the batches to N worker threads, and writes each batch's output in
 * input order (batch sequence numbers), with a fixed number of batches in
 * flight so memory stays bounded whatever the input size.
 *
 * What a record means is the caller's: a record function, run on a worker
 * thread with that worker's own state (e.g. an arena reset per record),
 * appends its output line(s) to the batch's sink and counts what it wants
 * in the sink's counters; the writer adds the counters up in order.
 *
 * Line numbers: a worker does not know where its batch starts in the file
 * (that needs every earlier batch counted); the record function calls
 * mm_screen_sink_line_number() where the absolute line number must appear
 * and the writer fills it in. Only error lines need it, so it costs nothing
 * on good records. */
#ifndef MM_SCREEN_PIPELINE_H
#define MM_SCREEN_PIPELINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

typedef struct mm_screen_patch {
  size_t offset; /* in out.data */
  long rel_line; /* 0-based line inside the batch */
} mm_screen_patch;

/* Where a record function writes. Owned by the pipeline (one per batch). */
typedef struct mm_screen_sink {
  mm_strbuf out;
  uint64_t *counters;    /* n_counters, zeroed per batch */
  long rel_line;         /* the current record's line inside the batch */
  mm_screen_patch *patches;
  size_t n_patches, cap_patches;
  bool failed;           /* out of memory */
} mm_screen_sink;

/* Inserts the current record's 1-based line number in the file at the
 * current end of out (filled in when the batch is written). */
void mm_screen_sink_line_number(mm_screen_sink *s);

typedef struct mm_screen_hooks {
  void *payload;
  /* Per-worker state: created on the worker thread's behalf before it
   * starts, freed after it ends. */
  int (*worker_new)(void **out, void *payload);
  void (*worker_free)(void *worker);
  /* One record: a non-empty line without its '\n' (text[len] is '\0').
   * The text is the worker's to change (it may be parsed in place) until
   * the call returns. too_long: the line exceeded max_line bytes; text
   * holds a prefix only. */
  void (*record)(void *worker, char *text, size_t len, bool too_long,
                 mm_screen_sink *sink);
  /* Optional (NULL: none): a record before its line's end is known, at the
   * start of text[0..cap) (a non-empty line's first byte; cap at most
   * max_line + 1, up to the batch's end). Returns the line's length (its
   * '\n' not counted) when it read and handled the record, which must then
   * be followed by '\n', or reach cap when end_ok (the batch's last line,
   * within max_line); 0 when not, with nothing written and text as it
   * was: the pipeline then finds the line's end and calls record. Saves a
   * pass over every line for its end. */
  size_t (*record_first)(void *worker, char *text, size_t cap, bool end_ok,
                         mm_screen_sink *sink);
} mm_screen_hooks;

typedef struct mm_screen_config {
  int threads;           /* workers; <= 0: the number of online CPUs */
  size_t block_size;     /* bytes of input per batch (0: 2 MiB) */
  size_t max_line;       /* longest accepted line (0: 1 MiB); < block_size */
  int in_flight;         /* batches in flight (0: 2 * threads + 2) */
  size_t n_counters;     /* counters per batch, added up in the result */
  size_t max_output;     /* cap of one batch's output (0: 256 MiB) */
  int progress_fd;       /* draw a progress line here (-1: none) */
  uint64_t total_bytes;  /* input size for the ETA (0: unknown) */
} mm_screen_config;

typedef struct mm_screen_result {
  uint64_t lines;        /* lines read, empty ones included */
  uint64_t records;      /* non-empty lines */
  uint64_t bytes;        /* input bytes */
  uint64_t *counters;    /* n_counters totals (caller frees with free()) */
  double seconds;
  int io_error;          /* errno of a failed read or write, else 0 */
  bool out_of_memory;
} mm_screen_result;

/* Streams in_fd through the hooks to out_fd. Returns 0 when the whole input
 * was read and written; -1 on an I/O error, out of memory or a worker that
 * could not start (result says which). */
int mm_screen_pipeline_run(mm_screen_result *out, int in_fd, int out_fd,
                           const mm_screen_config *cfg,
                           const mm_screen_hooks *hooks);

/* write(2) until done; 0 or -1 (errno set). */
int mm_screen_write_all(int fd, const char *data, size_t len);

#endif
