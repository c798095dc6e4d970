/* log.c: the log lines of log.h. logfmt quotes a value only when it needs
 * it (space, '=', '"', control bytes, empty); JSON escapes as RFC 8259
 * says. Bytes over 0x7f pass as they are (paths are decoded UTF-8). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/log.h"

static void put(mm_logline *l, const char *s, size_t n) {
  if (l->n + n > sizeof l->buf - 2) n = sizeof l->buf - 2 - l->n; /* room for "}\n" */
  memcpy(l->buf + l->n, s, n);
  l->n += n;
}

static void putc_(mm_logline *l, char c) { put(l, &c, 1); }

static void key(mm_logline *l, const char *k) {
  if (l->fmt == MM_LOG_JSON) {
    put(l, l->any ? ",\"" : "{\"", l->any ? 2 : 2);
    put(l, k, strlen(k));
    put(l, "\":", 2);
  } else {
    if (l->any) putc_(l, ' ');
    put(l, k, strlen(k));
    putc_(l, '=');
  }
  l->any = true;
}

void mm_log_begin(mm_logline *l, mm_log_format fmt) {
  l->n = 0;
  l->fmt = fmt;
  l->any = false;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char t[40];
  size_t n = strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(t + n, sizeof t - n, ".%03ldZ", ts.tv_nsec / 1000000);
  mm_log_str(l, "time", t);
}

void mm_log_str(mm_logline *l, const char *k, const char *v) {
  if (!v || l->fmt == MM_LOG_NONE) return;
  key(l, k);
  size_t len = strlen(v);
  if (len > 256) len = 256;
  bool quote = l->fmt == MM_LOG_JSON || len == 0;
  for (size_t i = 0; i < len && !quote; i++)
    quote = v[i] == ' ' || v[i] == '=' || v[i] == '"' || v[i] == '\\' ||
            (unsigned char)v[i] < 0x20 || v[i] == 0x7f;
  if (!quote) {
    put(l, v, len);
    return;
  }
  putc_(l, '"');
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)v[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\', esc[1] = (char)c;
      put(l, esc, 2);
    } else if (c < 0x20 || c == 0x7f) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      put(l, esc, 6);
    } else {
      putc_(l, (char)c);
    }
  }
  putc_(l, '"');
}

void mm_log_int(mm_logline *l, const char *k, long long v) {
  if (l->fmt == MM_LOG_NONE) return;
  char s[32];
  key(l, k);
  put(l, s, (size_t)snprintf(s, sizeof s, "%lld", v));
}

void mm_log_ms(mm_logline *l, const char *k, double ms) {
  if (l->fmt == MM_LOG_NONE) return;
  char s[48];
  key(l, k);
  put(l, s, (size_t)snprintf(s, sizeof s, "%.2f", ms));
}

void mm_log_end(mm_logline *l) {
  if (l->fmt == MM_LOG_NONE) return;
  if (l->fmt == MM_LOG_JSON) l->buf[l->n++] = '}';
  l->buf[l->n++] = '\n';
  /* one write: a line is one journal entry, whole */
  ssize_t w = write(2, l->buf, l->n);
  (void)w;
}
