/**
 * The benchmark's X server and its two scenes (issue 9): Xvfb at 1920x1080 (the test helper, which
 * picks a free display itself) with the busy or the quiet scene drawn by a shell script under
 * bench/scenes/. The script runs in its own process group, so the processes it starts are its
 * children, never the benchmark's (the benchmark counts its own waited-for children as FFmpeg CPU).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startXvfb, type Xvfb } from '../../test/helpers/xvfb';

export type SceneName = 'busy' | 'quiet' | 'idle' | 'idle-minutes' | 'video';
/** The scenes of the live sections. */
export const sceneNames: readonly SceneName[] = ['busy', 'quiet'];
/** The scenes the quality section compares encoders on (issue 16): every kind of screen. */
export const qualitySceneNames: readonly SceneName[] = ['busy', 'quiet', 'idle', 'video'];

export interface Scene {
  readonly name: SceneName;
  stop(): Promise<void>;
}

/** Starts a scene and waits `settleMs` for its windows to appear. */
export async function startScene(x: Pick<Xvfb, 'env'>, name: SceneName, settleMs = 2500): Promise<Scene> {
  const child = spawn('bash', [join(__dirname, '..', 'scenes', `${name}.sh`)], { env: x.env, stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return { name, stop: () => stopGroup(child) };
}

export async function startBenchDisplay(width = 1920, height = 1080): Promise<Xvfb> {
  return startXvfb({ width, height, scene: false });
}

/** SIGTERM to the scene's process group, SIGKILL after 3 s; resolves when the script has exited. */
function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      /* already gone */
    }
  };
  return new Promise((resolve) => {
    const force = setTimeout(() => signal('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      // The script's trap kills its jobs; make sure nothing of the group outlives it.
      setTimeout(() => { signal('SIGKILL'); resolve(); }, 200);
    });
    signal('SIGTERM');
  });
}
