/* file.h: files that hold what must stay private (databases of patients'
 * referrals, API tokens, the audit log). */
#ifndef MM_UTIL_FILE_H
#define MM_UTIL_FILE_H

/* Creates `path` empty with mode 0600 (owner read/write only, whatever the
 * umask) when it does not exist, so that SQLite, which then opens it and
 * gives its -wal and -shm files the same mode, never makes it readable by
 * others. An existing file is left as it is. ":memory:", "" and "file:"
 * URIs are not files: nothing is done. Returns 0, or -1 with errno set. */
int mm_file_create_private(const char *path);

#endif
