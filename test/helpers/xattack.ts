/**
 * The hostile X client of test/fixtures/xattack/xattack.c, compiled by the test (gcc, libX11,
 * libXRes: scripts/install-deps.sh installs them): cuts other clients' X connections
 * (XKillClient, the pid from X-Resource) or holds the server grabbed (XGrabServer).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SOURCE = join(__dirname, '..', 'fixtures', 'xattack', 'xattack.c');

/** Builds xattack into `dir`; its path. Fails saying what to install when the toolchain is missing. */
export async function buildXattack(dir: string): Promise<string> {
  const out = join(dir, 'xattack');
  try {
    await run('gcc', ['-O1', '-Wall', '-o', out, SOURCE, '-lX11', '-lXRes'], { timeout: 60_000 });
  } catch (e) {
    throw new Error(`cannot build the xattack test client (${(e as Error).message.split('\n')[0]}): apt-get install -y gcc libx11-dev libxres-dev (scripts/install-deps.sh does)`);
  }
  return out;
}

/** Runs xattack on `display` until it is done; its stdout lines (one per cut, or grabbed/released). */
export async function xattack(path: string, display: string, args: readonly string[]): Promise<string[]> {
  const { stdout } = await run(path, [...args], { env: { ...process.env, DISPLAY: display }, timeout: 120_000 });
  return stdout.split('\n').filter((l) => l.trim() !== '');
}
