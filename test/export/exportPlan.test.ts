import type { ManifestEntry } from '../../src/domain/manifest';
import { concatList, copyJoinArgs, fitJoinArgs, layoutRuns, partPaths, progressSeconds, targetLayout } from '../../src/export/exportPlan';
import { inRecordingOrder } from '../../src/domain/recordingOrder';
import { decodableSegments, leftOutLine, type LeftOut } from '../../src/export/decodableSegments';

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

describe('decodableSegments: what export may join when segments share keyframes', () => {
  // A run of 0 (keyframe), 1, 2 (continue), 3 (keyframe), 4 (continues): a still screen's shape.
  const seg = (index: number, continues: boolean, over: Partial<ManifestEntry> = {}): ManifestEntry => ({ ...entry(index, 320, 240, 2), ...(continues ? { continuesPrevious: true } : {}), ...over });
  const session = (): ManifestEntry[] => [seg(0, false), seg(1, true), seg(2, true), seg(3, false), seg(4, true)];
  const out = (plan: ReturnType<typeof decodableSegments>): [number, string][] => plan.leftOut.map((l) => [l.position, l.reason]);
  const lead = 'its first frame is not a keyframe and the segment it continues';

  test('an intact chain is joined whole, in manifest order', () => {
    const entries = session();
    expect(decodableSegments(entries)).toEqual({ kept: entries, leftOut: [] });
  });

  test('a link that is missing or altered takes the rest of its chain with it, up to the next keyframe', () => {
    const entries = session();
    const plan = decodableSegments(entries, new Map([[entries[1] as ManifestEntry, 'it is in the manifest but not in the store']]));
    expect(plan.kept.map((e) => e.index)).toEqual([0, 3, 4]);
    expect(out(plan)).toEqual([[2, 'it is in the manifest but not in the store'], [3, `${lead}, s/f/x/1.mp4, is left out`]]);
    expect(leftOutLine(plan.leftOut[1] as LeftOut)).toBe(`left out s/f/x/2.mp4 (manifest entry 3, , 2 s): ${lead}, s/f/x/1.mp4, is left out`);
  });

  test('a link that is not in the manifest, or not of the same run', () => {
    const entries = session();
    expect(out(decodableSegments([entries[0], entries[2], entries[3], entries[4]] as ManifestEntry[]))).toEqual([[2, `${lead} (segment 1 of capture run "r") is not in the manifest`]]);
    const otherRun = [entries[0], seg(1, true, { runId: 'r2' })] as ManifestEntry[];
    expect(out(decodableSegments(otherRun))).toEqual([[2, `${lead} (segment 0 of capture run "r2") is not in the manifest`]]);
  });

  test('a link joined elsewhere than just before it (manifest order, another resolution) is not a chain', () => {
    const entries = session();
    // Segment 2 listed before 1: 1 is joined after 0 and decodes; 2 would be joined after 0, not after 1.
    const swapped = [entries[0], entries[2], entries[1], entries[3], entries[4]] as ManifestEntry[];
    expect(out(decodableSegments(swapped))).toEqual([[2, `${lead}, s/f/x/1.mp4, comes after it in the manifest`]]);
    const between = [entries[0], entries[1], entries[3], entries[2]] as ManifestEntry[];
    expect(out(decodableSegments(between))).toEqual([[4, `${lead}, s/f/x/1.mp4, is not the segment joined just before it`]]);
    const resized = [entries[0], seg(1, true, { width: 640, height: 480 })] as ManifestEntry[];
    expect(out(decodableSegments(resized))).toEqual([[2, `${lead}, s/f/x/0.mp4, has another resolution (320x240, this one 640x480)`]]);
  });
});

test('segments are joined in the order they were recorded, not the order they became durable: a run an earlier recorder left in the spool, uploaded last, goes back in its place and its chain holds', () => {
  const at = (runId: string, index: number, startS: number, continues = false): ManifestEntry => ({
    ...entry(index, 1280, 720), key: `s/f/x/${runId}-${index}.mp4`, runId, start: new Date(Date.UTC(2026, 11, 3) + startS * 1000).toISOString(),
    ...(continues ? { continuesPrevious: true } : {}),
  });
  // The killed recorder's run-1 segment 0 became durable first; its segments 1 and 2 (continuing)
  // only after the next recorder's run-2 had uploaded its own first segments.
  const manifest = [at('run-1', 0, 0), at('run-2', 0, 200), at('run-2', 1, 260, true), at('run-1', 1, 60, true), at('run-1', 2, 120, true)];
  const ordered = inRecordingOrder(manifest);
  expect(ordered.map((e) => `${e.runId}/${e.index}`)).toEqual(['run-1/0', 'run-1/1', 'run-1/2', 'run-2/0', 'run-2/1']);
  expect(decodableSegments(ordered).leftOut).toEqual([]);
  // In manifest order the recovered segments would not follow the one they continue.
  expect(decodableSegments(manifest).leftOut.map((l) => l.entry.key)).toEqual(['s/f/x/run-1-1.mp4', 's/f/x/run-1-2.mp4']);
  // Messages name the manifest's own positions when asked.
  const position = (e: ManifestEntry): number => manifest.indexOf(e) + 1;
  const broken = decodableSegments(inRecordingOrder(manifest.filter((e) => !(e.runId === 'run-1' && e.index === 1))), new Map(), position);
  expect(broken.leftOut.map((l) => [l.entry.key, l.position])).toEqual([['s/f/x/run-1-2.mp4', 5]]);
});
