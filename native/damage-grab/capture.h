/* The X side: a kept BGRA copy of the capture area, refreshed from damage, a rolling scan and the cursor. */
#ifndef DAMAGE_GRAB_CAPTURE_H
#define DAMAGE_GRAB_CAPTURE_H
#include <stdint.h>
#include "i420.h"

/* Exit codes (stable: src/adapters/damageGrab.ts explains them). */
enum {
  EXIT_OK = 0, EXIT_BUG = 1, EXIT_USAGE = 2, EXIT_NO_DISPLAY = 3, EXIT_NO_EXTENSION = 4,
  EXIT_AREA_OUTSIDE = 5, EXIT_CONNECTION_LOST = 6, EXIT_X_ERROR = 7, EXIT_WRITE_ERROR = 8,
};

#define MAX_DIRTY 64

typedef struct capture capture;

typedef struct {
  rect r[MAX_DIRTY];
  int n;
  int overflow; /* more rectangles than fit: the whole area is dirty */
} dirty_list;

void dirty_add(dirty_list *d, rect r);

/* Opens the display and checks XShm, DAMAGE and XFIXES and the area; exits with one line on failure. */
capture *capture_open(const char *display, rect area, int use_damage, int draw_cursor);
/* Re-reads the whole area into the kept framebuffer. */
void capture_grab_all(capture *c);
/* Reads pending X events: damage, cursor shape, root size (exits if the area left the screen). */
void capture_events(capture *c);
/* Re-reads what damage reported since the last call; changed rectangles go to d. Returns how many changed. */
int capture_damaged(capture *c, dirty_list *d);
/* Re-reads the next band of rows (the safety scan); changed rows go to d. Returns 1 if any changed. */
int capture_scan_band(capture *c, int band_rows, dirty_list *d);
/*
 * Where the cursor is and whether it moved or changed shape since the last call. Adds its old and
 * new rectangles to d when it did. Returns 1 on a change.
 */
int capture_cursor(capture *c, dirty_list *d);
/* Converts the dirty rectangles, then draws the cursor over its rectangle, into f. */
void capture_render(capture *c, const dirty_list *d, i420_frame *f);
void capture_close(capture *c);
#endif
