import { fromAppStreamVariables } from './appstreamEnv';
import type { FoundMetadata, MetadataSource } from './metadataSource';

/**
 * On Windows AppStream the user-context variables live in the user's own environment,
 * `HKU\<SID>\Environment`, which the recorder (SYSTEM) reads with `reg query`. The user can
 * write there, so only user-context fields are taken from it (never fleet, image or instance
 * type, which come from the machine's environment).
 */
export interface RegistryValue {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

// `reg query` prints `    <name>    <REG_TYPE>    <data>`: four spaces around each column. Names
// may contain spaces; the data may be empty (then the last separator can be missing).
const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/** Pure: the values listed by `reg query <key>` (one key, no /s). */
export function parseRegQuery(output: string): RegistryValue[] {
  const values: RegistryValue[] = [];
  for (const line of output.split(/\r?\n/)) {
    const m = VALUE_LINE.exec(line);
    if (m === null) continue;
    values.push({ name: m[1] as string, type: m[2] as string, value: m[3] ?? '' });
  }
  return values;
}

/** Pure: the metadata in `reg query HKU\<SID>\Environment` output (REG_SZ / REG_EXPAND_SZ only). */
export function parseRegistryEnvironment(output: string, sid: string): FoundMetadata {
  const strings = new Map<string, string>();
  for (const v of parseRegQuery(output)) {
    if (v.type === 'REG_SZ' || v.type === 'REG_EXPAND_SZ') strings.set(v.name, v.value);
  }
  // Labelled as what it is: the user's own environment, which the user can write.
  return fromAppStreamVariables(strings, { source: `user-environment:HKU\\${sid}\\Environment`, caseInsensitive: true, contexts: ['user'] });
}

const USER_SID = /^HKEY_USERS\\(S-1-5-21(?:-\d+)+)$/;

/** Pure: the SIDs of loaded domain/local user hives in `reg query HKU` output (no `_Classes`, no service accounts). */
export function parseUserSids(output: string): string[] {
  return output
    .split(/\r?\n/)
    .map((line) => USER_SID.exec(line.trim())?.[1])
    .filter((sid): sid is string => sid !== undefined);
}

/** Runs `reg` with these arguments and resolves with its stdout (rejects when reg fails). */
export type RunReg = (args: readonly string[]) => Promise<string>;

export interface RegistrySourceOptions {
  readonly runReg: RunReg;
  /** The streaming user's SID when known (e.g. from the start hook). */
  readonly sid?: string;
  /**
   * Otherwise the loaded user hives are searched: the one whose AppStream_Session_ID equals this
   * (multi-session hosts), or the only user hive there is. Ambiguity gives nothing, never a guess.
   */
  readonly sessionIdHint?: string;
  readonly warn?: (message: string) => void;
}

export function createWindowsRegistrySource(options: RegistrySourceOptions): MetadataSource {
  const readSid = async (sid: string): Promise<FoundMetadata> => parseRegistryEnvironment(await options.runReg(['query', `HKU\\${sid}\\Environment`]), sid);
  return {
    name: 'registry',
    read: async () => {
      if (options.sid !== undefined) {
        if (!/^S-1-[0-9-]+$/.test(options.sid)) throw new Error(`not a SID: ${JSON.stringify(options.sid)}`);
        return readSid(options.sid);
      }
      const sids = parseUserSids(await options.runReg(['query', 'HKU']));
      const readings = await Promise.all(sids.map(async (sid) => ({ sid, found: await readSid(sid).catch(() => ({}) as FoundMetadata) })));
      const withSession = readings.filter((r) => r.found.sessionId !== undefined);
      const hint = options.sessionIdHint;
      const matching = hint === undefined ? withSession : withSession.filter((r) => r.found.sessionId?.value === hint);
      if (matching.length === 1) return (matching[0] as { found: FoundMetadata }).found;
      if (matching.length > 1) options.warn?.(`${matching.length} user hives (${matching.map((r) => r.sid).join(', ')}) hold AppStream variables; pass the session id to pick one`);
      return {};
    },
  };
}
