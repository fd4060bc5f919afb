/**
 * Reads a file only if root could vouch for it: a regular file (never through a symbolic link:
 * O_NOFOLLOW), owned by root, and small. The same checks the Linux hook's sr_read_var_file
 * applies to the AppStream profile.d files, so the hook and the recorder trust the same files.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** AppStream's vars files are a few hundred bytes. */
export const MAX_VARS_FILE_BYTES = 64 * 1024;

/** The file exists but is not trusted; `message` says why (for a warning). */
export class UntrustedFileError extends Error {
  override readonly name = 'UntrustedFileError';
}

/** The file's text; rejects with ENOENT when it does not exist, UntrustedFileError when it is not trusted. */
export async function readRootOwnedFile(path: string, maxBytes = MAX_VARS_FILE_BYTES): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new UntrustedFileError(`${path} is a symbolic link`);
    throw e;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UntrustedFileError(`${path} is not a regular file`);
    if (info.uid !== 0) throw new UntrustedFileError(`${path} is owned by uid ${info.uid}, not root`);
    if (info.size > maxBytes) throw new UntrustedFileError(`${path} is ${info.size} bytes; at most ${maxBytes} are read`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
