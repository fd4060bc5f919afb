import type { FoundMetadata, MetadataField, MetadataSource } from './metadataSource';

/**
 * The AppStream 2.0 variables we use, from AWS's "User and Instance Metadata for AppStream 2.0
 * Fleets". User context: set per streaming session, in the user's environment (on Windows the
 * user can change these). Machine context: set for the instance.
 */
export const APPSTREAM_VARIABLES: readonly { readonly name: string; readonly field: MetadataField; readonly context: 'user' | 'machine' }[] = [
  { name: 'AppStream_Session_ID', field: 'sessionId', context: 'user' },
  { name: 'AppStream_Stack_Name', field: 'stack', context: 'user' },
  { name: 'AppStream_UserName', field: 'user', context: 'user' },
  /** `custom`, `userpool` or `saml`. */
  { name: 'AppStream_User_Access_Mode', field: 'authType', context: 'user' },
  /** The fleet's (or image builder's) name; AppStream_Resource_Type says which. */
  { name: 'AppStream_Resource_Name', field: 'fleet', context: 'machine' },
  { name: 'AppStream_Image_Arn', field: 'imageArn', context: 'machine' },
  { name: 'AppStream_Instance_Type', field: 'instanceType', context: 'machine' },
];

export interface AppStreamVariablesOptions {
  /** Prefix of each value's `source`, e.g. `env` or `registry:HKU\S-1-5-21-...\Environment`. */
  readonly source: string;
  /** Windows names are case-insensitive; an exact match still wins. */
  readonly caseInsensitive?: boolean;
  /** Only these contexts are taken (e.g. `['user']` from a place the user can write). Default both. */
  readonly contexts?: readonly ('user' | 'machine')[];
}

/**
 * Pure: picks the AppStream variables out of a name → value lookup (an environment object, a
 * parsed file, registry values). Empty values count as missing.
 */
export function fromAppStreamVariables(
  lookup: ReadonlyMap<string, string> | Readonly<Record<string, string | undefined>>,
  options: AppStreamVariablesOptions,
): FoundMetadata {
  const entries: ReadonlyMap<string, string | undefined> =
    lookup instanceof Map ? lookup : new Map(Object.entries(lookup as Record<string, string | undefined>));
  const contexts = options.contexts ?? ['user', 'machine'];
  const found: FoundMetadata = {};
  for (const variable of APPSTREAM_VARIABLES) {
    if (!contexts.includes(variable.context)) continue;
    const hit = find(entries, variable.name, options.caseInsensitive ?? false);
    if (hit !== undefined && hit.value !== '') found[variable.field] = { value: hit.value, source: `${options.source}:${hit.name}` };
  }
  return found;
}

function find(entries: ReadonlyMap<string, string | undefined>, name: string, caseInsensitive: boolean): { name: string; value: string } | undefined {
  const exact = entries.get(name);
  if (exact !== undefined) return { name, value: exact };
  if (!caseInsensitive) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of entries) {
    if (key.toLowerCase() === lower && value !== undefined) return { name: key, value };
  }
  return undefined;
}

/** The process environment as a source (on AppStream Linux and Windows: machine context set by the agent). */
export function createEnvSource(env: Readonly<Record<string, string | undefined>>, platform: string): MetadataSource {
  return {
    name: 'env',
    read: async () => fromAppStreamVariables(env, { source: 'env', caseInsensitive: platform === 'win32' }),
  };
}
