#include "schedule.h"
#include <math.h>

void schedule_init(schedule *s, double fps, double still_seconds, double segment_seconds) {
  s->fps = fps;
  s->still_ticks = still_seconds * fps < 1.5 ? 1 : (int)(still_seconds * fps + 0.5);
  s->segment_seconds = segment_seconds;
  s->last_tick = -1;
  s->boundary = 1;
  s->follow_until = segment_seconds > 0 ? FOLLOW_TICKS : 0; /* no segments: only the heartbeat */
}

int64_t schedule_tick_ms(const schedule *s, int64_t k) { return llround((double)k * 1000.0 / s->fps); }

/* Boundary n in ms from the first frame, and the first tick at or after it. */
static int64_t boundary_ms(const schedule *s, int64_t n) { return llround((double)n * s->segment_seconds * 1000.0); }
static int64_t boundary_tick(const schedule *s, int64_t n) {
  int64_t ms = boundary_ms(s, n), k = (int64_t)ceil((double)ms * s->fps / 1000.0 - 1e-9);
  while (k > 0 && schedule_tick_ms(s, k - 1) >= ms) k--;
  while (schedule_tick_ms(s, k) < ms) k++;
  return k;
}

int schedule_due(const schedule *s, int64_t k, int changed, int64_t *extra_ms) {
  *extra_ms = -1;
  if (s->last_tick < 0 || changed || k <= s->follow_until || k - s->last_tick >= s->still_ticks) return 1;
  if (s->segment_seconds <= 0) return 0;
  int64_t bt = boundary_tick(s, s->boundary);
  if (k >= bt) return 1; /* the boundary tick (or the first one after a stall) */
  if (k == bt - 1) {     /* the tick just before it */
    int64_t ms = boundary_ms(s, s->boundary);
    if (schedule_tick_ms(s, bt) != ms) *extra_ms = ms; /* between ticks: repeat this picture at it */
    return 1;
  }
  return 0;
}

void schedule_wrote(schedule *s, int64_t k) {
  s->last_tick = k;
  if (s->segment_seconds <= 0) return;
  if (boundary_tick(s, s->boundary) <= k) s->follow_until = k + FOLLOW_TICKS;
  while (boundary_tick(s, s->boundary) <= k) s->boundary++;
}

int64_t schedule_missed(const schedule *s, int64_t k) {
  if (s->segment_seconds <= 0 || s->last_tick < 0) return -1;
  int64_t bt = boundary_tick(s, s->boundary);
  if (bt <= k && s->last_tick < bt - 1) return bt - 1;
  if (bt < k && s->last_tick < bt) return bt;
  return -1;
}
