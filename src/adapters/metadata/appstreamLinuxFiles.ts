import { fromAppStreamVariables } from './appstreamEnv';
import type { FoundMetadata, MetadataSource } from './metadataSource';
import { UntrustedFileError } from './rootOwnedFile';
import { parseShellAssignments } from './shellAssignments';

/**
 * AppStream Linux instances describe the session in two shell snippets under /etc/profile.d
 * (root-owned). We parse them as data and never source them: a value like `$(reboot)` stays text.
 */
export const APPSTREAM_LINUX_FILES: readonly string[] = [
  '/etc/profile.d/appstream_system_vars.sh',
  '/etc/profile.d/appstream_user_vars.sh',
];

/** Pure: the metadata in one file's text. `problems` lists skipped lines (for a warning). */
export function parseAppStreamVarsFile(text: string, path: string): { found: FoundMetadata; problems: readonly string[] } {
  const { values, problems } = parseShellAssignments(text);
  return { found: fromAppStreamVariables(values, { source: `appstream-file:${path}` }), problems };
}

export interface AppStreamLinuxFilesOptions {
  /**
   * Resolves with the file's text; rejects with an ENOENT error when the file does not exist and
   * an UntrustedFileError when it is not root's (production: readRootOwnedFile).
   */
  readonly readFile: (path: string) => Promise<string>;
  readonly paths?: readonly string[];
  /** Told about skipped lines; missing files are normal (not AppStream) and not reported. */
  readonly warn?: (message: string) => void;
}

/** Files later in `paths` win for a variable both define (the user file after the system file). */
export function createAppStreamLinuxFilesSource(options: AppStreamLinuxFilesOptions): MetadataSource {
  return {
    name: 'appstream-files',
    read: async () => {
      let found: FoundMetadata = {};
      for (const path of options.paths ?? APPSTREAM_LINUX_FILES) {
        let text: string;
        try {
          text = await options.readFile(path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
          if (err instanceof UntrustedFileError) {
            // Another user's file, a link or an oversized file must not name the session: skip it, say so.
            options.warn?.(`${path}: not used: ${err.message}`);
            continue;
          }
          throw err;
        }
        const parsed = parseAppStreamVarsFile(text, path);
        for (const problem of parsed.problems) options.warn?.(`${path} ${problem}`);
        found = { ...found, ...parsed.found };
      }
      return found;
    },
  };
}
