/*
 * damage-grab: an X11 screen grabber that reads only what changed, for session-recorder.
 *
 *   damage-grab [options] DISPLAY X Y W H
 *     --fps N            ticks per second (default 5)
 *     --still S          write a frame at least every S seconds on a still screen (default 0.4; the
 *                        recorder passes 60 with --marks, src/adapters/damageGrabArgs.ts)
 *     --segment S        FFmpeg cuts segments every S seconds from the first frame: write a frame on
 *                        the tick before each boundary and on it (schedule.h says why)
 *     --marks PATH       after every tick, record the last frame written and the last tick checked
 *                        unchanged in PATH (marks.h): a still screen then needs no heartbeat frame
 *     --scan-seconds S   the safety scan re-reads every row at least every S seconds (default 2)
 *     --no-cursor        do not draw the pointer
 *     --no-damage        ignore DAMAGE: only the safety scan (tests prove it alone catches changes)
 *   damage-grab --convert-only W H     raw BGR0 frames on stdin -> raw I420 frames on stdout
 *   damage-grab --probe DISPLAY        checks the display and its extensions, prints the root size
 *
 * Output: IVF, fourcc I420, time base 1/1000, pts in epoch milliseconds on the tick grid: the first
 * frame's wall clock + k*1000/fps (so FFmpeg's own packet duration, one frame period, ends each
 * frame on the next tick), one frame per tick in which anything changed (damage, safety scan,
 * pointer), when `still` seconds passed since the last frame, around segment boundaries (schedule.h),
 * and a last one at the stop (so the recording lasts until then) or at an exit on an X error (on the
 * last tick checked). Why: on an idle screen x11grab + mpdecimate grab and convert every
 * whole frame only to drop it; this reads a band per tick and converts only changed rectangles.
 * Exit codes: capture.h. SIGTERM/SIGINT and a closed stdout (EPIPE, or seen closed on a tick that
 * wrote nothing, with --marks) end it with 0.
 */
#include "capture.h"
#include "ivf.h"
#include "marks.h"
#include "schedule.h"
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;
static void on_stop(int sig) { (void)sig; stopping = 1; }

static void usage(const char *why) {
  fprintf(stderr, "damage-grab: %s; usage: damage-grab [--fps N] [--still S] [--segment S] [--marks PATH] [--scan-seconds S] [--no-cursor] [--no-damage] DISPLAY X Y W H"
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

static int64_t clock_ms(clockid_t id) {
  struct timespec t;
  clock_gettime(id, &t);
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

/*
 * The picture as last checked, for a grabber that must exit on an X error (the server went away,
 * the area left the screen): one last frame on the last tick it checked, written at exit, so
 * FFmpeg's segment lasts until then rather than ending one tick after the last change (with a
 * long --still that could be a minute earlier).
 */
static struct {
  const i420_frame *frame;
  int64_t first_pts, last_pts, checked_pts; /* checked_pts: the last tick fully checked, -1 before */
} last_seen = { 0, 0, -1, -1 };

static void write_last_seen(void) {
  if (last_seen.frame == 0 || last_seen.checked_pts <= last_seen.last_pts) return;
  if (ivf_write_frame(1, last_seen.checked_pts, last_seen.frame->data, i420_size(last_seen.frame)) == 0) last_seen.last_pts = last_seen.checked_pts;
}

/* FFmpeg closed its end: a still screen writes nothing that would fail, so ask the pipe. */
static int reader_gone(void) {
  struct pollfd p = { .fd = 1, .events = 0, .revents = 0 };
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLERR | POLLHUP));
}

static void sleep_until(struct timespec *next) {
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, next, NULL) == EINTR && !stopping) {}
}

int main(int argc, char **argv) {
  double fps = 5, still = 0.4, scan_seconds = 2, segment = 0;
  const char *marks_path = 0;
  int draw_cursor = 1, use_damage = 1, mode = 0; /* 0 grab, 1 convert-only, 2 probe */
  static const struct option options[] = {
    { "fps", required_argument, 0, 'f' }, { "still", required_argument, 0, 's' }, { "segment", required_argument, 0, 'g' },
    { "marks", required_argument, 0, 'm' },
    { "scan-seconds", required_argument, 0, 'S' }, { "no-cursor", no_argument, 0, 'c' },
    { "no-damage", no_argument, 0, 'd' }, { "convert-only", no_argument, 0, 'C' },
    { "probe", no_argument, 0, 'p' }, { 0, 0, 0, 0 },
  };
  int opt;
  while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
    switch (opt) {
      case 'f': fps = parse_seconds(optarg, "--fps"); break;
      case 's': still = parse_seconds(optarg, "--still"); break;
      case 'g': segment = parse_seconds(optarg, "--segment"); break;
      case 'm': marks_path = optarg; break;
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

  int marks_fd = -1;
  if (marks_path != 0 && (marks_fd = marks_open(marks_path)) < 0) {
    fprintf(stderr, "damage-grab: cannot open the marks file %s: %s\n", marks_path, strerror(errno));
    return EXIT_USAGE;
  }
  capture *c = capture_open(argv[optind], area, use_damage, draw_cursor);
  i420_frame frame;
  if (i420_alloc(&frame, area.w, area.h)) { fprintf(stderr, "damage-grab: out of memory\n"); return EXIT_BUG; }
  int rc = ivf_write_header(1, area.w, area.h);
  if (rc) stop_on_write(rc);

  schedule plan;
  schedule_init(&plan, fps, still, segment);
  /* Every row re-read at least every scan_seconds: that many ticks share the height. */
  int scan_ticks = (int)(scan_seconds * fps);
  if (scan_ticks < 1) scan_ticks = 1;
  const int band = (((area.h + scan_ticks - 1) / scan_ticks) + 1) & ~1;
  struct timespec start, next;
  clock_gettime(CLOCK_MONOTONIC, &start);
  next = start;
  const int64_t start_mono_ms = (int64_t)start.tv_sec * 1000 + start.tv_nsec / 1000000;
  const int64_t first_pts = clock_ms(CLOCK_REALTIME); /* the timeline's origin: wall clock of tick 0 */
  int64_t last_pts = -1;
  last_seen.frame = &frame;
  last_seen.first_pts = first_pts;
  atexit(write_last_seen);

  capture_grab_all(c);
  dirty_list all = { .r = { { 0, 0, area.w, area.h } }, .n = 1 };
  capture_cursor(c, &all);
  capture_render(c, &all, &frame);

  for (int64_t k = 0; !stopping;) {
    for (int64_t t; (t = schedule_missed(&plan, k)) >= 0; schedule_wrote(&plan, t)) {
      last_pts = first_pts + schedule_tick_ms(&plan, t);
      rc = ivf_write_frame(1, last_pts, frame.data, i420_size(&frame));
      if (rc) stop_on_write(rc);
      last_seen.last_pts = last_pts;
    }
    int changed = k == 0;
    if (k > 0) {
      dirty_list d = { .n = 0 };
      capture_events(c);
      changed |= capture_damaged(c, &d) > 0;
      changed |= capture_scan_band(c, band, &d);
      changed |= capture_cursor(c, &d);
      capture_render(c, &d, &frame);
    }
    const int64_t tick_pts = first_pts + schedule_tick_ms(&plan, k);
    int64_t extra_ms;
    int wrote = 0;
    if (schedule_due(&plan, k, changed, &extra_ms)) {
      wrote = 1;
      rc = ivf_write_frame(1, tick_pts, frame.data, i420_size(&frame));
      if (rc) stop_on_write(rc);
      last_pts = tick_pts;
      if (extra_ms >= 0 && first_pts + extra_ms > last_pts) {
        last_pts = first_pts + extra_ms;
        rc = ivf_write_frame(1, last_pts, frame.data, i420_size(&frame));
        if (rc) stop_on_write(rc);
      }
      schedule_wrote(&plan, k);
    }
    last_seen.last_pts = last_pts;
    if (tick_pts > last_seen.checked_pts) last_seen.checked_pts = tick_pts;
    if (marks_fd >= 0) {
      marks_write(marks_fd, last_pts - first_pts, (tick_pts > last_pts ? tick_pts : last_pts) - first_pts);
      if (!wrote && reader_gone()) exit(EXIT_OK);
    }
    /* The next tick on the grid; after a stall (a grabbed server, a blocked pipe) the first one not yet passed. */
    k++;
    int64_t now_ms = clock_ms(CLOCK_MONOTONIC) - start_mono_ms;
    if (schedule_tick_ms(&plan, k) + 1000 / fps < now_ms) k = (int64_t)(now_ms * fps / 1000.0) + 1;
    int64_t at_ns = (int64_t)start.tv_nsec + (int64_t)llround((double)k * 1e9 / fps);
    next.tv_sec = start.tv_sec + (time_t)(at_ns / 1000000000LL);
    next.tv_nsec = (long)(at_ns % 1000000000LL);
    sleep_until(&next);
  }
  /*
   * Stopped: one last frame on the last tick passed (if not written), so the recording lasts until
   * the stop (its one-tick duration ends after it) and every pts stays on the grid.
   */
  int64_t end_pts = first_pts + schedule_tick_ms(&plan, (int64_t)((double)(clock_ms(CLOCK_MONOTONIC) - start_mono_ms) * fps / 1000.0));
  if (last_pts >= 0 && end_pts > last_pts) {
    rc = ivf_write_frame(1, end_pts, frame.data, i420_size(&frame));
    if (rc) stop_on_write(rc);
    last_seen.last_pts = end_pts;
  }
  capture_close(c);
  last_seen.frame = 0;
  i420_free(&frame);
  return EXIT_OK;
}
