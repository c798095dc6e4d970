/* pipeline.c: see pipeline.h. One reader/writer (the calling thread) and N
 * workers around a ring of batches:
 *
 *   slot = seq % in_flight.  The reader fills slot next_seq when it is free,
 *   the workers take filled batches in order from a queue, and the writer
 *   writes slot next_write as soon as it is done, then frees it. At most
 *   in_flight batches exist, each of block_size input bytes plus its output,
 *   so memory does not grow with the input.
 *
 * The reader never splits a line: it cuts each block after its last newline
 * and carries the rest over to the next block. A line that does not fit a
 * block is reported (too_long) and skipped up to its newline. */
#include "screen/pipeline.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { SLOT_FREE, SLOT_QUEUED, SLOT_DONE };

/* Two workers fill two batches at once, each writing its sink (output
 * length, counters) for every record: batches and counters start on their
 * own cache lines, so that no line goes back and forth between the cores. */
enum { LINE = 64 };

typedef struct batch {
  _Alignas(LINE) char *buf; /* block_size + 1 bytes */
  size_t len;
  bool too_long;        /* buf holds the prefix of one overlong line */
  int state;
  long n_lines;         /* set by the worker */
  uint64_t n_records;
  mm_screen_sink sink;
  struct batch *next;   /* work queue */
} batch;

/* n bytes, zeroed, on a cache line of their own (free() them). */
static void *line_calloc(size_t n) {
  n = (n + LINE - 1) / LINE * LINE;
  void *p = aligned_alloc(LINE, n ? n : LINE);
  if (p) memset(p, 0, n ? n : LINE);
  return p;
}

typedef struct pipeline {
  const mm_screen_config *cfg;
  const mm_screen_hooks *hooks;
  size_t block, max_line;
  int k;                /* batches in flight */
  batch *slots;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  batch *qhead, *qtail;
  bool shutdown;
} pipeline;

typedef struct worker_arg {
  pipeline *p;
  void *state;
} worker_arg;

void mm_screen_sink_line_number(mm_screen_sink *s) {
  if (s->n_patches == s->cap_patches) {
    size_t cap = s->cap_patches ? s->cap_patches * 2 : 16;
    mm_screen_patch *np = realloc(s->patches, cap * sizeof *np);
    if (!np) {
      s->failed = true;
      return;
    }
    s->patches = np;
    s->cap_patches = cap;
  }
  s->patches[s->n_patches++] = (mm_screen_patch){s->out.len, s->rel_line};
}

int mm_screen_write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs the record function over every line of a batch. */
static void process(pipeline *p, void *state, batch *b) {
  mm_screen_sink *s = &b->sink;
  mm_strbuf_clear(&s->out);
  s->n_patches = 0;
  s->failed = false;
  memset(s->counters, 0, p->cfg->n_counters * sizeof *s->counters);
  b->n_records = 0;
  if (b->too_long) {
    s->rel_line = 0;
    b->buf[b->len] = '\0';
    p->hooks->record(state, b->buf, b->len, true, s);
    b->n_lines = 1;
    b->n_records = 1;
    return;
  }
  char *at = b->buf, *end = b->buf + b->len;
  long rel = 0;
  while (at < end) {
    if (p->hooks->record_first && *at != '\n') {
      /* The record and its line's end in one pass, when the hook can. */
      size_t avail = (size_t)(end - at);
      bool end_ok = avail <= p->max_line;
      s->rel_line = rel;
      size_t len = p->hooks->record_first(state, at, end_ok ? avail : p->max_line + 1, end_ok, s);
      if (len > 0) {
        b->n_records++;
        rel++;
        at += len + (at + len < end); /* and its '\n' */
        continue;
      }
    }
    char *nl = memchr(at, '\n', (size_t)(end - at));
    char *stop = nl ? nl : end;
    size_t len = (size_t)(stop - at);
    if (len > 0) {
      s->rel_line = rel;
      bool too_long = len > p->max_line;
      char *cut = too_long ? at + p->max_line : stop;
      char keep = *cut;
      *cut = '\0';    /* the newline, or the spare byte after the block */
      p->hooks->record(state, at, (size_t)(cut - at), too_long, s);
      *cut = keep;
      b->n_records++;
    }
    rel++;
    at = nl ? nl + 1 : end;
  }
  b->n_lines = rel;
}

static void *worker_main(void *arg) {
  worker_arg *wa = arg;
  pipeline *p = wa->p;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    while (!p->qhead && !p->shutdown) pthread_cond_wait(&p->work, &p->mu);
    if (!p->qhead) break;
    batch *b = p->qhead;
    p->qhead = b->next;
    if (!p->qhead) p->qtail = NULL;
    pthread_mutex_unlock(&p->mu);
    process(p, wa->state, b);
    pthread_mutex_lock(&p->mu);
    b->state = SLOT_DONE;
    pthread_cond_signal(&p->done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* The reader's state between blocks. */
typedef struct reader {
  int fd;
  char *carry;          /* bytes after the last newline of the previous block */
  size_t n_carry;
  bool skipping;        /* inside an overlong line: drop bytes up to '\n' */
  bool eof;
  int err;
  uint64_t bytes;
} reader;

/* Reads up to cap bytes into buf (fewer only at end of input). */
static size_t read_full(reader *r, char *buf, size_t cap) {
  size_t got = 0;
  while (got < cap) {
    ssize_t n = read(r->fd, buf + got, cap - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      r->err = errno;
      r->eof = true;
      break;
    }
    if (n == 0) {
      r->eof = true;
      break;
    }
    got += (size_t)n;
    r->bytes += (uint64_t)n;
  }
  return got;
}

/* Fills b with whole lines. Returns false when there is nothing left. */
static bool fill(pipeline *p, reader *r, batch *b) {
  b->too_long = false;
  b->len = 0;
  for (;;) {
    if (r->eof && r->n_carry == 0) return false;
    memcpy(b->buf, r->carry, r->n_carry);
    size_t len = r->n_carry;
    r->n_carry = 0;
    if (!r->eof) len += read_full(r, b->buf + len, p->block - len);
    if (r->skipping) {
      char *nl = memchr(b->buf, '\n', len);
      if (!nl) continue;            /* still inside the overlong line */
      r->skipping = false;
      size_t drop = (size_t)(nl + 1 - b->buf);
      memmove(b->buf, nl + 1, len - drop);
      len -= drop;
      if (!r->eof) len += read_full(r, b->buf + len, p->block - len);
    }
    if (len == 0) continue;
    char *last = NULL;
    if (r->eof) {
      last = b->buf + len - 1;      /* the final line needs no newline */
    } else {
      for (char *q = b->buf + len; q > b->buf; q--)
        if (q[-1] == '\n') {
          last = q - 1;
          break;
        }
    }
    if (!last) {                    /* a full block without a newline */
      b->too_long = true;
      b->len = p->max_line < len ? p->max_line : len;
      r->skipping = true;
      return true;
    }
    size_t keep = (size_t)(last + 1 - b->buf);
    r->n_carry = len - keep;
    memcpy(r->carry, last + 1, r->n_carry);
    b->len = keep;
    return true;
  }
}

static int write_batch(int fd, batch *b, uint64_t base) {
  mm_screen_sink *s = &b->sink;
  size_t at = 0;
  for (size_t i = 0; i < s->n_patches; i++) {
    char num[32];
    int n = snprintf(num, sizeof num, "%llu",
                     (unsigned long long)(base + (uint64_t)s->patches[i].rel_line + 1));
    if (mm_screen_write_all(fd, s->out.data + at, s->patches[i].offset - at) < 0 ||
        mm_screen_write_all(fd, num, (size_t)n) < 0)
      return -1;
    at = s->patches[i].offset;
  }
  if (s->out.len > at && mm_screen_write_all(fd, s->out.data + at, s->out.len - at) < 0)
    return -1;
  return 0;
}

static void draw_progress(const mm_screen_config *cfg, uint64_t records, uint64_t bytes,
                          double elapsed, bool final) {
  char line[160];
  double rate = elapsed > 0 ? (double)records / elapsed : 0;
  int n;
  if (cfg->total_bytes > 0 && bytes > 0 && !final) {
    double frac = (double)bytes / (double)cfg->total_bytes;
    if (frac > 1) frac = 1;
    double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
    int width = 24, fill_n = (int)(frac * width);
    char bar[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill_n ? '#' : '.';
    bar[width] = '\0';
    n = snprintf(line, sizeof line, "\r[%s] %3d%%  %llu records  %.0f records/s  ETA %.0f s\033[K",
                 bar, (int)(frac * 100), (unsigned long long)records, rate, eta);
  } else {
    n = snprintf(line, sizeof line, "\r%llu records  %.0f records/s%s\033[K",
                 (unsigned long long)records, rate, final ? "" : "  ETA ?");
  }
  if (n > 0 && (size_t)n < sizeof line) (void)mm_screen_write_all(cfg->progress_fd, line, (size_t)n);
  if (final) (void)mm_screen_write_all(cfg->progress_fd, "\n", 1);
}

int mm_screen_pipeline_run(mm_screen_result *out, int in_fd, int out_fd,
                           const mm_screen_config *cfg, const mm_screen_hooks *hooks) {
  memset(out, 0, sizeof *out);
  double t0 = now_s();
  pipeline p = {.cfg = cfg, .hooks = hooks};
  int threads = cfg->threads;
  if (threads <= 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (int)n : 1;
  }
  p.block = cfg->block_size ? cfg->block_size : (size_t)2 << 20;
  p.max_line = cfg->max_line ? cfg->max_line : (size_t)1 << 20;
  if (p.max_line >= p.block) p.max_line = p.block - 1;
  p.k = cfg->in_flight > 0 ? cfg->in_flight : 2 * threads + 2;
  size_t max_output = cfg->max_output ? cfg->max_output : (size_t)256 << 20;

  out->counters = calloc(cfg->n_counters ? cfg->n_counters : 1, sizeof *out->counters);
  p.slots = line_calloc((size_t)p.k * sizeof *p.slots);
  reader r = {.fd = in_fd, .carry = malloc(p.block)};
  worker_arg *wargs = calloc((size_t)threads, sizeof *wargs);
  pthread_t *tids = calloc((size_t)threads, sizeof *tids);
  int started = 0, rc = 0;
  bool ok = out->counters && p.slots && r.carry && wargs && tids;
  for (int i = 0; ok && i < p.k; i++) {
    batch *b = &p.slots[i];
    b->buf = malloc(p.block + 1);
    b->sink.counters = line_calloc((cfg->n_counters ? cfg->n_counters : 1) * sizeof(uint64_t));
    mm_strbuf_init(&b->sink.out, max_output);
    ok = b->buf && b->sink.counters;
  }
  if (!ok) {
    out->out_of_memory = true;
    rc = -1;
    goto cleanup;
  }
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.work, NULL);
  pthread_cond_init(&p.done, NULL);
  /* One worker: its batches are processed here, as soon as read, on the
   * calling thread: no hand-off to another thread, and the block just
   * copied in by read(2) is still in this core's cache (CPU a record, the
   * reference task: docs/screen.md). */
  bool inline_worker = threads == 1;
  for (int i = 0; i < threads; i++) {
    wargs[i].p = &p;
    if (hooks->worker_new && hooks->worker_new(&wargs[i].state, hooks->payload) != 0) {
      out->out_of_memory = true;
      rc = -1;
      break;
    }
    if (inline_worker) break;
    if (pthread_create(&tids[i], NULL, worker_main, &wargs[i]) != 0) {
      if (hooks->worker_free) hooks->worker_free(wargs[i].state);
      wargs[i].state = NULL;
      rc = -1;
      out->out_of_memory = true;
      break;
    }
    started++;
  }

  uint64_t next_seq = 0, next_write = 0, line_base = 0, done_bytes = 0;
  bool input_done = rc != 0;
  double last_draw = 0;
  pthread_mutex_lock(&p.mu);
  for (;;) {
    /* Fill every free slot, in order. */
    while (!input_done && next_seq - next_write < (uint64_t)p.k) {
      batch *b = &p.slots[next_seq % (uint64_t)p.k];
      pthread_mutex_unlock(&p.mu);
      bool got = fill(&p, &r, b);
      pthread_mutex_lock(&p.mu);
      if (!got) {
        input_done = true;
        break;
      }
      next_seq++;
      if (inline_worker) {
        pthread_mutex_unlock(&p.mu);
        process(&p, wargs[0].state, b);
        pthread_mutex_lock(&p.mu);
        b->state = SLOT_DONE;
        break; /* written before the next is read, while in the cache */
      }
      b->state = SLOT_QUEUED;
      b->next = NULL;
      if (p.qtail) p.qtail->next = b;
      else p.qhead = b;
      p.qtail = b;
      pthread_cond_signal(&p.work);
    }
    /* Write what is done, in order. */
    while (next_write < next_seq && p.slots[next_write % (uint64_t)p.k].state == SLOT_DONE) {
      batch *b = &p.slots[next_write % (uint64_t)p.k];
      pthread_mutex_unlock(&p.mu);
      if (b->sink.failed || b->sink.out.failed) out->out_of_memory = true;
      if (rc == 0 && !out->out_of_memory && write_batch(out_fd, b, line_base) < 0) {
        out->io_error = errno;
        rc = -1;
      }
      line_base += (uint64_t)b->n_lines;
      done_bytes += b->len;
      out->records += b->n_records;
      for (size_t i = 0; i < cfg->n_counters; i++) out->counters[i] += b->sink.counters[i];
      pthread_mutex_lock(&p.mu);
      b->state = SLOT_FREE;
      next_write++;
    }
    if (out->out_of_memory || rc != 0) input_done = true;
    if (input_done && next_write == next_seq) break;
    if (cfg->progress_fd >= 0) {
      double t = now_s();
      if (t - last_draw >= 0.1) {
        last_draw = t;
        draw_progress(cfg, out->records, done_bytes, t - t0, false); /* written, not read */
      }
      if (inline_worker) continue; /* nothing to wait for */
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 100000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&p.done, &p.mu, &until);
    } else if (!inline_worker && !(next_write < next_seq &&
                 p.slots[next_write % (uint64_t)p.k].state == SLOT_DONE) &&
               (input_done || next_seq - next_write >= (uint64_t)p.k)) {
      pthread_cond_wait(&p.done, &p.mu);
    }
  }
  p.shutdown = true;
  pthread_cond_broadcast(&p.work);
  pthread_mutex_unlock(&p.mu);
  for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
  for (int i = 0; i < threads; i++)
    if (wargs[i].state && hooks->worker_free) hooks->worker_free(wargs[i].state);
  pthread_mutex_destroy(&p.mu);
  pthread_cond_destroy(&p.work);
  pthread_cond_destroy(&p.done);
  if (r.err) {
    out->io_error = r.err;
    rc = -1;
  }
  if (out->out_of_memory) rc = -1;
  out->lines = line_base;
  out->bytes = r.bytes;
  out->seconds = now_s() - t0;
  if (cfg->progress_fd >= 0) draw_progress(cfg, out->records, r.bytes, out->seconds, true);

cleanup:
  if (p.slots)
    for (int i = 0; i < p.k; i++) {
      free(p.slots[i].buf);
      free(p.slots[i].sink.counters);
      free(p.slots[i].sink.patches);
      mm_strbuf_free(&p.slots[i].sink.out);
    }
  free(p.slots);
  free(r.carry);
  free(wargs);
  free(tids);
  return rc;
}
