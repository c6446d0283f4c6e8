/*
 * LD_PRELOAD shim for the power-loss crash test (bench/test/crash-durability.test.ts).
 *
 * kill -9 keeps the kernel's page cache, so a database that never fsyncs still looks intact after
 * one. This shim models the disk instead: whenever the process fsyncs (or fdatasyncs) a file whose
 * path starts with $WINDBACK_DURABLE_PREFIX, the file's whole content at that moment is copied to
 * "<path>.durable" (written to a temp file and renamed, so a kill mid-copy leaves the previous
 * copy). After a kill, the test replaces each file with its .durable copy (or deletes it when it
 * was never synced): exactly what a power cut that loses every unsynced write leaves behind.
 * The -shm file is skipped: SQLite rebuilds it from the WAL.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Copies the content of fd to "<path>.durable" atomically; returns 0 or -1 (errno set). */
static int snapshot(int fd) {
  const char *prefix = getenv("WINDBACK_DURABLE_PREFIX");
  if (prefix == NULL || prefix[0] == '\0') return 0;
  char link[64], path[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t len = readlink(link, path, sizeof path - 1);
  if (len < 0) return 0;
  path[len] = '\0';
  if (strncmp(path, prefix, strlen(prefix)) != 0) return 0;
  if (ends_with(path, "-shm") || ends_with(path, ".durable") || ends_with(path, ".tmp")) return 0;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return 0;

  char durable[PATH_MAX + 16], tmp[PATH_MAX + 16];
  snprintf(durable, sizeof durable, "%s.durable", path);
  snprintf(tmp, sizeof tmp, "%s.durable.tmp", path);
  pthread_mutex_lock(&lock);
  int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) {
    pthread_mutex_unlock(&lock);
    return -1;
  }
  static char buf[1 << 16];
  off_t offset = 0;
  int rc = 0;
  for (;;) {
    ssize_t got = pread(fd, buf, sizeof buf, offset);
    if (got < 0) {
      if (errno == EINTR) continue;
      rc = -1;
      break;
    }
    if (got == 0) break;
    ssize_t done = 0;
    while (done < got) {
      ssize_t w = write(out, buf + done, (size_t)(got - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        rc = -1;
        break;
      }
      done += w;
    }
    if (rc != 0) break;
    offset += got;
  }
  close(out);
  if (rc == 0 && rename(tmp, durable) != 0) rc = -1;
  pthread_mutex_unlock(&lock);
  return rc;
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  int rc = real(fd);
  if (rc == 0 && snapshot(fd) != 0) return -1;
  return rc;
}

int fdatasync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
  int rc = real(fd);
  if (rc == 0 && snapshot(fd) != 0) return -1;
  return rc;
}
