/* guard.c: the connection table, the watchman and the failed-token
 * buckets of guard.h.
 *
 * Why a watchman: libmicrohttpd's connection timeout restarts at every
 * byte, so a client sending one byte every few seconds (slowloris) keeps a
 * connection forever. The watchman looks at every connection four times a
 * second and cuts (shutdown(2): libmicrohttpd then sees the peer gone and
 * closes it as usual) one whose headers are not in header_timeout seconds
 * after it began waiting for them, or whose body averages under
 * min_body_rate once it has taken header_timeout seconds. The socket stays
 * valid while the connection is on the list: libmicrohttpd notifies the
 * close (mm_guard_conn_close, under the same lock) before closing it.
 *
 * Failed authentications: a token bucket per address, auth_failures a
 * minute; an address is in the table only while it has failures to
 * forgive, so the table holds the attackers of the last minute. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/guard.h"
#include "http/log.h"

struct mm_client {
  char addr[INET6_ADDRSTRLEN];
  unsigned open;
};

struct mm_auth_fail {
  char addr[INET6_ADDRSTRLEN];
  double tokens; /* failures still allowed; refilled auth_failures a minute */
  long long at;  /* ms of the last refill */
  bool logged;   /* its throttling was logged */
};

#define MAX_FAIL_ENTRIES 8192

long long mm_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_event(const mm_guard *g, const char *event, const char *addr,
                      const char *k, long long v) {
  mm_logline l;
  mm_log_begin(&l, g->log_format);
  mm_log_str(&l, "event", event);
  mm_log_str(&l, "addr", addr);
  if (k) mm_log_int(&l, k, v);
  mm_log_end(&l);
}

/* Cuts the connections past their deadline. Under g->lock. */
static void sweep(mm_guard *g, long long now) {
  long long grace = (long long)g->limits.header_timeout * 1000;
  for (mm_conn *c = g->conns; c; c = c->next) {
    if (c->cut || c->fd < 0 || grace <= 0) continue;
    long long elapsed = now - c->since;
    if (c->phase == MM_CONN_HEAD && elapsed > grace) {
      c->cut = "header-timeout";
    } else if (c->phase == MM_CONN_BODY && elapsed > grace && g->limits.min_body_rate &&
               (double)c->body_bytes * 1000.0 <
                   (double)g->limits.min_body_rate * (double)elapsed) {
      c->cut = "body-too-slow";
    } else {
      continue;
    }
    shutdown(c->fd, SHUT_RDWR);
    log_event(g, c->cut, c->addr, "after_ms", elapsed);
  }
}

static void *watchman(void *arg) {
  mm_guard *g = arg;
  pthread_mutex_lock(&g->lock);
  while (!g->stop) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += 250 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    int rc = pthread_cond_timedwait(&g->wake, &g->lock, &ts);
    if (g->stop) break;
    if (rc == ETIMEDOUT || rc == 0) sweep(g, mm_now_ms());
  }
  pthread_mutex_unlock(&g->lock);
  return NULL;
}

int mm_guard_init(mm_guard *g, const mm_server_limits *limits, mm_log_format fmt) {
  memset(g, 0, sizeof *g);
  g->limits = *limits;
  g->log_format = fmt;
  pthread_mutex_init(&g->lock, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&g->wake, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&g->watchman, NULL, watchman, g) != 0) return -1;
  g->started = true;
  return 0;
}

void mm_guard_fini(mm_guard *g) {
  if (g->started) {
    pthread_mutex_lock(&g->lock);
    g->stop = true;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->lock);
    pthread_join(g->watchman, NULL);
  }
  pthread_cond_destroy(&g->wake);
  pthread_mutex_destroy(&g->lock);
  free(g->clients);
  free(g->fails);
}

void mm_guard_conn_open(mm_guard *g, mm_conn *c) {
  pthread_mutex_lock(&g->lock);
  c->phase = MM_CONN_HEAD;
  c->since = mm_now_ms();
  c->prev = NULL;
  c->next = g->conns;
  if (g->conns) g->conns->prev = c;
  g->conns = c;
  g->open++;
  c->over_total = g->open > g->limits.max_connections;
  mm_client *cl = NULL;
  for (size_t i = 0; i < g->n_clients; i++)
    if (strcmp(g->clients[i].addr, c->addr) == 0) cl = &g->clients[i];
  if (!cl) {
    if (g->n_clients == g->cap_clients) {
      size_t cap = g->cap_clients ? g->cap_clients * 2 : 16;
      mm_client *nc = realloc(g->clients, cap * sizeof *nc);
      if (nc) {
        g->clients = nc;
        g->cap_clients = cap;
      }
    }
    if (g->n_clients < g->cap_clients) {
      cl = &g->clients[g->n_clients++];
      memcpy(cl->addr, c->addr, sizeof cl->addr);
      cl->open = 0;
    }
  }
  if (cl) {
    cl->open++;
    c->over_client = cl->open > g->limits.max_per_client;
  } else {
    c->over_total = true; /* out of memory: shed the load */
  }
  pthread_mutex_unlock(&g->lock);
}

void mm_guard_conn_close(mm_guard *g, mm_conn *c) {
  pthread_mutex_lock(&g->lock);
  if (c->prev) c->prev->next = c->next;
  else g->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  c->fd = -1;
  g->open--;
  for (size_t i = 0; i < g->n_clients; i++)
    if (strcmp(g->clients[i].addr, c->addr) == 0) {
      if (--g->clients[i].open == 0) g->clients[i] = g->clients[--g->n_clients];
      break;
    }
  pthread_mutex_unlock(&g->lock);
}

void mm_guard_phase(mm_guard *g, mm_conn *c, mm_conn_phase phase) {
  pthread_mutex_lock(&g->lock);
  c->phase = phase;
  c->since = mm_now_ms();
  c->body_bytes = 0;
  pthread_mutex_unlock(&g->lock);
}

void mm_guard_body(mm_guard *g, mm_conn *c, size_t n) {
  pthread_mutex_lock(&g->lock);
  c->body_bytes += n;
  pthread_mutex_unlock(&g->lock);
}

const char *mm_guard_cut(mm_guard *g, const mm_conn *c) {
  pthread_mutex_lock(&g->lock);
  const char *cut = c->cut;
  pthread_mutex_unlock(&g->lock);
  return cut;
}

/* The address's bucket, refilled to now; NULL when it has none. */
static mm_auth_fail *bucket(mm_guard *g, const char *addr, long long now) {
  for (size_t i = 0; i < g->n_fails; i++) {
    mm_auth_fail *f = &g->fails[i];
    if (strcmp(f->addr, addr) != 0) continue;
    double per_ms = g->limits.auth_failures / 60000.0;
    f->tokens += (double)(now - f->at) * per_ms;
    f->at = now;
    if (f->tokens >= g->limits.auth_failures) { /* all forgiven: forget it */
      *f = g->fails[--g->n_fails];
      return NULL;
    }
    return f;
  }
  return NULL;
}

unsigned mm_guard_throttled(mm_guard *g, const char *addr) {
  if (!g->limits.auth_failures) return 0;
  unsigned wait = 0;
  pthread_mutex_lock(&g->lock);
  mm_auth_fail *f = g->n_fails ? bucket(g, addr, mm_now_ms()) : NULL;
  if (f && f->tokens < 1.0) /* until one failure is forgiven, rounded up */
    wait = (unsigned)((1.0 - f->tokens) * 60.0 / g->limits.auth_failures) + 1;
  pthread_mutex_unlock(&g->lock);
  return wait;
}

void mm_guard_auth_failed(mm_guard *g, const char *addr) {
  if (!g->limits.auth_failures) return;
  long long now = mm_now_ms();
  pthread_mutex_lock(&g->lock);
  mm_auth_fail *f = bucket(g, addr, now);
  if (!f) {
    if (g->n_fails == g->cap_fails && g->cap_fails < MAX_FAIL_ENTRIES) {
      size_t cap = g->cap_fails ? g->cap_fails * 2 : 16;
      mm_auth_fail *nf = realloc(g->fails, cap * sizeof *nf);
      if (nf) g->fails = nf, g->cap_fails = cap;
    }
    if (g->n_fails == g->cap_fails && g->n_fails) {
      /* full: forget the address with the most failures forgiven */
      size_t best = 0;
      for (size_t i = 1; i < g->n_fails; i++)
        if (g->fails[i].tokens > g->fails[best].tokens) best = i;
      g->fails[best] = g->fails[--g->n_fails];
    }
    if (g->n_fails < g->cap_fails) {
      f = &g->fails[g->n_fails++];
      memset(f, 0, sizeof *f);
      snprintf(f->addr, sizeof f->addr, "%s", addr);
      f->tokens = g->limits.auth_failures;
      f->at = now;
    }
  }
  if (f) {
    f->tokens -= 1.0;
    if (f->tokens < 1.0 && !f->logged) {
      f->logged = true;
      log_event(g, "auth-throttled", addr, "failures_a_minute", g->limits.auth_failures);
    } else if (f->tokens >= 1.0) {
      f->logged = false;
    }
  }
  pthread_mutex_unlock(&g->lock);
}
