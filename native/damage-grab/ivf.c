#include "ivf.h"
#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void le16(uint8_t *p, unsigned v) { p[0] = v & 0xff; p[1] = (v >> 8) & 0xff; }
static void le32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (v >> (8 * i)) & 0xff; }
static void le64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (v >> (8 * i)) & 0xff; }

/* Writes every iovec whole, resuming after partial writes and EINTR. */
static int writev_all(int fd, struct iovec *iov, int n) {
  while (n > 0) {
    ssize_t done = writev(fd, iov, n);
    if (done < 0) {
      if (errno == EINTR) continue;
      return errno == EPIPE ? -1 : -2;
    }
    if (done == 0) return -1;
    while (n > 0 && (size_t)done >= iov->iov_len) { done -= (ssize_t)iov->iov_len; iov++; n--; }
    if (n > 0) { iov->iov_base = (uint8_t *)iov->iov_base + done; iov->iov_len -= (size_t)done; }
  }
  return 0;
}

int ivf_write_header(int fd, int width, int height) {
  uint8_t h[32];
  memset(h, 0, sizeof h);
  memcpy(h, "DKIF", 4);
  le16(h + 4, 0);       /* version */
  le16(h + 6, 32);      /* header size */
  memcpy(h + 8, "I420", 4);
  le16(h + 12, (unsigned)width);
  le16(h + 14, (unsigned)height);
  le32(h + 16, 1000);   /* time base denominator: pts are milliseconds */
  le32(h + 20, 1);      /* time base numerator */
  le32(h + 24, 0);      /* frame count: unknown (a live stream) */
  struct iovec iov = { h, sizeof h };
  return writev_all(fd, &iov, 1);
}

int ivf_write_frame(int fd, int64_t pts_ms, const uint8_t *data, size_t size) {
  uint8_t h[12];
  le32(h, (uint32_t)size);
  le64(h + 4, (uint64_t)pts_ms);
  struct iovec iov[2] = { { h, sizeof h }, { (void *)data, size } };
  return writev_all(fd, iov, 2);
}

int write_all(int fd, const uint8_t *buf, size_t size) {
  struct iovec iov = { (void *)buf, size };
  return writev_all(fd, &iov, 1);
}
