#include "marks.h"
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int marks_open(const char *path) { return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640); }

void marks_write(int fd, int64_t frame_ms, int64_t still_ms) {
  if (fd < 0) return;
  char line[MARKS_LINE_BYTES + 1];
  int n = snprintf(line, sizeof line, "%013lld %013lld\n", (long long)frame_ms, (long long)still_ms);
  if (n != MARKS_LINE_BYTES) return;
  ssize_t done = pwrite(fd, line, (size_t)n, 0);
  (void)done;
}
