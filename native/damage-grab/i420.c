#include "i420.h"
#include <stdlib.h>
#include <string.h>

int i420_alloc(i420_frame *f, int width, int height) {
  f->width = width;
  f->height = height;
  f->data = calloc((size_t)width * height * 3 / 2, 1);
  if (!f->data) return -1;
  /* Black in limited range: Y 16, U/V 128. */
  memset(f->data, 16, (size_t)width * height);
  memset(f->data + (size_t)width * height, 128, (size_t)width * height / 2);
  return 0;
}

void i420_free(i420_frame *f) { free(f->data); f->data = NULL; }

size_t i420_size(const i420_frame *f) { return (size_t)f->width * f->height * 3 / 2; }

int rect_align2(rect *r, int w, int h) {
  int x0 = r->x < 0 ? 0 : r->x & ~1, y0 = r->y < 0 ? 0 : r->y & ~1;
  int x1 = r->x + r->w, y1 = r->y + r->h;
  x1 = (x1 + 1) & ~1;
  y1 = (y1 + 1) & ~1;
  if (x1 > w) x1 = w;
  if (y1 > h) y1 = h;
  if (x1 <= x0 || y1 <= y0) return 0;
  r->x = x0; r->y = y0; r->w = x1 - x0; r->h = y1 - y0;
  return 1;
}

static inline uint8_t luma(int r, int g, int b) { return (uint8_t)(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16); }
static inline uint8_t cb(int r, int g, int b) { return (uint8_t)(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128); }
static inline uint8_t cr(int r, int g, int b) { return (uint8_t)(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128); }

/* Two rows of BGRA (a, b: same columns) -> two Y rows and one U/V row. */
static void convert_row_pair(const uint8_t *a, const uint8_t *b, int n, uint8_t *ya, uint8_t *yb, uint8_t *u, uint8_t *v) {
  for (int i = 0; i < n; i += 2) {
    const uint8_t *p0 = a + 4 * i, *p1 = p0 + 4, *q0 = b + 4 * i, *q1 = q0 + 4;
    ya[i] = luma(p0[2], p0[1], p0[0]);
    ya[i + 1] = luma(p1[2], p1[1], p1[0]);
    yb[i] = luma(q0[2], q0[1], q0[0]);
    yb[i + 1] = luma(q1[2], q1[1], q1[0]);
    int r = (p0[2] + p1[2] + q0[2] + q1[2] + 2) >> 2;
    int g = (p0[1] + p1[1] + q0[1] + q1[1] + 2) >> 2;
    int bl = (p0[0] + p1[0] + q0[0] + q1[0] + 2) >> 2;
    u[i / 2] = cb(r, g, bl);
    v[i / 2] = cr(r, g, bl);
  }
}

void i420_convert_rect(i420_frame *f, const uint8_t *src, int stride, rect r) {
  const int w = f->width, h = f->height, cw = w / 2;
  uint8_t *Y = f->data, *U = Y + (size_t)w * h, *V = U + (size_t)cw * (h / 2);
  for (int y = r.y; y < r.y + r.h; y += 2) {
    const uint8_t *a = src + (size_t)y * stride + 4 * (size_t)r.x;
    convert_row_pair(a, a + stride, r.w, Y + (size_t)y * w + r.x, Y + (size_t)(y + 1) * w + r.x,
                     U + (size_t)(y / 2) * cw + r.x / 2, V + (size_t)(y / 2) * cw + r.x / 2);
  }
}

static void blend_row(uint8_t *dst, int x0, int n, int y, const uint32_t *cursor, int cx, int cy, int cw, int ch) {
  int cyr = y - cy;
  if (cyr < 0 || cyr >= ch) return;
  for (int i = 0; i < n; i++) {
    int cxr = x0 + i - cx;
    if (cxr < 0 || cxr >= cw) continue;
    uint32_t c = cursor[(size_t)cyr * cw + cxr];
    unsigned a = c >> 24;
    if (a == 0) continue;
    uint8_t *p = dst + 4 * i;
    p[0] = (uint8_t)((c & 0xff) + p[0] * (255 - a) / 255);
    p[1] = (uint8_t)(((c >> 8) & 0xff) + p[1] * (255 - a) / 255);
    p[2] = (uint8_t)(((c >> 16) & 0xff) + p[2] * (255 - a) / 255);
  }
}

void i420_convert_rect_with_cursor(i420_frame *f, const uint8_t *src, int stride, rect r,
                                   const uint32_t *cursor, int cx, int cy, int cw, int ch) {
  const int w = f->width, h = f->height, hw = w / 2;
  uint8_t *Y = f->data, *U = Y + (size_t)w * h, *V = U + (size_t)hw * (h / 2);
  uint8_t *rows = malloc((size_t)r.w * 8);
  if (!rows) return;
  for (int y = r.y; y < r.y + r.h; y += 2) {
    memcpy(rows, src + (size_t)y * stride + 4 * (size_t)r.x, (size_t)r.w * 4);
    memcpy(rows + (size_t)r.w * 4, src + (size_t)(y + 1) * stride + 4 * (size_t)r.x, (size_t)r.w * 4);
    blend_row(rows, r.x, r.w, y, cursor, cx, cy, cw, ch);
    blend_row(rows + (size_t)r.w * 4, r.x, r.w, y + 1, cursor, cx, cy, cw, ch);
    convert_row_pair(rows, rows + (size_t)r.w * 4, r.w, Y + (size_t)y * w + r.x, Y + (size_t)(y + 1) * w + r.x,
                     U + (size_t)(y / 2) * hw + r.x / 2, V + (size_t)(y / 2) * hw + r.x / 2);
  }
  free(rows);
}
