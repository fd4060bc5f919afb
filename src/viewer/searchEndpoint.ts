/**
 * The viewer's search box on the server: `GET /api/search?q=TEXT[&stack=&fleet=&user=&since=&until=]`
 * runs the `search` engine (src/search) over the destination with the OCR cache, one search at a
 * time (a second waits: OCR already uses every core), and answers
 * `{ matches: SearchMatch[], problems: SearchProblem[], segmentsRead, segmentsCached }`.
 * A missing tesseract is answered with titles only and a problem saying how to install it.
 */
import { ToolMissingError } from '../adapters/tesseract';
import type { ReadOnlyStore } from '../domain/objectStore';
import { searchSessions, type OcrSetup, type SearchOutcome, type SearchProblem } from '../search/searchSessions';
import type { SearchRequest } from '../search/searchTypes';
import { MAX_QUERY_CHARS } from '../search/textQuery';

export interface SearchAnswer {
  readonly status: number;
  readonly body: Partial<SearchOutcome> & { readonly error?: string; readonly problems?: readonly SearchProblem[] };
}

function dateParam(params: URLSearchParams, name: string, endOfDay: boolean): number | undefined {
  const value = params.get(name);
  if (value === null || value === '') return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return undefined;
  return endOfDay && /^\d{4}-\d{2}-\d{2}$/.test(value) ? ms + 86_400_000 : ms;
}

/** The request from the page's query string; a string saying what is wrong when it is not one. */
export function searchRequestFrom(params: URLSearchParams): SearchRequest | string {
  const q = (params.get('q') ?? '').trim();
  if (q === '') return 'type some text to search for';
  if (q.length > MAX_QUERY_CHARS) return `at most ${MAX_QUERY_CHARS} characters can be searched for`;
  const text = (name: string): string | undefined => {
    const v = (params.get(name) ?? '').trim();
    return v === '' ? undefined : v;
  };
  const since = dateParam(params, 'since', false);
  const until = dateParam(params, 'until', true);
  return {
    text: q,
    ...(text('stack') !== undefined ? { stack: text('stack') } : {}),
    ...(text('fleet') !== undefined ? { fleet: text('fleet') } : {}),
    ...(text('user') !== undefined ? { user: text('user') } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

export function createSearchEndpoint(store: ReadOnlyStore, ocr: OcrSetup | undefined): (params: URLSearchParams) => Promise<SearchAnswer> {
  let queue: Promise<unknown> = Promise.resolve();
  async function run(request: SearchRequest): Promise<SearchAnswer> {
    try {
      return { status: 200, body: await searchSessions({ store, request, ...(ocr ? { ocr } : {}) }) };
    } catch (e) {
      if (!(e instanceof ToolMissingError)) throw e;
      const titles = await searchSessions({ store, request: { ...request, sources: ['window'] } });
      return { status: 200, body: { ...titles, problems: [...titles.problems, { session: '', kind: 'unsearched', message: `screen text was not searched: ${e.message}` }] } };
    }
  }
  return (params) => {
    const request = searchRequestFrom(params);
    if (typeof request === 'string') return Promise.resolve({ status: 400, body: { error: request } });
    const answer = queue.then(() => run(request));
    queue = answer.catch(() => undefined);
    return answer;
  };
}
