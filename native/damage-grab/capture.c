#include "capture.h"
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>

struct capture {
  Display *dpy;
  Window root;
  rect area;             /* in root coordinates; w, h even */
  XShmSegmentInfo shm;   /* w*h*4 bytes: each grab lands at its start */
  XImage *img;
  uint8_t *fb;           /* the kept BGRA picture of the area, stride w*4 */
  int use_damage, draw_cursor;
  int damage_event, fixes_event, damaged;
  Damage damage;
  XserverRegion region;
  int scan_row;
  /* Cursor: premultiplied ARGB image, its top-left in area coordinates, and what was drawn last. */
  uint32_t *cursor;
  int cur_w, cur_h, cur_xhot, cur_yhot, shape_changed;
  int drawn_x, drawn_y, drawn_w, drawn_h, drawn;
};

static void die(int code, const char *message) {
  fprintf(stderr, "damage-grab: %s\n", message);
  exit(code);
}

static int on_x_error(Display *dpy, XErrorEvent *e) {
  char text[256];
  XGetErrorText(dpy, e->error_code, text, sizeof text);
  /* The area is read from the root: a BadMatch is a screen that no longer holds it (shrank). */
  if (e->error_code == BadMatch) {
    fprintf(stderr, "damage-grab: the capture area is outside the screen (X error: %s); it shrank: capture again on the new layout\n", text);
    exit(EXIT_AREA_OUTSIDE);
  }
  fprintf(stderr, "damage-grab: X error: %s (request %d.%d)\n", text, e->request_code, e->minor_code);
  exit(EXIT_X_ERROR);
}

static int on_io_error(Display *dpy) {
  (void)dpy;
  fprintf(stderr, "damage-grab: lost the X connection (the server went away or another client disconnected this one)\n");
  exit(EXIT_CONNECTION_LOST);
}

void dirty_add(dirty_list *d, rect r) {
  if (r.w <= 0 || r.h <= 0) return;
  if (d->n == MAX_DIRTY) { d->overflow = 1; return; }
  d->r[d->n++] = r;
}

static void load_cursor(capture *c) {
  XFixesCursorImage *ci = XFixesGetCursorImage(c->dpy);
  if (!ci) return;
  free(c->cursor);
  c->cursor = malloc(sizeof(uint32_t) * ci->width * ci->height);
  if (c->cursor) {
    for (int i = 0; i < ci->width * ci->height; i++) c->cursor[i] = (uint32_t)ci->pixels[i];
    c->cur_w = ci->width; c->cur_h = ci->height; c->cur_xhot = ci->xhot; c->cur_yhot = ci->yhot;
  }
  XFree(ci);
}

capture *capture_open(const char *display, rect area, int use_damage, int draw_cursor) {
  XSetErrorHandler(on_x_error);
  XSetIOErrorHandler(on_io_error);
  capture *c = calloc(1, sizeof *c);
  if (!c) die(EXIT_BUG, "out of memory");
  c->dpy = XOpenDisplay(display);
  if (!c->dpy) {
    fprintf(stderr, "damage-grab: cannot open display \"%s\": check DISPLAY and the X server's access control (xhost/XAUTHORITY)\n", display);
    exit(EXIT_NO_DISPLAY);
  }
  c->root = DefaultRootWindow(c->dpy);
  c->area = area;
  c->use_damage = use_damage;
  c->draw_cursor = draw_cursor;
  int major, minor, error_base;
  Bool pixmaps;
  if (!XShmQueryExtension(c->dpy) || !XShmQueryVersion(c->dpy, &major, &minor, &pixmaps))
    die(EXIT_NO_EXTENSION, "the X server has no MIT-SHM extension (shared memory): use the x11grab capture instead");
  if (!XDamageQueryExtension(c->dpy, &c->damage_event, &error_base))
    die(EXIT_NO_EXTENSION, "the X server has no DAMAGE extension: use the x11grab capture instead");
  if (!XFixesQueryExtension(c->dpy, &c->fixes_event, &error_base))
    die(EXIT_NO_EXTENSION, "the X server has no XFIXES extension: use the x11grab capture instead");
  XWindowAttributes wa;
  XGetWindowAttributes(c->dpy, c->root, &wa);
  if (area.x < 0 || area.y < 0 || area.x + area.w > wa.width || area.y + area.h > wa.height) {
    fprintf(stderr, "damage-grab: the capture area %dx%d+%d+%d is outside the %dx%d screen\n", area.w, area.h, area.x, area.y, wa.width, wa.height);
    exit(EXIT_AREA_OUTSIDE);
  }
  Visual *visual = DefaultVisual(c->dpy, DefaultScreen(c->dpy));
  c->img = XShmCreateImage(c->dpy, visual, DefaultDepth(c->dpy, DefaultScreen(c->dpy)), ZPixmap, NULL, &c->shm, area.w, area.h);
  if (!c->img || c->img->bits_per_pixel != 32)
    die(EXIT_NO_EXTENSION, "the screen is not 24/32-bit TrueColor: use the x11grab capture instead");
  c->shm.shmid = shmget(IPC_PRIVATE, (size_t)area.w * area.h * 4, IPC_CREAT | 0600);
  if (c->shm.shmid < 0) die(EXIT_BUG, "shmget failed: no shared memory for the grab");
  c->shm.shmaddr = c->img->data = shmat(c->shm.shmid, NULL, 0);
  c->shm.readOnly = False;
  if (!XShmAttach(c->dpy, &c->shm)) die(EXIT_NO_EXTENSION, "XShmAttach failed: use the x11grab capture instead");
  XSync(c->dpy, False);
  shmctl(c->shm.shmid, IPC_RMID, NULL); /* freed by the kernel once both sides detach, even after a kill */
  c->fb = calloc((size_t)area.w * area.h, 4);
  if (!c->fb) die(EXIT_BUG, "out of memory");
  XSelectInput(c->dpy, c->root, StructureNotifyMask);
  if (use_damage) {
    c->damage = XDamageCreate(c->dpy, c->root, XDamageReportNonEmpty);
    c->region = XFixesCreateRegion(c->dpy, NULL, 0);
  }
  if (draw_cursor) {
    XFixesSelectCursorInput(c->dpy, c->root, XFixesDisplayCursorNotifyMask);
    load_cursor(c);
  }
  return c;
}

/* Reads r (area coordinates) from the screen into the shm segment (rows of r.w*4 bytes). */
static const uint8_t *grab(capture *c, rect r) {
  c->img->width = r.w;
  c->img->height = r.h;
  c->img->bytes_per_line = r.w * 4;
  if (!XShmGetImage(c->dpy, c->root, c->img, c->area.x + r.x, c->area.y + r.y, AllPlanes))
    die(EXIT_X_ERROR, "XShmGetImage failed");
  return (const uint8_t *)c->img->data;
}

/* Folds a grabbed rectangle into the framebuffer; adds the part that changed (whole rows) to d. */
static int fold(capture *c, rect r, const uint8_t *px, dirty_list *d) {
  int first = -1, last = -1, left = r.w, right = -1;
  size_t row = (size_t)r.w * 4;
  for (int y = 0; y < r.h; y++) {
    uint8_t *dst = c->fb + ((size_t)(r.y + y) * c->area.w + r.x) * 4;
    const uint8_t *src = px + (size_t)y * row;
    if (memcmp(dst, src, row) == 0) continue;
    const uint32_t *s = (const uint32_t *)src, *t = (const uint32_t *)dst;
    int l = 0, rr = r.w - 1;
    while (l < r.w && (s[l] & 0xffffff) == (t[l] & 0xffffff)) l++;
    while (rr > l && (s[rr] & 0xffffff) == (t[rr] & 0xffffff)) rr--;
    memcpy(dst, src, row);
    if (l == r.w) continue; /* only the padding byte differed */
    if (first < 0) first = y;
    last = y;
    if (l < left) left = l;
    if (rr > right) right = rr;
  }
  if (first < 0) return 0;
  dirty_add(d, (rect){ r.x + left, r.y + first, right - left + 1, last - first + 1 });
  return 1;
}

void capture_grab_all(capture *c) {
  rect all = { 0, 0, c->area.w, c->area.h };
  memcpy(c->fb, grab(c, all), (size_t)c->area.w * c->area.h * 4);
}

void capture_events(capture *c) {
  while (XPending(c->dpy)) {
    XEvent e;
    XNextEvent(c->dpy, &e);
    if (e.type == c->damage_event + XDamageNotify) c->damaged = 1;
    else if (e.type == c->fixes_event + XFixesCursorNotify) c->shape_changed = 1;
    else if (e.type == ConfigureNotify && e.xconfigure.window == c->root) {
      if (c->area.x + c->area.w > e.xconfigure.width || c->area.y + c->area.h > e.xconfigure.height) {
        fprintf(stderr, "damage-grab: the screen shrank to %dx%d: the capture area %dx%d+%d+%d is outside it; capture again on the new layout\n",
                e.xconfigure.width, e.xconfigure.height, c->area.w, c->area.h, c->area.x, c->area.y);
        exit(EXIT_AREA_OUTSIDE);
      }
    }
  }
}

int capture_damaged(capture *c, dirty_list *d) {
  if (!c->use_damage || !c->damaged) return 0;
  c->damaged = 0;
  XDamageSubtract(c->dpy, c->damage, None, c->region);
  int n = 0;
  XRectangle bounds;
  XRectangle *rs = XFixesFetchRegionAndBounds(c->dpy, c->region, &n, &bounds);
  int changed = 0;
  /* Many small rectangles cost a round trip each: past 16, one grab of their bounding box. */
  int count = n > 16 ? 1 : n;
  for (int i = 0; i < count; i++) {
    XRectangle *x = n > 16 ? &bounds : &rs[i];
    rect r = { x->x - c->area.x, x->y - c->area.y, x->width, x->height };
    if (r.x < 0) { r.w += r.x; r.x = 0; }
    if (r.y < 0) { r.h += r.y; r.y = 0; }
    if (r.x + r.w > c->area.w) r.w = c->area.w - r.x;
    if (r.y + r.h > c->area.h) r.h = c->area.h - r.y;
    if (r.w <= 0 || r.h <= 0) continue;
    changed += fold(c, r, grab(c, r), d);
  }
  if (rs) XFree(rs);
  return changed;
}

int capture_scan_band(capture *c, int band_rows, dirty_list *d) {
  if (c->scan_row >= c->area.h) c->scan_row = 0;
  rect r = { 0, c->scan_row, c->area.w, band_rows };
  if (r.y + r.h > c->area.h) r.h = c->area.h - r.y;
  c->scan_row += r.h;
  return fold(c, r, grab(c, r), d);
}

int capture_cursor(capture *c, dirty_list *d) {
  if (!c->draw_cursor) return 0;
  Window root_ret, child;
  int rx, ry, wx, wy;
  unsigned mask;
  if (!XQueryPointer(c->dpy, c->root, &root_ret, &child, &rx, &ry, &wx, &wy, &mask)) return 0; /* pointer on another screen */
  if (c->shape_changed) { c->shape_changed = 0; load_cursor(c); c->drawn = -1; }
  int x = rx - c->cur_xhot - c->area.x, y = ry - c->cur_yhot - c->area.y;
  int visible = c->cursor && x < c->area.w && y < c->area.h && x + c->cur_w > 0 && y + c->cur_h > 0;
  if (c->drawn == 1 && visible && x == c->drawn_x && y == c->drawn_y) return 0;
  if (c->drawn == 0 && !visible) return 0;
  if (c->drawn != 0) dirty_add(d, (rect){ c->drawn_x, c->drawn_y, c->drawn_w, c->drawn_h });
  c->drawn = visible;
  c->drawn_x = x; c->drawn_y = y; c->drawn_w = c->cur_w; c->drawn_h = c->cur_h;
  if (visible) dirty_add(d, (rect){ x, y, c->cur_w, c->cur_h });
  return 1;
}

void capture_render(capture *c, const dirty_list *d, i420_frame *f) {
  const int w = c->area.w, h = c->area.h, stride = w * 4;
  if (d->overflow) {
    i420_convert_rect(f, c->fb, stride, (rect){ 0, 0, w, h });
  } else {
    for (int i = 0; i < d->n; i++) {
      rect r = d->r[i];
      if (rect_align2(&r, w, h)) i420_convert_rect(f, c->fb, stride, r);
    }
  }
  if (c->drawn == 1) {
    rect r = { c->drawn_x, c->drawn_y, c->drawn_w, c->drawn_h };
    if (rect_align2(&r, w, h))
      i420_convert_rect_with_cursor(f, c->fb, stride, r, c->cursor, c->drawn_x, c->drawn_y, c->cur_w, c->cur_h);
  }
}

void capture_close(capture *c) {
  XShmDetach(c->dpy, &c->shm);
  XCloseDisplay(c->dpy);
  shmdt(c->shm.shmaddr);
  free(c->fb);
  free(c->cursor);
  free(c);
}
