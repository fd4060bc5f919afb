/**
 * Issue 15: the activity actor's cost while recording. The real CLI records the bench display
 * (x11grab, 1920x1080) with the activity track on and with --no-activity, on a scene where
 * windows change: an xterm retitled every second (a shell prompt that sets the title does this),
 * and a second xterm mapped and closed every 5 s. The figure is the Node process's own CPU-s per
 * minute (FFmpeg is a child and not counted), over the same window in both runs, alternated.
 */
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchContext, SectionResult } from '../lib/context';
import { RecorderRun } from '../lib/recorder';
import { median, round } from '../lib/stats';

const run = promisify(execFile);

interface Changing {
  readonly changes: () => number;
  stop(): Promise<void>;
}

/** The changing scene: returns how many window changes it made. */
async function changingWindows(display: string): Promise<Changing> {
  const env = { ...process.env, DISPLAY: display };
  const title = `bench-activity-${Date.now()}`;
  const term = spawn('xterm', ['-T', title, '-e', 'sleep', '3600'], { env, stdio: 'ignore' });
  const { stdout } = await run('xdotool', ['search', '--sync', '--name', `^${title}$`], { env, timeout: 30_000 });
  const wid = stdout.trim().split('\n')[0] as string;
  let changes = 0;
  let tick = 0;
  let other: ChildProcess | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      tick += 1;
      await run('xdotool', ['set_window', '--name', `${title} ~/work $ make test #${tick}`, wid], { env }).catch(() => undefined);
      changes += 1;
      if (tick % 5 === 0) {
        if (other === undefined) other = spawn('xterm', ['-T', `other-${tick}`, '-e', 'sleep', '3600'], { env, stdio: 'ignore' });
        else {
          other.kill();
          other = undefined;
        }
        changes += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return {
    changes: () => changes,
    stop: async () => {
      stopped = true;
      await loop;
      other?.kill();
      term.kill();
    },
  };
}

async function nodeCpuPerMin(ctx: BenchContext, work: string, seconds: number, extra: readonly string[]): Promise<number> {
  const recorder = new RecorderRun({
    work, destination: `file://${join(work, 'dest')}`, env: process.env, display: ctx.x.display,
    segmentSeconds: 10, frameRate: ctx.options.frameRate, extra,
  });
  try {
    await recorder.waitFor('first frame', (l) => l.msg === 'ffmpeg.capturing', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const a = recorder.sample();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const b = recorder.sample();
    recorder.writeSentinel();
    const exit = await recorder.exited;
    if (exit.code !== 0) throw new Error(`recorder exited ${exit.code}: ${recorder.stderr.slice(-2000)}`);
    if (!a || !b) throw new Error('no CPU sample of the recorder');
    return ((b.node.self - a.node.self) / ((b.atMs - a.atMs) / 1000)) * 60;
  } finally {
    recorder.kill();
  }
}

export async function activitySection(ctx: BenchContext): Promise<SectionResult> {
  const seconds = ctx.options.quick ? 30 : 60;
  const scene = await changingWindows(ctx.x.display);
  const on: number[] = [];
  const off: number[] = [];
  const changesBefore = scene.changes();
  try {
    for (let i = 0; i < ctx.options.runs; i++) {
      const order: Array<'on' | 'off'> = i % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const which of order) {
        ctx.log(`activity: round ${i + 1}/${ctx.options.runs}, track ${which}`);
        const cpu = await nodeCpuPerMin(ctx, join(ctx.work, 'activity', `${which}-${i}`), seconds, which === 'on' ? [] : ['--no-activity']);
        (which === 'on' ? on : off).push(cpu);
      }
    }
  } finally {
    await scene.stop();
  }
  const perMinChanges = ((scene.changes() - changesBefore) / (ctx.options.runs * 2 * (seconds + 10))) * 60;
  const diff = median(on) - median(off);
  return {
    name: 'activity',
    rows: [
      ['activity track: Node CPU-s per recorded minute, track on', `${round(median(on), 3)} CPU-s/min`, `scene: ~${round(perMinChanges, 0)} window changes a minute (a retitle every second, a window opened or closed every 5 s)`],
      ['activity track: the same with --no-activity', `${round(median(off), 3)} CPU-s/min`, `the track's cost: ${round(diff, 3)} CPU-s/min (${round((diff / 60) * 100, 2)} % of a core); ${ctx.options.runs} run(s), medians`],
    ],
    data: { seconds, on, off, changesPerMinute: perMinChanges },
  };
}
