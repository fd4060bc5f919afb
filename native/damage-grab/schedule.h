/*
 * When the grabber writes a frame, and its pts. Pure (no X, no clock): main.c feeds it tick numbers.
 *
 * Why: FFmpeg cuts a segment at the first frame at or after t = n*S (t from the first frame:
 * -force_key_frames expr:gte(t,n_forced*S), -segment_time S), and a packet with no known duration
 * lasts one frame period. So a frame on the tick just before each boundary and one on the boundary
 * (an extra one exactly at it when S*fps is not whole) makes every segment end exactly at the next
 * one's start without FFmpeg holding a packet to learn its duration (the `setts` NEXT_PTS filter did,
 * which cost a crash one more heartbeat). And the first ticks of each segment:
 * tools guess a file's frame rate from its first frames' spacing, and a segment whose first frames
 * are mostly 0.4 s apart reads as 2.5 fps, so `ffmpeg -i seg.mp4 -f null -` put two frames 0.2 s
 * apart on one timestamp ("non monotonically increasing dts", seen in the recordSession test); a
 * frame on each of the FOLLOW_TICKS ticks after a segment's first frame makes the guess the tick
 * rate (one tick after it was not enough: 2.5 fps still). Between boundaries: a frame
 * when something changed or `still_ticks` ticks passed since the last one.
 */
#ifndef DAMAGE_GRAB_SCHEDULE_H
#define DAMAGE_GRAB_SCHEDULE_H
#include <stdint.h>

/* Ticks written after each segment's first frame, whatever changed. */
#define FOLLOW_TICKS 4

typedef struct {
  double fps;
  int still_ticks;        /* a frame at least every this many ticks */
  double segment_seconds; /* 0: no boundaries known */
  int64_t last_tick;      /* the last tick written, -1 before the first */
  int64_t boundary;       /* index n of the next boundary at or after the last tick written */
  int64_t follow_until;   /* every tick up to this one is written (a segment's first ticks) */
} schedule;

void schedule_init(schedule *s, double fps, double still_seconds, double segment_seconds);
/* Milliseconds from the first frame to tick k (tick-aligned: k*1000/fps, rounded). */
int64_t schedule_tick_ms(const schedule *s, int64_t k);
/*
 * Whether tick k writes a frame (changed: anything changed since the last tick). *extra_ms is set to
 * the offset of an extra frame to write right after this one (the same picture exactly at a boundary
 * that falls between ticks), or -1. Call schedule_wrote(s, k) after writing.
 */
int schedule_due(const schedule *s, int64_t k, int changed, int64_t *extra_ms);
void schedule_wrote(schedule *s, int64_t k);
/*
 * After a stall (a grabbed server, a blocked pipe) that skipped a boundary's ticks: the tick before
 * it and the boundary, still to write with the picture from before the stall (pts in the past), so
 * the segment FFmpeg closes there ends where the next begins (no hole inside one run); or -1.
 * Call before grabbing tick k, write each with schedule_wrote, until -1.
 */
int64_t schedule_missed(const schedule *s, int64_t k);
#endif
