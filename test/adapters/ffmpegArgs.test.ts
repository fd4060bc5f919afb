import { buildCaptureArgs, buildSegmentArgs, defaultKeyframeSeconds, encodedSize, keptFrameDurationFilter, keyframeSharing, type CaptureArgsOptions } from '../../src/adapters/ffmpegArgs';
import type { DisplayLayout } from '../../src/domain/displayLayout';

// Arrays, not `args.join(' ')`: a joined string cannot tell "-i" "Capture screen 0:none" (one
// argument with spaces, as FFmpeg needs it) from the same words split into three arguments.
const hd: DisplayLayout = { x: 0, y: 0, width: 1920, height: 1080, monitors: [{ name: 'M0', x: 0, y: 0, width: 1920, height: 1080, primary: true }] };
const base: Omit<CaptureArgsOptions, 'source'> = { layout: hd, frameRate: 5, segmentSeconds: 60, runDir: '/spool/s1/run-1764225600000' };

const input = ['-hide_banner', '-loglevel', 'info', '-nostats', '-n'];
/**
 * The default output: the tee muxer writing the MP4 segments (one fragment each) with their list,
 * and the TS journal beside them (segmentJournal.ts); the video mapped (the tee takes none itself).
 */
const journaledOutput = [
  '-map', '0:v:0', '-flags', '+global_header', '-f', 'tee',
  '[f=segment:segment_time=60:reset_timestamps=1:segment_list=/spool/s1/run-1764225600000/segments.csv:segment_list_type=csv'
  + ':segment_format=mp4:segment_format_options=movflags=+frag_keyframe+empty_moov+default_base_moof]/spool/s1/run-1764225600000/seg-%05d.mp4'
  + '|[f=segment:segment_time=60:reset_timestamps=1:segment_format=mpegts:segment_format_options=flush_packets=1]/spool/s1/run-1764225600000/seg-%05d.ts',
];
const dropFilter = 'format=yuv420p,mpdecimate=hi=64:lo=64:frac=0:max=1';
const encode = [
  '-fps_mode', 'vfr', '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'stillimage,zerolatency', '-x264-params', 'ref=2:me=umh:merange=32:qcomp=0.9:keyint=infinite:threads=1', '-crf', '19',
  '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*60)', '-bsf:v', 'setts=duration=if(eq(NEXT_PTS\\,NOPTS)\\,DURATION\\,NEXT_PTS-PTS)',
  ...journaledOutput,
];
/** Sources without a filter of their own: unchanged frames are dropped after the conversion (the default). */
const output = ['-vf', dropFilter, ...encode];

test('x11grab: the whole virtual screen of the display, mouse drawn', () => {
  expect(buildCaptureArgs({ ...base, source: { kind: 'x11grab', display: ':99' } })).toEqual([
    ...input, '-f', 'x11grab', '-framerate', '5', '-draw_mouse', '1', '-video_size', '1920x1080', '-i', ':99+0,0', ...output,
  ]);
});

test('gdigrab: desktop cropped to a virtual screen with negative offsets', () => {
  const twoScreens: DisplayLayout = { x: -1280, y: -200, width: 3200, height: 1280, monitors: [] };
  expect(buildCaptureArgs({ ...base, layout: twoScreens, source: { kind: 'gdigrab' } })).toEqual([
    ...input, '-f', 'gdigrab', '-framerate', '5', '-draw_mouse', '1', '-offset_x', '-1280', '-offset_y', '-200', '-video_size', '3200x1280',
    '-i', 'desktop', ...output,
  ]);
});

test('avfoundation: one screen device (one argument with spaces), cropped to even size by a filter', () => {
  expect(buildCaptureArgs({ ...base, source: { kind: 'avfoundation' } })).toEqual([
    ...input, '-f', 'avfoundation', '-framerate', '5', '-capture_cursor', '1', '-pixel_format', 'bgr0', '-i', 'Capture screen 0:none',
    '-vf', `crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0,${dropFilter}`, ...encode,
  ]);
});

test('lavfi: a real-time testsrc2 at the layout size', () => {
  expect(buildCaptureArgs({ ...base, source: { kind: 'lavfi' } })).toEqual([
    ...input, '-re', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=5', ...output,
  ]);
});

test('odd sizes are cropped to even at the source; encoder and container are parameters', () => {
  const odd: DisplayLayout = { x: 0, y: 0, width: 1365, height: 767, monitors: [] };
  expect(encodedSize(odd)).toEqual({ width: 1364, height: 766 });
  expect(buildCaptureArgs({
    ...base, layout: odd, source: { kind: 'x11grab', display: ':5' }, segmentSeconds: 5,
    encoder: { preset: 'ultrafast', tune: null, crf: 28, x264Params: null, threads: null, swsFlags: null, dropUnchanged: false }, container: 'mpegts', runDir: '/tmp/r/',
  })).toEqual([
    ...input, '-f', 'x11grab', '-framerate', '5', '-draw_mouse', '1', '-video_size', '1364x766', '-i', ':5+0,0',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*5)',
    '-f', 'segment', '-segment_time', '5', '-reset_timestamps', '1', '-segment_list', '/tmp/r/segments.csv', '-segment_list_type', 'csv',
    '-segment_format', 'mpegts', '-segment_format_options', 'flush_packets=1', '/tmp/r/seg-%05d.ts',
  ]);
});

test('threads alone make the -x264-params; dropping unchanged frames filters after the conversion, keeps timestamps (VFR) and stretches each kept frame to the next', () => {
  const args = buildCaptureArgs({ ...base, source: { kind: 'x11grab', display: ':1' }, encoder: { x264Params: null, threads: 1, dropUnchanged: true } });
  expect(args.slice(args.indexOf('-bsf:v'), args.indexOf('-bsf:v') + 2)).toEqual(['-bsf:v', keptFrameDurationFilter]);
  // Every frame encoded (constant rate): no filter, no VFR, no duration rewrite.
  const all = buildCaptureArgs({ ...base, source: { kind: 'x11grab', display: ':1' }, encoder: { dropUnchanged: false } });
  for (const a of ['-vf', '-fps_mode', '-bsf:v']) expect(all).not.toContain(a);
  expect(buildCaptureArgs({ ...base, source: { kind: 'lavfi' }, encoder: { swsFlags: 'neighbor' } })).toContain('neighbor');
  expect(args.slice(args.indexOf('-vf'), args.indexOf('-preset'))).toEqual([
    '-vf', 'format=yuv420p,mpdecimate=hi=64:lo=64:frac=0:max=1', '-fps_mode', 'vfr', '-c:v', 'libx264',
  ]);
  expect(args[args.indexOf('-x264-params') + 1]).toBe('threads=1');
  // A frame at least every 0.4 s: at 10 fps at most 3 in a row are dropped; at 1 s and 5 fps, 4.
  const ten = buildCaptureArgs({ ...base, frameRate: 10, source: { kind: 'lavfi' }, encoder: { dropUnchanged: true } });
  expect(ten[ten.indexOf('-vf') + 1]).toBe('format=yuv420p,mpdecimate=hi=64:lo=64:frac=0:max=3');
  const slow = buildCaptureArgs({ ...base, source: { kind: 'lavfi' }, encoder: { stillFrameSeconds: 1 } });
  expect(slow[slow.indexOf('-vf') + 1]).toBe('format=yuv420p,mpdecimate=hi=64:lo=64:frac=0:max=4');
  // avfoundation's own crop filter gets the drop appended: one -vf.
  const mac = buildCaptureArgs({ ...base, source: { kind: 'avfoundation' }, encoder: { dropUnchanged: true } });
  expect(mac.filter((a) => a === '-vf')).toHaveLength(1);
  expect(mac[mac.indexOf('-vf') + 1]).toBe(`crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0,${dropFilter}`);
});

test('never -nostdin: FFmpeg is stopped with "q" on stdin', () => {
  for (const source of [{ kind: 'x11grab', display: ':1' }, { kind: 'gdigrab' }, { kind: 'avfoundation' }, { kind: 'lavfi' }] as const) {
    expect(buildCaptureArgs({ ...base, source })).not.toContain('-nostdin');
  }
});

test('bad numbers are refused with the value', () => {
  expect(() => buildCaptureArgs({ ...base, source: { kind: 'lavfi' }, segmentSeconds: 0 }))
    .toThrow('Expected "segmentSeconds" to be a positive number, got 0 (number)');
  expect(() => buildCaptureArgs({ ...base, source: { kind: 'lavfi' }, layout: { ...hd, width: 1 } }))
    .toThrow('at least 2x2');
});

/** The damage grabber's frames: pts on the tick grid, boundary frames; one tick per packet, no setts, a fragment per frame. */
const damageEncode = [
  '-fps_mode', 'vfr', '-r', '5', '-enc_time_base', '1:1000',
  ...encode.slice(2, encode.indexOf('-bsf:v')).map((a) => (a === encode[encode.indexOf('-x264-params') + 1] ? `${a}:fps=1000` : a)),
  ...encode.slice(encode.indexOf('-bsf:v') + 2),
];

test('x11damage: the grabber\'s IVF on fd 3, no mpdecimate (it sends only changed frames), vfr with one tick per packet and no duration filter, the journal beside', () => {
  expect(damageEncode).not.toContain('-bsf:v');
  // keyframeSeconds no longer than a segment: a keyframe at every segment start.
  expect(buildCaptureArgs({ ...base, source: { kind: 'x11damage', display: ':99', grabberPath: '/opt/damage-grab' }, keyframeSeconds: 60 })).toEqual([
    ...input, '-probesize', '32', '-analyzeduration', '0', '-f', 'ivf', '-i', 'pipe:3', ...damageEncode,
  ]);
  // Even when dropping is turned off for FFmpeg's own sources, the grabber's input stays sparse.
  expect(buildCaptureArgs({ ...base, source: { kind: 'x11damage', display: ':99', grabberPath: '/g' }, encoder: { dropUnchanged: false }, keyframeSeconds: 0 })).toEqual([
    ...input, '-probesize', '32', '-analyzeduration', '0', '-f', 'ivf', '-i', 'pipe:3', ...damageEncode,
  ]);
});

test('x11damage by default: segments share keyframes (cut on any frame at the boundary; a keyframe after a segment\'s worth of frames or 15 minutes; the journal repeats the parameter sets)', () => {
  const args = buildCaptureArgs({ ...base, source: { kind: 'x11damage', display: ':99', grabberPath: '/g' } });
  expect(args[args.indexOf('-force_key_frames') + 1]).toBe(
    'expr:if(eq(n,0),1,eq(mod(round(t*1000),60000),0)*(gte(n-prev_forced_n,300)+gte(t-prev_forced_t,899.9)))');
  const tee = args[args.indexOf('tee') + 1] as string;
  const [mp4, journal] = tee.split('|') as [string, string];
  expect(mp4).toContain(':break_non_keyframes=1:');
  expect(journal).toMatch(/^\[bsfs\/v=dump_extra=freq=all:f=segment:.*:break_non_keyframes=1:/);
  // What the rest of the command is: the same as with a keyframe per segment.
  const other = buildCaptureArgs({ ...base, source: { kind: 'x11damage', display: ':99', grabberPath: '/g' }, keyframeSeconds: 60 });
  expect(args.filter((a) => a !== args[args.indexOf('-force_key_frames') + 1] && a !== tee))
    .toEqual(other.filter((a) => a !== other[other.indexOf('-force_key_frames') + 1] && a !== other[other.indexOf('tee') + 1]));
});

test('keyframe sharing: only on the damage grabber\'s journaled input, only when longer than a segment; a segment\'s worth of frames', () => {
  const damage = { kind: 'x11damage', display: ':1', grabberPath: '/g' } as const;
  expect(keyframeSharing({ source: damage, segmentSeconds: 60, frameRate: 5 })).toEqual({ keyframeSeconds: defaultKeyframeSeconds, framesPerKeyframe: 300 });
  expect(keyframeSharing({ source: damage, segmentSeconds: 4, frameRate: 2.5, keyframeSeconds: 30 })).toEqual({ keyframeSeconds: 30, framesPerKeyframe: 10 });
  expect(keyframeSharing({ source: damage, segmentSeconds: 60, frameRate: 5, keyframeSeconds: 60 })).toBeNull();
  expect(keyframeSharing({ source: damage, segmentSeconds: 60, frameRate: 5, keyframeSeconds: 0 })).toBeNull();
  expect(keyframeSharing({ source: damage, segmentSeconds: 60, frameRate: 5, journal: false })).toBeNull();
  expect(keyframeSharing({ source: { kind: 'x11grab', display: ':1' }, segmentSeconds: 60, frameRate: 5 })).toBeNull();
  expect(keyframeSharing({ source: { kind: 'gdigrab' }, segmentSeconds: 60, frameRate: 5 })).toBeNull();
});

test('the journal by default on every source; without it a fragment per frame, or 1 s fragments with fragmentEveryFrame: false', () => {
  const options = (extra: Parameters<typeof buildSegmentArgs>[0] extends infer O ? Partial<O> : never) => buildSegmentArgs({ runDir: '/r', segmentSeconds: 5, ...extra });
  const teeSpec = (args: string[]) => args[args.indexOf('tee') + 1] as string;
  expect(teeSpec(options({}))).toContain(']/r/seg-%05d.ts');
  expect(teeSpec(options({}))).toContain('segment_format=mp4:segment_format_options=movflags=+frag_keyframe+empty_moov+default_base_moof]/r/seg-%05d.mp4');
  // A filter graph that maps its own output: no second map.
  expect(options({ mappedByFilter: true })).not.toContain('-map');
  expect(options({ journal: false })).toContain('movflags=+frag_keyframe+empty_moov+default_base_moof+frag_every_frame:frag_duration=1000000:flush_packets=1');
  expect(options({ journal: false, fragmentEveryFrame: false })).toContain('movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=1000000:flush_packets=1');
  // A TS container is its own journal.
  expect(options({ container: 'mpegts' })).not.toContain('tee');
});

test('the tee muxer\'s escaping keeps a spool path with its special characters whole (two levels: the slave list, then its options)', () => {
  const args = buildSegmentArgs({ runDir: "/sp ool/we:ird|pa\\th [x]'q", segmentSeconds: 5 });
  expect(args[args.indexOf('tee') + 1]).toBe(
    "[f=segment:segment_time=5:reset_timestamps=1:segment_list=/sp ool/we\\\\:ird\\\\\\|pa\\\\\\\\th \\\\[x\\\\]\\\\\\'q/segments.csv:segment_list_type=csv"
    + ':segment_format=mp4:segment_format_options=movflags=+frag_keyframe+empty_moov+default_base_moof]'
    + "/sp ool/we:ird\\|pa\\\\th [x]\\'q/seg-%05d.mp4"
    + "|[f=segment:segment_time=5:reset_timestamps=1:segment_format=mpegts:segment_format_options=flush_packets=1]/sp ool/we:ird\\|pa\\\\th [x]\\'q/seg-%05d.ts");
});
