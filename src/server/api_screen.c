/* api_screen.c: POST /api/v1/screen: registry screening over HTTP. The body
 * is JSON Lines (one mmpath/patient@1 record a line, up to
 * limits.max_screen_body); the answer is streamed as it is computed, one
 * result line per record in input order and a summary line (or CSV), by
 * the same pipeline as `mmpath screen` (src/screen). A bad record gets an
 * error line and the others go on.
 *
 * How: http.c spools the body to an unlinked temporary file (never the whole
 * registry in memory), a detached thread runs mm_screen_run from it into a pipe, and
 * http.c streams the pipe's other end. The thread is counted in api->jobs so
 * the server's owner waits for it before freeing the knowledge base; if the
 * client goes away the pipe breaks and the thread stops.
 *
 * A registry already on the server (serve --screen-dir DIR) is screened by
 * name instead of a body: POST /api/v1/screen?file=NAME, a hub or analyst
 * token, NAME a plain file name inside DIR (no '/', no leading '.': nothing
 * outside DIR, no symbolic link), read from disk as a body would be;
 * GET /api/v1/screen-files lists them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "screen/screen.h"
#include "kb/kb_reimbursement.h"
#include "server/api.h"

struct mm_jobs {
  pthread_mutex_t lock;
  pthread_cond_t idle;
  unsigned running;
};

int mm_jobs_new(mm_jobs **out) {
  mm_jobs *j = calloc(1, sizeof *j);
  if (!j) return -1;
  pthread_mutex_init(&j->lock, NULL);
  pthread_cond_init(&j->idle, NULL);
  *out = j;
  return 0;
}

void mm_jobs_free(mm_jobs *j) {
  if (!j) return;
  pthread_mutex_lock(&j->lock);
  while (j->running) pthread_cond_wait(&j->idle, &j->lock);
  pthread_mutex_unlock(&j->lock);
  pthread_cond_destroy(&j->idle);
  pthread_mutex_destroy(&j->lock);
  free(j);
}

typedef struct job {
  mm_jobs *jobs;
  mm_screen_options opts;
  const char **only; /* owned, with its strings */
  char *only_buf;
  int in_fd, out_fd;
} job;

static void *run(void *arg) {
  job *jb = arg;
  mm_screen_totals t;
  (void)mm_screen_run(&t, jb->in_fd, jb->out_fd, -1, &jb->opts);
  close(jb->in_fd);
  close(jb->out_fd); /* EOF for the client */
  mm_jobs *jobs = jb->jobs;
  free(jb->only);
  free(jb->only_buf);
  free(jb);
  pthread_mutex_lock(&jobs->lock);
  if (--jobs->running == 0) pthread_cond_broadcast(&jobs->idle);
  pthread_mutex_unlock(&jobs->lock);
  return NULL;
}

/* The body in an unlinked temporary file, positioned at its start: http.c
 * spooled it there already, or (called without http.c) it is copied. */
static int body_fd(const mm_request *req) {
  if (req->body_fd >= 0) {
    int fd = dup(req->body_fd);
    if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
      close(fd);
      fd = -1;
    }
    return fd;
  }
  FILE *f = tmpfile();
  if (!f) return -1;
  int fd = -1;
  if ((req->body_len == 0 || fwrite(req->body, 1, req->body_len, f) == req->body_len) &&
      fflush(f) == 0)
    fd = dup(fileno(f));
  fclose(f);
  if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

/* A name that can only be a file directly inside the screening directory. */
static bool plain_name(const char *n) {
  size_t len = strlen(n);
  if (len == 0 || len > 200 || n[0] == '.') return false;
  for (const char *p = n; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '.' || *p == '_' || *p == '-'))
      return false;
  return true;
}

/* The registry file `name` of --screen-dir, opened for reading (no link
 * followed), or -1 after answering. *size gets its size. */
static int screen_file(mm_call *c, const char *name, size_t *size) {
  if (c->who.role != MM_ROLE_HUB && c->who.role != MM_ROLE_ANALYST) {
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "header.Authorization",
                "a registry file on the server is screened with a hub or analyst token");
    return -1;
  }
  if (!c->api->screen_dir) {
    mm_problem1(c->out, 404, "not-found", "No screening directory", "query.file",
                "this server has no --screen-dir: send the registry as the body");
    return -1;
  }
  if (c->req->body_len > 0) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.file",
                "name a file or send a body, not both");
    return -1;
  }
  if (!plain_name(name)) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.file",
                mm_arena_printf(c->req->arena,
                                "'%.60s' is not a file name (letters, digits, '.', '_', '-'; "
                                "not starting with '.')", name));
    return -1;
  }
  int dir = open(c->api->screen_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (dir >= 0) close(dir);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
    close(fd);
    fd = -1;
  }
  if (fd < 0) {
    mm_problem1(c->out, 404, "not-found", "Not found", "query.file",
                mm_arena_printf(c->req->arena, "no registry file '%s' on this server", name));
    return -1;
  }
  *size = (size_t)st.st_size;
  return fd;
}

void mm_ep_screen_files(mm_call *c) {
  mm_strbuf *b = &c->out->body;
  mm_strbuf_puts(b, "{\"files\":[");
  DIR *d = c->api->screen_dir ? opendir(c->api->screen_dir) : NULL;
  int dfd = d ? dirfd(d) : -1;
  size_t n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    struct stat st;
    if (!plain_name(e->d_name) || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode))
      continue;
    char when[32] = "";
    struct tm tm;
    if (gmtime_r(&st.st_mtime, &tm)) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    mm_strbuf_puts(b, n++ ? ",{\"name\":" : "{\"name\":");
    mm_strbuf_json_string(b, e->d_name);
    mm_strbuf_printf(b, ",\"bytes\":%lld,\"modified\":\"%s\"}", (long long)st.st_size, when);
  }
  if (d) closedir(d);
  mm_strbuf_printf(b, "],\"configured\":%s}\n", c->api->screen_dir ? "true" : "false");
  mm_api_json_ok(c, 200);
}

void mm_ep_screen(mm_call *c) {
  static const char *const formats[] = {"jsonl", "csv", NULL};
  const char *fmt = mm_api_format(c, formats);
  if (!fmt) return;
  const char *juris = mm_request_query(c->req, "jurisdiction");
  mm_jurisdiction j = MM_JURIS_EU;
  if (juris && *juris && !mm_jurisdiction_parse(juris, &j)) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.jurisdiction",
                mm_arena_printf(c->req->arena, "'%s' is not a jurisdiction: use eu, us or it",
                                juris));
    return;
  }
  const char *file = mm_request_query(c->req, "file");
  if (file && !*file) file = NULL;
  const char *ct = c->req->content_type;
  if (!file && ct && strncasecmp(ct, "application/x-ndjson", 20) != 0 &&
      strncasecmp(ct, "application/jsonl", 17) != 0 &&
      strncasecmp(ct, "application/json", 16) != 0 && strncasecmp(ct, "text/plain", 10) != 0) {
    mm_problem1(c->out, 415, "unsupported-media-type", "Unsupported media type",
                "header.Content-Type",
                mm_arena_printf(c->req->arena, "'%s': send application/x-ndjson (JSON Lines)",
                                ct));
    return;
  }
  if (!c->api->kb) {
    mm_problem(c->out, 503, "kb-unavailable", "Knowledge base not loaded", NULL, NULL, 0);
    return;
  }
  if (!c->api->jobs) {
    mm_problem(c->out, 503, "busy", "Streaming not available",
               "this server runs without background jobs", NULL, 0);
    return;
  }
  size_t file_size = 0;
  int file_fd = file ? screen_file(c, file, &file_size) : -1;
  if (file && file_fd < 0) return;
  /* ?only=id,id: option ids to report; each must be a kb option */
  const char *only = mm_request_query(c->req, "only");
  job *jb = calloc(1, sizeof *jb);
  if (!jb) {
    if (file_fd >= 0) close(file_fd);
    mm_api_internal(c, "out of memory");
    return;
  }
  jb->in_fd = jb->out_fd = -1;
  if (only && *only) {
    size_t n = 1;
    for (const char *p = only; *p; p++) n += *p == ',';
    jb->only_buf = strdup(only);
    jb->only = calloc(n + 1, sizeof *jb->only);
    if (!jb->only_buf || !jb->only) {
      free(jb->only_buf);
      free(jb->only);
      free(jb);
      if (file_fd >= 0) close(file_fd);
      mm_api_internal(c, "out of memory");
      return;
    }
    size_t k = 0;
    for (char *p = jb->only_buf, *next; p; p = next) {
      next = strchr(p, ',');
      if (next) *next++ = '\0';
      if (!*p) continue;
      if (!mm_kb_find_option(c->api->kb, p)) {
        mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.only",
                    mm_arena_printf(c->req->arena, "'%s' is not an option of the knowledge base",
                                    p));
        free(jb->only_buf);
        free(jb->only);
        free(jb);
        if (file_fd >= 0) close(file_fd);
        return;
      }
      jb->only[k++] = p;
    }
  }
  mm_screen_options o = {
      .kb = c->api->kb,
      .criteria = NULL,
      .only = jb->only,
      .format = strcmp(fmt, "csv") == 0 ? MM_SCREEN_CSV : MM_SCREEN_JSONL,
      .jurisdiction = j,
      .threads = 1, /* one request must not take every core */
      .block_size = 0,
      .max_line = 0,
      .progress_fd = -1,
      .total_bytes = file ? file_size : c->req->body_len,
  };
  jb->opts = o;
  jb->jobs = c->api->jobs;
  int p[2] = {-1, -1};
  jb->in_fd = file ? file_fd : body_fd(c->req);
  if (jb->in_fd < 0 || pipe(p) != 0) {
    if (jb->in_fd >= 0) close(jb->in_fd);
    free(jb->only_buf);
    free(jb->only);
    free(jb);
    mm_api_internal(c, "cannot buffer the body");
    return;
  }
  jb->out_fd = p[1];
  pthread_mutex_lock(&jb->jobs->lock);
  jb->jobs->running++;
  pthread_mutex_unlock(&jb->jobs->lock);
  pthread_t th;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int rc = pthread_create(&th, &attr, run, jb);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    pthread_mutex_lock(&jb->jobs->lock);
    jb->jobs->running--;
    pthread_mutex_unlock(&jb->jobs->lock);
    close(p[0]);
    close(p[1]);
    close(jb->in_fd);
    free(jb->only_buf);
    free(jb->only);
    free(jb);
    c->out->retry_after = "1";
    mm_problem(c->out, 503, "busy", "Server busy", "cannot start the screening", NULL, 0);
    return;
  }
  c->out->status = 200;
  c->out->content_type =
      o.format == MM_SCREEN_CSV ? "text/csv; charset=utf-8" : "application/x-ndjson";
  c->out->pipe_fd = p[0];
}
