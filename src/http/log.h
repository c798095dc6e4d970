/* log.h: the server's log lines (internal to src/http). One line per event
 * on standard error, in logfmt or JSON Lines (mm_log_format), so that
 * systemd's journal keeps each as one entry. A line is built in a fixed
 * buffer and written with one write(2): lines from several threads never
 * interleave. Values are escaped; what goes in is the caller's choice, and
 * callers never pass a token or a patient's data. */
#ifndef MM_HTTP_LOG_H
#define MM_HTTP_LOG_H
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

typedef struct mm_logline {
  char buf[2048];
  size_t n;
  mm_log_format fmt;
  bool any; /* a field was written */
} mm_logline;

/* Starts a line with time=<RFC 3339 UTC, milliseconds>. */
void mm_log_begin(mm_logline *l, mm_log_format fmt);
/* key=value; a NULL value is left out. Long values are cut at 256 bytes. */
void mm_log_str(mm_logline *l, const char *key, const char *value);
void mm_log_int(mm_logline *l, const char *key, long long value);
/* milliseconds with two decimals */
void mm_log_ms(mm_logline *l, const char *key, double ms);
/* Ends the line and writes it (nothing with MM_LOG_NONE). */
void mm_log_end(mm_logline *l);

#endif
