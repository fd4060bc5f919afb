import type { TestS3Server } from '../../test/helpers/s3Server';
import type { Xvfb } from '../../test/helpers/xvfb';
import type { BenchOptions } from './options';

/** What every section gets: the options, the 1920x1080 Xvfb, the s3rver, a scratch dir, a logger. */
export interface BenchContext {
  readonly options: BenchOptions;
  readonly x: Xvfb;
  readonly s3: TestS3Server;
  readonly work: string;
  log(message: string): void;
}

/** A section's results: figures for the table, raw runs for the JSON file. */
export interface SectionResult {
  readonly name: string;
  /** Rows of the printed table: [figure, value, target/comparison]. */
  readonly rows: ReadonlyArray<readonly [string, string, string]>;
  readonly data: unknown;
}
