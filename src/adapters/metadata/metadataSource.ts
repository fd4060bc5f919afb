/**
 * One interface for every place session metadata can come from (AppStream files, the Windows
 * registry, the process environment). Each value carries where it came from, for the auditor.
 */
export type MetadataField = 'sessionId' | 'stack' | 'fleet' | 'user' | 'authType' | 'imageArn' | 'instanceType';

export const METADATA_FIELDS: readonly MetadataField[] = ['sessionId', 'stack', 'fleet', 'user', 'authType', 'imageArn', 'instanceType'];

export interface FoundValue {
  /** The raw value, untouched (it may be hostile: sanitize before using it in a key). */
  readonly value: string;
  /** e.g. `flag`, `env:AppStream_UserName`, `appstream-file:/etc/profile.d/appstream_user_vars.sh#AppStream_UserName`. */
  readonly source: string;
}

export type FoundMetadata = Partial<Record<MetadataField, FoundValue>>;

export interface MetadataSource {
  /** For logs and warnings: `appstream-files`, `registry`, `env`. */
  readonly name: string;
  /** Resolves with what this source knows; rejects only on an unexpected failure. */
  read(): Promise<FoundMetadata>;
}
