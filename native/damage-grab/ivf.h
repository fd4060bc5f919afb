/* IVF output: a 32-byte file header, then per frame a 12-byte header and the frame. */
#ifndef DAMAGE_GRAB_IVF_H
#define DAMAGE_GRAB_IVF_H
#include <stddef.h>
#include <stdint.h>

/* Writes the file header: fourcc I420, the size, time base 1/1000 (pts in milliseconds). */
int ivf_write_header(int fd, int width, int height);
/* Writes one frame: LE32 size, LE64 pts, then the bytes (writev). 0 ok, -1 on EPIPE/EOF, -2 other error. */
int ivf_write_frame(int fd, int64_t pts_ms, const uint8_t *data, size_t size);
/* Writes all of buf (raw output of --convert-only); same return values. */
int write_all(int fd, const uint8_t *buf, size_t size);
#endif
