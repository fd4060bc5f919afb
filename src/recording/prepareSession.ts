import { hostname } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { RecorderConfig } from '../config/loadConfig';
import { ensureSecureDir } from '../adapters/permissions';
import { metadataFromConfig, platformMetadataSources, resolveMetadata } from '../adapters/metadata/resolveMetadata';
import { writeFileAtomic } from '../adapters/atomicWrite';
import { readRootOwnedFile } from '../adapters/metadata/rootOwnedFile';
import { sanitizeComponent, sessionPrefix } from '../domain/sanitize';
import type { SessionMetadata } from '../domain/sessionMetadata';
import { SESSION_FILE, serializeSessionFile } from '../domain/sessionFile';
import { acquireSessionLock, sessionLockPath, type SessionLock } from '../sessionLock';
import { optionTable } from '../config/options';
import { flagName } from '../config/optionRendering';
import { sentinelPathFor } from '../config/defaults';

const execFileAsync = promisify(execFile);

export interface PreparedSession {
  readonly metadata: SessionMetadata;
  readonly sessionPrefix: string;
  readonly sessionSpoolDir: string;
  readonly sentinelPath: string;
  readonly lock: SessionLock;
}

export interface PrepareInput {
  readonly config: RecorderConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly logger: Logger;
  readonly version: string;
  readonly now: Date;
  /** Already resolved (resolveSessionMetadata); resolved here when absent. */
  readonly metadata?: SessionMetadata;
}

/** Who, where and when: flags first, then the platform's AppStream sources. Reads, never writes. */
export async function resolveSessionMetadata(input: Omit<PrepareInput, 'metadata'>): Promise<SessionMetadata> {
  const { config, platform, logger } = input;
  const resolved = await resolveMetadata({
    flags: metadataFromConfig(config),
    sources: platformMetadataSources({
      platform,
      env: input.env,
      readFile: (path) => readRootOwnedFile(path),
      runReg: async (args) => (await execFileAsync('reg', [...args], { timeout: 10_000, windowsHide: true })).stdout,
      ...(config.sessionId === undefined ? {} : { sessionIdHint: config.sessionId }),
      ...(config.userSid === undefined ? {} : { userSid: config.userSid }),
      warn: (message) => logger.warn(message),
    }),
    platform,
    hostname: hostname(),
    now: input.now,
    recorderVersion: input.version,
  });
  for (const warning of resolved.warnings) logger.warn(warning);
  return resolved.metadata;
}

/**
 * Everything decided once before capture starts: who and where (metadata, sanitized key prefix),
 * root-only spool and sentinel directories, and the per-session lock that keeps a second recorder
 * off the same session. Throws EnvironmentError/ConfigError (exit 2) or SessionLockedError.
 */
export async function prepareSession(input: PrepareInput): Promise<PreparedSession> {
  const { config, platform } = input;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const metadata = input.metadata ?? (await resolveSessionMetadata(input));

  await ensureSecureDir({ dir: config.spoolDir, role: 'spool directory', flag: flagName(optionTable.spoolDir), insecure: config.insecure, platform, uid });
  const sentinelPath = config.sentinel ?? sentinelPathFor(config.runDir, metadata.sessionId, platform);
  const sentinelDir = join(sentinelPath, '..');
  await ensureSecureDir({ dir: sentinelDir, role: 'sentinel directory', flag: flagName(optionTable.sentinel), insecure: config.insecure, platform, uid });

  const lockPath = sessionLockPath(config.spoolDir, metadata.sessionId);
  const lock = await acquireSessionLock({ lockPath, sessionId: metadata.sessionId, pid: process.pid, now: input.now });
  const sessionSpoolDir = join(config.spoolDir, sanitizeComponent(metadata.sessionId));
  const prefix = sessionPrefix(metadata);
  const file = serializeSessionFile({
    metadata, sessionPrefix: prefix, destination: config.destination.url,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.region === undefined ? {} : { region: config.region }),
    checksumMode: config.checksumMode,
  });
  await writeFileAtomic(join(sessionSpoolDir, SESSION_FILE), file);
  return { metadata, sessionPrefix: prefix, sessionSpoolDir, sentinelPath, lock };
}
