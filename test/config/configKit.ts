/** Shared by the config tests: the one-line ConfigError a call throws, and config files in a fresh temp dir per test. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/domain/errors';

/** The message of the ConfigError `fn` throws; fails the test when it throws none, another error, or more than one line. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
}

export interface ConfigFiles {
  /** This test's temp dir. */
  dir(): string;
  /** Writes `config.json` there (a string as is, anything else as JSON) and returns its path. */
  write(content: unknown): string;
}

/** A fresh `<tmpdir>/<prefix>XXXXXX` for each test (beforeEach/afterEach), removed after it. */
export function configFilesEach(prefix: string): ConfigFiles {
  let dir: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const current = (): string => {
    if (dir === undefined) throw new Error('configFilesEach: no temp dir outside a test');
    return dir;
  };
  return {
    dir: current,
    write: (content) => {
      const file = path.join(current(), 'config.json');
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      return file;
    },
  };
}
