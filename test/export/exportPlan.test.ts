import type { ManifestEntry } from '../../src/domain/manifest';
import { concatList, copyJoinArgs, fitJoinArgs, layoutRuns, partPaths, progressSeconds, targetLayout } from '../../src/export/exportPlan';

const entry = (index: number, width: number, height: number, durationSeconds = 60): ManifestEntry => ({
  key: `s/f/x/${index}.mp4`, runId: 'r', index, start: '', end: '', durationSeconds, bytes: 1, sha256: '0'.repeat(64), width, height, complete: true, prevEntrySha256: '0'.repeat(64),
});

test('runs of same-layout segments, in order (a layout that comes back is a new run)', () => {
  const runs = layoutRuns([entry(0, 1280, 720), entry(1, 1280, 720, 12.5), entry(2, 1920, 1080), entry(3, 1280, 720)]);
  expect(runs.map((r) => [r.width, r.height, r.entries.map((e) => e.index), r.seconds])).toEqual([
    [1280, 720, [0, 1], 72.5], [1920, 1080, [2], 60], [1280, 720, [3], 60],
  ]);
  expect(targetLayout(runs)).toEqual({ width: 1920, height: 1080 });
});

test('output names: the file itself for one layout, numbered parts with their size otherwise', () => {
  expect(partPaths('/out/session.mp4', layoutRuns([entry(0, 1280, 720)]))).toEqual(['/out/session.mp4']);
  expect(partPaths('/out/session.mp4', layoutRuns([entry(0, 1280, 720), entry(1, 1920, 1080)]))).toEqual([
    '/out/session-part1-1280x720.mp4', '/out/session-part2-1920x1080.mp4',
  ]);
});

test('FFmpeg arguments: stream copy into a regular MP4 with the index in front; fitting pads instead of stretching', () => {
  expect(copyJoinArgs('/w/run-0.ffconcat', '/w/run-0.mp4').join(' ')).toBe(
    '-progress pipe:1 -nostats -v error -y -f concat -safe 0 -i /w/run-0.ffconcat -map 0:v -c copy -movflags +faststart -f mp4 /w/run-0.mp4',
  );
  expect(fitJoinArgs(['/w/a.mp4', '/w/b.mp4'], { width: 1920, height: 1080 }, '/w/out.mp4').join(' ')).toBe(
    '-progress pipe:1 -nostats -v error -y -f mp4 -i /w/a.mp4 -f mp4 -i /w/b.mp4 -filter_complex ' +
      '[0:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v0];' +
      '[1:v]scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v1];' +
      '[v0][v1]concat=n=2:v=1:a=0[out] -map [out] -fps_mode vfr -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -movflags +faststart -f mp4 /w/out.mp4',
  );
});

test('the concat list quotes paths the way the concat demuxer wants, and lets each file be opened only as a local MP4', () => {
  const only = 'option format_whitelist mov,mp4,m4a,3gp,3g2,mj2\noption protocol_whitelist file\n';
  expect(concatList(['/w/seg-000000.mp4', "/w/it's.mp4"])).toBe(`ffconcat version 1.0\nfile '/w/seg-000000.mp4'\n${only}file '/w/it'\\''s.mp4'\n${only}`);
});

test('progress lines from FFmpeg -progress (captured from ffmpeg 5.1)', () => {
  const captured = ['frame=35', 'fps=0.00', 'out_time_us=6800000', 'out_time_ms=6800000', 'out_time=00:00:06.800000', 'progress=end'];
  expect(captured.map(progressSeconds)).toEqual([undefined, undefined, 6.8, 6.8, undefined, undefined]);
});
