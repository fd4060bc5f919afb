/** The session URL `verify` is given: the same schemes as --destination, pointing at one session. */
import { parseDestination, type Destination } from '../adapters/destination';
import { ConfigError } from '../domain/errors';

export interface SessionLocation {
  /** A destination rooted at the session itself: object names are keys in it. */
  readonly destination: Destination;
  /** The S3 key prefix or the directory, to compare with the manifest's session prefix. */
  readonly location: string;
}

const EXPECTED = 'expected the URL of one session, like s3://bucket/prefix/<stack>/<fleet>/<session>/ or file:///dir/<stack>/<fleet>/<session>';

export function parseSessionLocation(url: string, cwd: string): SessionLocation {
  let destination: Destination;
  try {
    destination = parseDestination(url, cwd);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(`verify: ${e.message.replace(/; expected .*$/, '')}; ${EXPECTED}`, { cause: e });
    throw e;
  }
  if (destination.kind === 's3') {
    if (destination.prefix === '') throw new ConfigError(`verify: ${JSON.stringify(url)} names a whole bucket; ${EXPECTED}`);
    return { destination, location: destination.prefix };
  }
  return { destination, location: destination.dir };
}
