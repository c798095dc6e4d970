/* file.c: private files (file.h). */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int mm_file_create_private(const char *path) {
  if (!path || !*path || strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
    return 0;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno == EEXIST ? 0 : -1;
  /* O_CREAT's mode is masked by the umask: 0600 is said again */
  int rc = fchmod(fd, 0600);
  close(fd);
  return rc;
}
