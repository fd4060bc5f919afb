/*
 * damage-grab: an X11 screen grabber that reads only what changed, for session-recorder.
 *
 *   damage-grab [options] DISPLAY X Y W H
 *     --fps N            ticks per second (default 5)
 *     --still S          write a frame at least every S seconds on a still screen (default 0.4)
 *     --scan-seconds S   the safety scan re-reads every row at least every S seconds (default 2)
 *     --no-cursor        do not draw the pointer
 *     --no-damage        ignore DAMAGE: only the safety scan (tests prove it alone catches changes)
 *   damage-grab --convert-only W H     raw BGR0 frames on stdin -> raw I420 frames on stdout
 *   damage-grab --probe DISPLAY        checks the display and its extensions, prints the root size
 *
 * Output: IVF, fourcc I420, time base 1/1000, pts = wall-clock epoch milliseconds of the grab, one
 * frame per tick in which anything changed (damage, safety scan, pointer) or when `still` seconds
 * passed since the last frame. Why: on an idle screen x11grab + mpdecimate grab and convert every
 * whole frame only to drop it; this reads a band per tick and converts only changed rectangles.
 * Exit codes: capture.h. SIGTERM/SIGINT and a closed stdout (EPIPE) end it with 0.
 */
#include "capture.h"
#include "ivf.h"
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;
static void on_stop(int sig) { (void)sig; stopping = 1; }

static void usage(const char *why) {
  fprintf(stderr, "damage-grab: %s; usage: damage-grab [--fps N] [--still S] [--scan-seconds S] [--no-cursor] [--no-damage] DISPLAY X Y W H"
                  " | --convert-only W H | --probe DISPLAY\n", why);
  exit(EXIT_USAGE);
}

static int parse_int(const char *s, int min, const char *name) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < min || v > 65534) {
    char why[160];
    snprintf(why, sizeof why, "expected %s to be a whole number from %d to 65534, got \"%s\"", name, min, s);
    usage(why);
  }
  return (int)v;
}

static double parse_seconds(const char *s, const char *name) {
  char *end;
  double v = strtod(s, &end);
  if (*s == '\0' || *end != '\0' || !(v > 0) || v > 3600) {
    char why[160];
    snprintf(why, sizeof why, "expected %s to be seconds, more than 0, got \"%s\"", name, s);
    usage(why);
  }
  return v;
}

static int64_t wall_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void stop_on_write(int rc) {
  if (rc == -1) exit(EXIT_OK); /* the reader (FFmpeg) is gone: nothing left to do */
  fprintf(stderr, "damage-grab: cannot write to stdout: %s\n", strerror(errno));
  exit(EXIT_WRITE_ERROR);
}

static int convert_only(int w, int h) {
  if (w % 2 || h % 2) usage("expected an even width and height");
  size_t in_size = (size_t)w * h * 4;
  uint8_t *in = malloc(in_size);
  i420_frame f;
  if (!in || i420_alloc(&f, w, h)) { fprintf(stderr, "damage-grab: out of memory\n"); return EXIT_BUG; }
  for (;;) {
    size_t got = 0;
    while (got < in_size) {
      ssize_t n = read(0, in + got, in_size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += (size_t)n;
    }
    if (got < in_size) return got == 0 ? EXIT_OK : (fprintf(stderr, "damage-grab: the input ended inside a frame\n"), EXIT_USAGE);
    i420_convert_rect(&f, in, w * 4, (rect){ 0, 0, w, h });
    int rc = write_all(1, f.data, i420_size(&f));
    if (rc) stop_on_write(rc);
  }
}

static void sleep_until(struct timespec *next) {
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR && !stopping) {}
}

int main(int argc, char **argv) {
  double fps = 5, still = 0.4, scan_seconds = 2;
  int draw_cursor = 1, use_damage = 1, mode = 0; /* 0 grab, 1 convert-only, 2 probe */
  static const struct option options[] = {
    { "fps", required_argument, 0, 'f' }, { "still", required_argument, 0, 's' },
    { "scan-seconds", required_argument, 0, 'S' }, { "no-cursor", no_argument, 0, 'c' },
    { "no-damage", no_argument, 0, 'd' }, { "convert-only", no_argument, 0, 'C' },
    { "probe", no_argument, 0, 'p' }, { 0, 0, 0, 0 },
  };
  int opt;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (opt) {
      case 'f': fps = parse_seconds(optarg, "--fps"); break;
      case 's': still = parse_seconds(optarg, "--still"); break;
      case 'S': scan_seconds = parse_seconds(optarg, "--scan-seconds"); break;
      case 'c': draw_cursor = 0; break;
      case 'd': use_damage = 0; break;
      case 'C': mode = 1; break;
      case 'p': mode = 2; break;
      default: usage("unknown option");
    }
  }
  int rest = argc - optind;
  if (mode == 1) {
    if (rest != 2) usage("--convert-only takes W H");
    return convert_only(parse_int(argv[optind], 2, "W"), parse_int(argv[optind + 1], 2, "H"));
  }
  if (mode == 2) {
    if (rest != 1) usage("--probe takes DISPLAY");
    capture *c = capture_open(argv[optind], (rect){ 0, 0, 2, 2 }, 1, 1);
    capture_close(c);
    printf("ok\n");
    return EXIT_OK;
  }
  if (rest != 5) usage("expected DISPLAY X Y W H");
  rect area = { parse_int(argv[optind + 1], 0, "X"), parse_int(argv[optind + 2], 0, "Y"),
                parse_int(argv[optind + 3], 2, "W"), parse_int(argv[optind + 4], 2, "H") };
  if (area.w % 2 || area.h % 2) usage("expected an even width and height (H.264 4:2:0)");

  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  capture *c = capture_open(argv[optind], area, use_damage, draw_cursor);
  i420_frame frame;
  if (i420_alloc(&frame, area.w, area.h)) { fprintf(stderr, "damage-grab: out of memory\n"); return EXIT_BUG; }
  int rc = ivf_write_header(1, area.w, area.h);
  if (rc) stop_on_write(rc);

  const long tick_ns = (long)(1e9 / fps);
  const int still_ticks = still * fps < 1.5 ? 1 : (int)(still * fps + 0.5);
  /* Every row re-read at least every scan_seconds: that many ticks share the height. */
  int scan_ticks = (int)(scan_seconds * fps);
  if (scan_ticks < 1) scan_ticks = 1;
  const int band = (((area.h + scan_ticks - 1) / scan_ticks) + 1) & ~1;
  int64_t last_pts = -1;
  int since_frame = still_ticks; /* the first tick writes */
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);

  capture_grab_all(c);
  dirty_list all = { .r = { { 0, 0, area.w, area.h } }, .n = 1 };
  capture_cursor(c, &all);
  capture_render(c, &all, &frame);

  for (int first = 1; !stopping; first = 0) {
    int64_t pts = wall_ms();
    int changed = first;
    if (!first) {
      dirty_list d = { .n = 0 };
      capture_events(c);
      changed |= capture_damaged(c, &d) > 0;
      changed |= capture_scan_band(c, band, &d);
      changed |= capture_cursor(c, &d);
      capture_render(c, &d, &frame);
    }
    since_frame++;
    if (changed || since_frame >= still_ticks) {
      if (pts <= last_pts) pts = last_pts + 1; /* strictly increasing, even if the clock stepped back */
      rc = ivf_write_frame(1, pts, frame.data, i420_size(&frame));
      if (rc) stop_on_write(rc);
      last_pts = pts;
      since_frame = 0;
    }
    next.tv_nsec += tick_ns;
    while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    /* Fell more than a tick behind (a stalled server, a blocked pipe): start ticking from now. */
    if (now.tv_sec > next.tv_sec + 1 || (now.tv_sec == next.tv_sec + 1 && now.tv_nsec > next.tv_nsec)) next = now;
    sleep_until(&next);
  }
  capture_close(c);
  i420_free(&frame);
  return EXIT_OK;
}
