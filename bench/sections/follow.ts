/**
 * Issue 15 (viewer, live sessions): what following a session that is still being recorded costs,
 * and how long after the fact a segment shows.
 *
 * 1. Requests, counted (deterministic): the recorder's own ManifestBook writes a session into a
 *    real local store (segment, activity object, manifest.json, sealed chunks); the viewer's own
 *    watcher (liveRoutes.ts) follows it through a counting store, on a simulated clock, and the
 *    page's lane is read again after each new segment, as the page does. The session is already
 *    long (sealed manifest chunks) when watching starts: the cost must not grow with it.
 * 2. Delay, measured: a real `record` (x11grab, into s3rver) and the real viewer server in
 *    process, followed over its server-sent events: for each segment, the time from the end of
 *    its content to the page learning of it.
 */
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import pino from 'pino';
import { ManifestBook } from '../../src/actors/manifestBook';
import { checksumsOf } from '../../src/adapters/checksums';
import { createLocalStore } from '../../src/adapters/localStore';
import { openStore } from '../../src/adapters/openStore';
import { ACTIVITY_FORMAT, serializeActivity } from '../../src/domain/activity';
import { addMetadata, appendEntry, entryFromSegment, sha256Hex } from '../../src/domain/manifest';
import { withSessionStart } from '../../src/domain/manifestCoverage';
import { activityName, metadataKey, segmentKey } from '../../src/domain/objectNames';
import type { ObjectStore, ReadOnlyStore } from '../../src/domain/objectStore';
import { createActivityReader } from '../../src/viewer/activityReader';
import { keepImmutableReads } from '../../src/viewer/immutableReads';
import { watchLiveSessions } from '../../src/viewer/liveRoutes';
import { createSessionCatalog, type SessionView } from '../../src/viewer/sessionCatalog';
import { startViewer } from '../../src/viewer/viewerServer';
import { login } from '../../test/viewer/viewerHttp';
import type { BenchContext, SectionResult } from '../lib/context';
import { RecorderRun } from '../lib/recorder';
import { median, round } from '../lib/stats';

const PREFIX = 'bench/bench/follow-session/';
/** A segment closes ~3.3 s after its content ends (encoder delay, facts.md), then is uploaded: landed ~4 s after. */
const LANDS_AFTER_S = 4;

interface Counts { list: number; get: number; put: number }
const zero = (): Counts => ({ list: 0, get: 0, put: 0 });

/** The same store, counting requests as S3 would bill them (a listing page is one LIST, a read one GET). */
function counting(inner: ObjectStore, counts: { viewer: Counts; recorder: Counts; puts: Record<string, number> }): ObjectStore {
  return {
    ...inner,
    put: (key, body, options) => {
      counts.recorder.put += 1;
      const kind = /-video\./.test(key) ? 'segment' : /-activity\.json$/.test(key) ? 'activity' : /manifest-\d+\.json$/.test(key) ? 'sealed chunk' : /manifest\.json$/.test(key) ? 'manifest.json' : 'metadata';
      counts.puts[kind] = (counts.puts[kind] ?? 0) + 1;
      return inner.put(key, body, options);
    },
    listLevel: (prefix) => ((counts.viewer.list += 1), inner.listLevel(prefix)),
    readSmall: (key, max) => ((counts.viewer.get += 1), inner.readSmall(key, max)),
    open: (key, range) => ((counts.viewer.get += 1), inner.open(key, range)),
  };
}

interface Counted {
  readonly segmentSeconds: number;
  readonly pollSeconds: number;
  readonly openRequests: Counts;
  readonly perMinute: { list: number; get: number };
  readonly recorderPutsPerHour: Record<string, number>;
}

async function countFollow(dir: string, segmentSeconds: number, pollSeconds: number, alreadySegments: number, minutes: number): Promise<Counted> {
  const counts = { viewer: zero(), recorder: zero(), puts: {} as Record<string, number> };
  mkdirSync(join(dir, 'spool'), { recursive: true });
  const store = counting(createLocalStore(join(dir, 'dest')), counts);
  const book = new ManifestBook(store, PREFIX, join(dir, 'spool'), pino({ level: 'silent' }), undefined);
  const t0 = Date.now() - alreadySegments * segmentSeconds * 1000;
  await book.load(t0);
  const meta = Buffer.from(JSON.stringify({ stack: 'bench', fleet: 'bench', sessionId: 'follow-session', user: 'bench', startedAt: new Date(t0).toISOString() }));
  await store.put(metadataKey(PREFIX, t0), { data: meta }, { ...checksumsOf(meta), contentType: 'application/json' });
  await book.update((m) => withSessionStart(addMetadata(m, { key: metadataKey(PREFIX, t0), sha256: sha256Hex(meta) }), new Date(t0).toISOString()));
  let landed = 0;
  const land = async (): Promise<void> => {
    const startMs = t0 + landed * segmentSeconds * 1000;
    const key = segmentKey(PREFIX, startMs);
    const video = Buffer.alloc(2048, landed);
    await store.put(key, { data: video }, { ...checksumsOf(video), contentType: 'video/mp4' });
    const w = { id: '0x1', title: `window ${landed}`, app: 'XTerm', pid: 1 };
    const activity = serializeActivity({
      format: ACTIVITY_FORMAT, sessionPrefix: PREFIX, source: 'x11-focus', start: new Date(startMs).toISOString(), end: new Date(startMs + segmentSeconds * 1000).toISOString(),
      initial: { focus: w, windows: [w], idleSince: null }, events: [], unobserved: [],
    });
    const activityKey = `${PREFIX}${activityName(startMs)}`;
    await store.put(activityKey, { data: Buffer.from(activity) }, { ...checksumsOf(Buffer.from(activity)), contentType: 'application/json' });
    const entry = entryFromSegment({ key, runId: 'run-1', index: landed, startMs, endMs: startMs + segmentSeconds * 1000, bytes: video.length, width: 1920, height: 1080, sha256: sha256Hex(video) }, true);
    await book.update((m) => appendEntry(m, { ...entry, activity: { key: activityKey, bytes: Buffer.byteLength(activity), sha256: sha256Hex(activity) } }));
    await book.upload(AbortSignal.timeout(10_000));
    landed += 1;
  };
  for (let i = 0; i < alreadySegments; i++) await land();

  // The viewer, as `view` builds it, on the counting store.
  const reads: ReadOnlyStore = keepImmutableReads(store);
  const catalog = createSessionCatalog(reads);
  const activity = createActivityReader(reads);
  let pending: (() => void) | undefined;
  let scheduled: () => void = () => undefined;
  const watch = watchLiveSessions(reads, catalog, {
    intervalMs: pollSeconds * 1000, maxSessions: 1,
    setTimer: (fn) => {
      pending = fn;
      scheduled();
      return fn;
    },
    clearTimer: () => (pending = undefined),
  });
  const nextSchedule = () => new Promise<void>((resolve) => (scheduled = resolve));
  // Opening the page: the session, its lane, then the first poll of the watcher.
  const opened = await catalog.open(PREFIX);
  if (opened === undefined) throw new Error('follow: the simulated session did not open');
  const first = nextSchedule();
  let segmentsSeen = opened.timeline.segments.length;
  const onUpdate = async (view: SessionView): Promise<void> => {
    if (view.timeline.segments.length === segmentsSeen) return;
    segmentsSeen = view.timeline.segments.length;
    const again = await catalog.opened(PREFIX);
    if (again) await activity.lane(PREFIX, again.entries, again.view.timeline);
  };
  let laneReads: Promise<void> = activity.lane(PREFIX, (await catalog.opened(PREFIX))?.entries ?? [], opened.timeline).then(() => undefined);
  const stop = watch.subscribe(PREFIX, (u) => {
    if (u.view) laneReads = laneReads.then(() => onUpdate(u.view as SessionView));
  });
  await first;
  await laneReads;
  const openRequests = { ...counts.viewer };

  // Watching: poll ticks on the simulated clock; segments land LANDS_AFTER_S after their content ends.
  const before = { ...counts.viewer };
  const ticks = Math.round((minutes * 60) / pollSeconds);
  for (let k = 1; k <= ticks; k++) {
    const nowS = alreadySegments * segmentSeconds + k * pollSeconds;
    while ((landed + 1) * segmentSeconds + LANDS_AFTER_S <= nowS) await land();
    const fire = pending;
    if (fire === undefined) throw new Error('follow: the watcher stopped polling');
    const done = nextSchedule();
    fire();
    await done;
    await laneReads;
  }
  stop?.();
  watch.close();
  const recordedHours = (landed * segmentSeconds) / 3600;
  const recorderPutsPerHour = Object.fromEntries(Object.entries(counts.puts).map(([k, v]) => [k, round(v / recordedHours, 1)]));
  return {
    segmentSeconds, pollSeconds, openRequests,
    perMinute: { list: round((counts.viewer.list - before.list) / minutes, 1), get: round((counts.viewer.get - before.get) / minutes, 1) },
    recorderPutsPerHour,
  };
}

/** Seconds from each segment's content end to the viewer's server-sent event naming it. */
async function measureDelay(ctx: BenchContext, segmentSeconds: number, pollSeconds: number, seconds: number): Promise<number[]> {
  const prefixRoot = `follow-${Date.now()}/`;
  const destination = `s3://bench/${prefixRoot}`;
  const sessionId = `follow-${Date.now()}`;
  const run = new RecorderRun({
    work: join(ctx.work, 'follow-real'), destination, env: { ...process.env, ...ctx.s3.env }, display: ctx.x.display, segmentSeconds, sessionId,
    extra: ['--endpoint', ctx.s3.endpoint, '--insecure', '--run-dir', join(ctx.work, 'follow-real', 'run'), '--max-duration', String(seconds)],
  });
  const store = openStore({ kind: 's3', bucket: 'bench', prefix: prefixRoot, url: destination }, { endpoint: ctx.s3.endpoint, region: ctx.s3.region, use: 'audit' });
  const viewer = await startViewer({ store, destination, port: 0, pollSeconds });
  const delays: number[] = [];
  const seen = new Set<string>();
  try {
    const cookie = await login(viewer);
    const prefix = `bench/bench/${sessionId}/`;
    // The session is followable once its metadata landed; the watcher reports it from then on.
    const sse = request(new URL(`/api/session/live?prefix=${encodeURIComponent(prefix)}`, viewer.origin), { headers: { Cookie: cookie } });
    const ended = new Promise<void>((resolve, reject) => {
      sse.on('response', (res) => {
        let buffer = '';
        res.on('data', (d: Buffer) => {
          const now = Date.now();
          buffer += d.toString();
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = /^event: session\ndata: (.*)$/ms.exec(block)?.[1];
            if (data === undefined) continue;
            const view = JSON.parse(data) as SessionView;
            for (const s of view.timeline.segments) {
              if (seen.has(s.start)) continue;
              seen.add(s.start);
              if (seen.size > 1) delays.push((now - (Date.parse(s.start) + s.duration * 1000)) / 1000); // the first was there before we asked
            }
            if (view.live.state === 'ended') resolve();
          }
        });
        res.on('error', reject);
      });
      sse.on('error', reject);
    });
    sse.end();
    await Promise.race([ended, run.exited.then(() => new Promise((r) => setTimeout(r, (pollSeconds + 5) * 1000)))]);
    sse.destroy();
  } finally {
    await run.exited;
    await viewer.close();
    store.close();
  }
  return delays;
}

export async function followSection(ctx: BenchContext): Promise<SectionResult> {
  const quick = ctx.options.quick;
  const cases: Array<[segment: number, poll: number]> = [[60, 5], [10, 5], [2, 1]];
  const counted: Counted[] = [];
  for (const [segment, poll] of cases) {
    ctx.log(`follow: counting requests, ${segment} s segments, --live-poll ${poll}`);
    counted.push(await countFollow(join(ctx.work, `follow-${segment}-${poll}`), segment, poll, Math.max(200, Math.ceil(7200 / segment / 10)), quick ? 5 : 10));
  }
  const delaySegment = quick ? 2 : 10;
  const delayPoll = 1;
  ctx.log(`follow: measuring the delay of a real recording (${delaySegment} s segments, --live-poll ${delayPoll})`);
  const delays = await measureDelay(ctx, delaySegment, delayPoll, quick ? 20 : 70);
  const rows: Array<[string, string, string]> = counted.map((c) => [
    `follow a live session: viewer requests per minute (${c.segmentSeconds} s segments, --live-poll ${c.pollSeconds})`,
    `${c.perMinute.list} LIST + ${c.perMinute.get} GET`,
    `computed: ${60 / c.pollSeconds} LIST (one per poll) + per landed segment (${round(60 / c.segmentSeconds, 1)}/min) 1 LIST + 2 GET (manifest.json, activity object); opening: ${c.openRequests.list} LIST + ${c.openRequests.get} GET`,
  ]);
  for (const c of counted) {
    const p = c.recorderPutsPerHour;
    const total = Object.values(p).reduce((a, b) => a + b, 0);
    rows.push([
      `recorder PUTs per recorded hour (${c.segmentSeconds} s segments)`,
      `${round(total, 0)} PUT`,
      Object.entries(p).map(([k, v]) => `${k} ${v}`).join(', '),
    ]);
  }
  rows.push([
    `a segment shows in the viewer after its content ended (${delaySegment} s segments, --live-poll ${delayPoll}, real record into s3rver)`,
    delays.length ? `median ${round(median(delays), 1)} s, max ${round(Math.max(...delays), 1)} s (${delays.length} segments)` : 'no segment seen',
    `≈ encoder close (~3.3 s) + upload + manifest PUT + up to one poll; at the default 60 s segments add the segment length for the content's start`,
  ]);
  return { name: 'follow', rows, data: { counted, delays, delaySegment, delayPoll } };
}
