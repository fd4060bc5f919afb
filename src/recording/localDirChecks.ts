/**
 * Every local directory `record` will write to, checked before anything is written anywhere
 * (the destination's first object included): the spool and the sentinel directory (owner, mode,
 * parents, not under /proc or /sys), and a file:// destination (not under /proc or /sys once its
 * links are resolved). Each check is bounded in time: a file system that hangs is exit 2, not a
 * recorder that never starts.
 */
import { dirname } from 'node:path';
import type { RecorderConfig } from '../config/loadConfig';
import { sentinelPathFor } from '../config/defaults';
import { optionTable } from '../config/options';
import { flagName } from '../config/optionRendering';
import { ensureSecureDir } from '../adapters/permissions';
import { pseudoFsRootResolved } from '../adapters/pseudoFs';
import { withTimeout } from '../adapters/withTimeout';
import { EnvironmentError } from '../domain/errors';

/** Generous: a healthy local file system answers these in milliseconds. */
export const LOCAL_CHECK_TIMEOUT_MS = 15_000;

type CheckedConfig = Pick<RecorderConfig, 'spoolDir' | 'runDir' | 'sentinel' | 'insecure' | 'destination'>;

export async function checkLocalDirs(config: CheckedConfig, sessionId: string, platform: NodeJS.Platform, timeoutMs = LOCAL_CHECK_TIMEOUT_MS): Promise<void> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const sentinelDir = dirname(config.sentinel ?? sentinelPathFor(config.runDir, sessionId, platform));
  const dirs = [
    { dir: config.spoolDir, role: 'spool directory', flag: flagName(optionTable.spoolDir) },
    { dir: sentinelDir, role: 'sentinel directory', flag: flagName(optionTable.sentinel) },
  ];
  for (const d of dirs) {
    await withTimeout(ensureSecureDir({ ...d, insecure: config.insecure, platform, uid }), timeoutMs, `checking the ${d.role} ${d.dir}`, `fix that file system or point ${d.flag} elsewhere`);
  }
  const destination = config.destination;
  if (destination.kind === 'file') {
    const pseudo = await withTimeout(pseudoFsRootResolved(destination.dir), timeoutMs, `checking the destination ${destination.dir}`, 'fix that file system or point --destination elsewhere');
    if (pseudo !== undefined) {
      throw new EnvironmentError(`destination ${destination.dir} resolves to a path under ${pseudo}, a kernel file system, not storage: point --destination at a real directory`);
    }
  }
}
