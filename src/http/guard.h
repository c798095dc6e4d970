/* guard.h: what keeps `mmpath serve` from being starved (internal to
 * src/http): the open connections and their counts per address, a
 * watchman thread that cuts connections too slow to send their headers or
 * their body, and the failed authentications per address (429 beyond
 * limits.auth_failures a minute). Its state is guarded by its own mutex
 * and owned by the server (no global state). docs/deploy.md#limits. */
#ifndef MM_HTTP_GUARD_H
#define MM_HTTP_GUARD_H
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* Where a connection is in its current request. */
typedef enum mm_conn_phase {
  MM_CONN_HEAD, /* waiting for a request line and headers: header_timeout */
  MM_CONN_BODY, /* reading a body: min_body_rate after header_timeout */
  MM_CONN_BUSY  /* answering: no deadline (the handler runs) */
} mm_conn_phase;

/* One open connection (MHD's socket context). */
typedef struct mm_conn {
  char addr[INET6_ADDRSTRLEN];
  int fd;                 /* the socket, valid until mm_guard_conn_close */
  bool over_client, over_total; /* decided at accept */
  void *data;             /* the handler's slot (req->conn_data) */
  mm_conn_phase phase;    /* all below under the guard's lock */
  long long since;        /* ms (monotonic) the phase began */
  size_t body_bytes;      /* read in MM_CONN_BODY */
  const char *cut;        /* why the watchman cut it, or NULL */
  struct mm_conn *prev, *next;
} mm_conn;

typedef struct mm_client mm_client;
typedef struct mm_auth_fail mm_auth_fail;

typedef struct mm_guard {
  mm_server_limits limits;
  mm_log_format log_format;
  pthread_mutex_t lock;
  pthread_cond_t wake;   /* stop the watchman */
  bool stop, started;
  pthread_t watchman;
  unsigned open;         /* open connections */
  mm_conn *conns;        /* the open connections, newest first */
  mm_client *clients;    /* one per address with open connections */
  size_t n_clients, cap_clients;
  mm_auth_fail *fails;   /* addresses with failures in the last minute */
  size_t n_fails, cap_fails;
} mm_guard;

/* Monotonic milliseconds. */
long long mm_now_ms(void);

/* Starts the watchman. -1 when the thread cannot start. */
int mm_guard_init(mm_guard *g, const mm_server_limits *limits, mm_log_format fmt);
/* Stops the watchman and frees the tables (after the daemon stopped). */
void mm_guard_fini(mm_guard *g);

/* A new connection (c->addr and c->fd filled): counted; over_client and
 * over_total say whether it is over the soft limits. */
void mm_guard_conn_open(mm_guard *g, mm_conn *c);
/* Before its socket is closed: uncounted, off the watchman's list. */
void mm_guard_conn_close(mm_guard *g, mm_conn *c);
/* The connection enters a phase now. */
void mm_guard_phase(mm_guard *g, mm_conn *c, mm_conn_phase phase);
/* n more body bytes arrived. */
void mm_guard_body(mm_guard *g, mm_conn *c, size_t n);

/* Why the watchman cut c, or NULL. */
const char *mm_guard_cut(mm_guard *g, const mm_conn *c);

/* 0 when addr may try a token; else the seconds until it may (429). */
unsigned mm_guard_throttled(mm_guard *g, const char *addr);
/* A token presented from addr was refused (logged when it starts the
 * address's throttling). */
void mm_guard_auth_failed(mm_guard *g, const char *addr);

#endif
