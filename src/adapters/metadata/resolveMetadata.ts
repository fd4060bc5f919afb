import type { RecorderConfig } from '../../config/loadConfig';
import { optionTable } from '../../config/options';
import { sanitizeComponent } from '../../domain/sanitize';
import type { SessionMetadata } from '../../domain/sessionMetadata';
import { createEnvSource } from './appstreamEnv';
import { createAppStreamLinuxFilesSource } from './appstreamLinuxFiles';
import { METADATA_FIELDS, type FoundMetadata, type MetadataSource } from './metadataSource';
import { createWindowsRegistrySource, type RunReg } from './windowsRegistry';

/**
 * Precedence, per field: the recorder's own settings (flags, SESSION_RECORDER_* variables, config
 * file: the admin's word), then the AppStream files (Linux) or the user's registry environment
 * (Windows, user-context fields only), then the AppStream variables of the process environment.
 * Every field records where its value came from in `sources`; a missing session id is generated
 * (`local-<host>-<start>`, source `generated`) so two sessions never share keys; other missing
 * fields stay '' with source `missing` (their key component becomes `unknown`).
 */
export interface ResolveMetadataInput {
  /** Highest precedence; see metadataFromConfig. */
  readonly flags: FoundMetadata;
  /** The other sources, highest precedence first; see platformMetadataSources. */
  readonly sources: readonly MetadataSource[];
  readonly platform: string;
  readonly hostname: string;
  readonly now: Date;
  readonly recorderVersion: string;
}

export interface ResolvedMetadata {
  readonly metadata: SessionMetadata;
  /** A source that failed (it is skipped; recording goes on). */
  readonly warnings: readonly string[];
}

export async function resolveMetadata(input: ResolveMetadataInput): Promise<ResolvedMetadata> {
  const warnings: string[] = [];
  const readings: FoundMetadata[] = [input.flags];
  for (const source of input.sources) {
    try {
      readings.push(await source.read());
    } catch (err) {
      warnings.push(`metadata source ${source.name} failed and was skipped: ${(err as Error).message}`);
    }
  }
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const field of METADATA_FIELDS) {
    const hit = readings.find((r) => r[field] !== undefined)?.[field];
    if (hit !== undefined) {
      values[field] = hit.value;
      sources[field] = hit.source;
    }
  }
  const startedAt = input.now.toISOString();
  const required = (field: 'sessionId' | 'stack' | 'fleet' | 'user'): string => {
    if (values[field] !== undefined) return values[field];
    if (field === 'sessionId') {
      sources[field] = 'generated';
      return `local-${input.hostname}-${startedAt.replace(/[-:.]/g, '')}`;
    }
    sources[field] = 'missing';
    return '';
  };
  sources['hostname'] = 'os';
  const metadata: SessionMetadata = {
    sessionId: required('sessionId'),
    stack: required('stack'),
    fleet: required('fleet'),
    user: required('user'),
    ...(values['authType'] === undefined ? {} : { authType: values['authType'] }),
    ...(values['imageArn'] === undefined ? {} : { imageArn: values['imageArn'] }),
    ...(values['instanceType'] === undefined ? {} : { instanceType: values['instanceType'] }),
    hostname: input.hostname,
    platform: input.platform,
    sources,
    startedAt,
    recorderVersion: input.recorderVersion,
  };
  const anomalies = oddValueNotes(metadata);
  return { metadata: anomalies.length === 0 ? metadata : { ...metadata, anomalies }, warnings };
}

/** The hook's own rule for a plausible value (Test-SrSessionId, sr_valid_session_id). */
const MAX_PLAIN_LENGTH = 256;

/**
 * Values a user could have made odd (control characters, absurd length) do not stop the
 * recording: they are kept raw, the key uses their sanitized form, and this note says so.
 */
export function oddValueNotes(metadata: Pick<SessionMetadata, 'sessionId' | 'stack' | 'fleet' | 'user' | 'sources'>): string[] {
  const notes: string[] = [];
  for (const field of ['sessionId', 'stack', 'fleet', 'user'] as const) {
    const value = metadata[field];
    const why = [/\p{Cc}/u.test(value) ? 'has control characters' : '', value.length > MAX_PLAIN_LENGTH ? `is longer than ${MAX_PLAIN_LENGTH} characters` : ''].filter((w) => w !== '');
    if (why.length === 0) continue;
    notes.push(`${field} from ${metadata.sources[field] ?? 'unknown'} ${why.join(' and ')}: recorded under the key component ${JSON.stringify(sanitizeComponent(value))}`);
  }
  return notes;
}

/** The metadata the admin set through the recorder's settings, labelled with their origin. */
export function metadataFromConfig(config: Pick<RecorderConfig, 'sessionId' | 'stack' | 'fleet' | 'user' | 'origins'>): FoundMetadata {
  const found: FoundMetadata = {};
  for (const field of ['sessionId', 'stack', 'fleet', 'user'] as const) {
    const value = config[field];
    if (value === undefined) continue;
    const origin = config.origins[field];
    const source = origin === 'env' ? `env:${optionTable[field].env}` : origin === 'file' ? 'config-file' : 'flag';
    found[field] = { value, source };
  }
  return found;
}

export interface PlatformSourcesInput {
  readonly platform: string;
  /** The recorder's process environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => Promise<string>;
  readonly runReg: RunReg;
  /** Windows: the session id the hook passed, to find the right user hive on multi-session hosts. */
  readonly sessionIdHint?: string;
  /** Windows: the streaming user's SID (`--user-sid`): read that hive, no search. */
  readonly userSid?: string;
  readonly warn?: (message: string) => void;
}

/** The sources after the flags, in precedence order, for one platform. */
export function platformMetadataSources(input: PlatformSourcesInput): MetadataSource[] {
  const env = createEnvSource(input.env, input.platform);
  if (input.platform === 'linux') return [createAppStreamLinuxFilesSource({ readFile: input.readFile, ...(input.warn ? { warn: input.warn } : {}) }), env];
  if (input.platform === 'win32') {
    return [
      createWindowsRegistrySource({
        runReg: input.runReg,
        ...(input.userSid === undefined ? {} : { sid: input.userSid }),
        ...(input.sessionIdHint === undefined ? {} : { sessionIdHint: input.sessionIdHint }),
        ...(input.warn ? { warn: input.warn } : {}),
      }),
      env,
    ];
  }
  return [env];
}
