/**
 * The search box above the session list: sends the text (and the list's filters) to
 * /api/search, which runs the `search` engine on the server, and lists the matches; each one is a
 * link to `#session=<prefix>&at=<ISO time>`, which opens the player at that moment (main.ts).
 * Every value from the store is untrusted: it goes in with textContent only (dom.ts `h`).
 */
import type { SearchMatch } from '../../search/searchTypes';
import { byId, getJson, h } from './dom';
import { clockText, utc } from './format';

interface SearchAnswer {
  readonly matches: readonly SearchMatch[];
  readonly problems: readonly { session: string; kind: string; message: string }[];
  readonly segmentsRead: number;
  readonly segmentsCached: number;
}

/** The link that opens the player at a match. */
export function matchHash(m: Pick<SearchMatch, 'session' | 'at'>): string {
  return `#session=${encodeURIComponent(m.session)}&at=${encodeURIComponent(m.at)}`;
}

function render(answer: SearchAnswer): void {
  const list = byId('search-results');
  list.textContent = '';
  for (const m of answer.matches) {
    list.appendChild(
      h('li', null, [
        h('a', { href: matchHash(m), cls: 'search-hit' }, [
          h('span', { cls: 'mono', text: `${utc(m.at)} UTC` }),
          h('span', { cls: 'muted', text: ` +${clockText(m.offsetSeconds)} · ${m.source === 'window' ? 'window title' : 'on screen'} · ${m.session}` }),
          h('span', { cls: 'search-text', text: m.text }),
        ]),
      ]),
    );
  }
  list.hidden = answer.matches.length === 0;
  const problems = answer.problems.length ? ` · ${answer.problems.length} problem(s): ${answer.problems.slice(0, 3).map((p) => p.message).join(' | ')}` : '';
  byId('search-status').textContent =
    `${answer.matches.length} match(es) · ${answer.segmentsRead} segment(s) read by OCR, ${answer.segmentsCached} from the cache${problems}`;
}

async function runSearch(): Promise<void> {
  const q = byId<HTMLInputElement>('search-q').value.trim();
  if (!q) return;
  const params = new URLSearchParams({ q });
  new FormData(byId<HTMLFormElement>('filters')).forEach((v, k) => {
    if (String(v).trim()) params.set(k, String(v).trim());
  });
  const status = byId('search-status');
  status.textContent = 'Searching… (segments not searched before are read by OCR: this can take a while)';
  byId<HTMLButtonElement>('search-go').disabled = true;
  try {
    render(await getJson<SearchAnswer>(`/api/search?${params.toString()}`));
  } catch (e) {
    status.textContent = `Search failed: ${(e as Error).message}`;
  } finally {
    byId<HTMLButtonElement>('search-go').disabled = false;
  }
}

export function setupSearchBox(): void {
  byId<HTMLFormElement>('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void runSearch();
  });
}
