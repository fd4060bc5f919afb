/* BGRA (BGR0) -> I420 conversion of rectangles, and the cursor blend. Pure: no X, no I/O. */
#ifndef DAMAGE_GRAB_I420_H
#define DAMAGE_GRAB_I420_H
#include <stddef.h>
#include <stdint.h>

/* One I420 picture of even width and height: Y (w*h), then U and V (w/2*h/2 each), contiguous. */
typedef struct {
  int width, height;
  uint8_t *data; /* width*height*3/2 bytes */
} i420_frame;

/* A rectangle in frame coordinates. */
typedef struct { int x, y, w, h; } rect;

int i420_alloc(i420_frame *f, int width, int height);
void i420_free(i420_frame *f);
size_t i420_size(const i420_frame *f);

/* Grows r to even x/y/width/height and clips it to w x h (both even). Returns 0 if empty. */
int rect_align2(rect *r, int w, int h);

/*
 * Converts the rectangle r (2-aligned, inside the frame) of a BGRA picture (src points at pixel
 * (0,0), stride in bytes) into f. BT.601 limited range, integer, the same matrix swscale uses by
 * default for bgr0->yuv420p:
 *   Y = (( 66 R + 129 G +  25 B + 128) >> 8) + 16
 *   U = ((-38 R -  74 G + 112 B + 128) >> 8) + 128
 *   V = ((112 R -  94 G -  18 B + 128) >> 8) + 128
 * U and V from the average of each 2x2 block's R, G, B (rounded).
 */
void i420_convert_rect(i420_frame *f, const uint8_t *src, int stride, rect r);

/*
 * Converts r as i420_convert_rect does, but with a cursor image (premultiplied ARGB, cw x ch,
 * top-left at cx, cy in frame coordinates) blended over the source first, like x11grab's
 * draw_mouse: out = cursor + src * (255 - alpha) / 255.
 */
void i420_convert_rect_with_cursor(i420_frame *f, const uint8_t *src, int stride, rect r,
                                   const uint32_t *cursor, int cx, int cy, int cw, int ch);
#endif
