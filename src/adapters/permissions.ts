import { chmod, mkdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { EnvironmentError } from '../domain/errors';
import { pseudoFsRootResolved } from './pseudoFs';

/**
 * Tamper check at start (issue 6): the streaming user must not be able to create the sentinel,
 * or swap or edit spooled segments. A directory is accepted when it is owned by the recorder's
 * user (root) and not writable by group or others, and every directory above it (lexically and
 * after resolving symlinks) is owned by root or that user and not writable by others unless it
 * has the sticky bit (like /tmp). Missing directories are created with mode 0700.
 *
 * Windows: directories are created, but ACLs are not checked; that is out of scope of this
 * function (the install notes set the ACLs), and the result says so in `note`.
 */
export interface SecureDirInput {
  readonly dir: string;
  /** For messages: `spool directory`, `sentinel directory`. */
  readonly role: string;
  /** The flag that sets this directory, for the fix: `--spool-dir`. */
  readonly flag: string;
  readonly insecure: boolean;
  readonly platform: string;
  /** The recorder's uid (process.getuid()); unused on Windows. */
  readonly uid: number | undefined;
}

export interface SecureDirResult {
  readonly path: string;
  readonly created: boolean;
  /** false on Windows and with --insecure. */
  readonly checked: boolean;
  readonly note?: string;
}

const GROUP_OTHER_WRITE = 0o022;
const STICKY = 0o1000;

export async function ensureSecureDir(input: SecureDirInput): Promise<SecureDirResult> {
  const dir = path.resolve(input.dir);
  const pseudo = await pseudoFsRootResolved(dir);
  if (pseudo !== undefined) {
    throw new EnvironmentError(`${input.role} ${dir} is under ${pseudo}, a kernel file system, not storage: point ${input.flag} at a real directory`);
  }
  const created = await createIfMissing(dir, input);
  if (input.platform === 'win32') {
    return { path: dir, created, checked: false, note: `${input.role} ${dir}: Windows ACLs are not checked by the recorder; set them as the install notes say` };
  }
  if (input.insecure) {
    return { path: dir, created, checked: false, note: `${input.role} ${dir}: ownership and mode not checked (--insecure)` };
  }
  const uid = input.uid ?? 0;
  const fix = `or pass --insecure`;
  const real = await realpath(dir);
  const info = await stat(real);
  if (!info.isDirectory()) throw new EnvironmentError(`${input.role} ${dir} is not a directory: point ${input.flag} at a directory`);
  const mode = modeText(info.mode);
  if (info.uid !== uid) {
    throw new EnvironmentError(`${input.role} ${dir} is owned by uid ${info.uid}, not by the recorder's uid ${uid} (mode ${mode}): run "chown ${uid} ${dir} && chmod 700 ${dir}" ${fix}`);
  }
  if ((info.mode & GROUP_OTHER_WRITE) !== 0) {
    throw new EnvironmentError(`${input.role} ${dir} is writable by group or others (mode ${mode}): run "chmod 700 ${dir}" ${fix}`);
  }
  for (const ancestor of new Set([...ancestors(dir), ...ancestors(real)])) {
    const a = await stat(ancestor);
    if (a.uid !== 0 && a.uid !== uid) {
      throw new EnvironmentError(`${input.role} ${dir}: its parent ${ancestor} is owned by uid ${a.uid}, who could replace it: use a ${input.flag} under root-owned directories ${fix}`);
    }
    if ((a.mode & GROUP_OTHER_WRITE) !== 0 && (a.mode & STICKY) === 0) {
      throw new EnvironmentError(`${input.role} ${dir}: its parent ${ancestor} is writable by group or others without the sticky bit (mode ${modeText(a.mode)}): run "chmod go-w ${ancestor}" ${fix}`);
    }
  }
  return { path: dir, created, checked: true };
}

async function createIfMissing(dir: string, input: SecureDirInput): Promise<boolean> {
  try {
    await stat(dir);
    return false;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw describe(err, dir, input);
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700); // whatever the umask
    return true;
  } catch (err) {
    throw describe(err, dir, input);
  }
}

function describe(err: unknown, dir: string, input: SecureDirInput): EnvironmentError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new EnvironmentError(`cannot create ${input.role} ${dir} (${code}): run as root or set ${input.flag} to a writable place`, { cause: err });
}

/** Parents of an absolute path, nearest first, up to the root. */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let p = path.dirname(dir); ; p = path.dirname(p)) {
    out.push(p);
    if (path.dirname(p) === p) return out;
  }
}

function modeText(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}
