/*
 * The still marks file (--marks PATH): what the grabber saw between the frames it wrote.
 *
 * Why: on a still screen the grabber used to write a heartbeat frame every second only so that a
 * killed FFmpeg lost at most a second (its journal holds the frames, and the last one lasts one
 * tick). Each heartbeat cost libx264 ~8.7 ms at 1080p and 73 bytes: on a fully still screen more
 * than half of the whole recorder's CPU (BENCHMARKS.md, issue 16, eighth round). Instead, after
 * every tick the grabber records here the last frame it wrote and the last tick it checked the
 * screen and found it unchanged, and whoever rebuilds a killed FFmpeg's open segment from its
 * journal (src/adapters/segmentJournal.ts) extends the last frame to that tick: a crash still loses
 * at most a tick, with no frame sent. It is the same trust as a heartbeat frame (the grabber's word
 * that the picture did not change), written as 28 bytes instead of encoded as a frame.
 *
 * Format: one line, rewritten in place at offset 0 (always the same length, so never torn by a
 * shorter one): "FFFFFFFFFFFFF TTTTTTTTTTTTT\n", both in milliseconds from the first frame (FFmpeg's
 * timeline: it starts at the first frame), 13 digits, zero-padded. F: the pts of the last frame
 * written to FFmpeg. T >= F: the last tick at which the screen was checked and matched that frame.
 */
#ifndef DAMAGE_GRAB_MARKS_H
#define DAMAGE_GRAB_MARKS_H
#include <stdint.h>

#define MARKS_LINE_BYTES 28

/* Opens (creates, truncates) the file; -1 and errno on failure. */
int marks_open(const char *path);
/* Rewrites the line. Failures are ignored: the marks only shorten a crash's loss, the video never depends on them. */
void marks_write(int fd, int64_t frame_ms, int64_t still_ms);
#endif
