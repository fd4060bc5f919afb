import type { SessionSummary } from '../../auditor/sessionSummary';
import { byId, getJson, h } from './dom';
import { bytesText, clockText, utc } from './format';
import { liveness, summaryHasEnd } from '../liveness';

/** The session list: filters, badges, loading and rendering the rows. */

let sessions: readonly SessionSummary[] = [];

type Filters = Partial<Record<'stack' | 'fleet' | 'user' | 'since' | 'until', string>>;

function filterValues(): Filters {
  const values: Record<string, string> = {};
  new FormData(byId<HTMLFormElement>('filters')).forEach((v, k) => {
    values[k] = String(v).trim();
  });
  return values;
}

function matches(s: SessionSummary, f: Filters): boolean {
  const has = (value: string | undefined, wanted: string | undefined): boolean => !wanted || String(value || '').toLowerCase().includes(wanted.toLowerCase());
  if (!has(s.stack, f.stack) || !has(s.fleet, f.fleet) || !has(s.user, f.user)) return false;
  const start = s.start ? Date.parse(s.start) : 0;
  const end = s.end ? Date.parse(s.end) : start;
  if (f.since && end < Date.parse(`${f.since}T00:00:00Z`)) return false;
  if (f.until && start >= Date.parse(`${f.until}T00:00:00Z`) + 86400000) return false;
  return true;
}

/** live (no end.json, a segment landed lately), open (no end.json, quiet) or complete/incomplete. */
function stateBadge(s: SessionSummary): HTMLSpanElement {
  if (summaryHasEnd(s)) return h('span', { cls: `badge ${s.complete ? 'ok' : 'warn'}`, text: s.complete ? 'complete' : 'open' });
  const live = liveness({ hasEnd: false, lastSegmentEnd: s.end, start: s.start, segmentSeconds: s.segments ? s.recordedSeconds / s.segments : undefined, nowMs: Date.now() });
  return live.state === 'live'
    ? h('span', { cls: 'badge live', text: 'live', title: 'Still being recorded: no end marker yet, and a segment landed lately' })
    : h('span', { cls: 'badge warn', text: 'open', title: `No end marker, and nothing new since ${utc(live.since)} UTC: the recorder may be stalled or gone` });
}

/** Verified, or, for a session not closed yet whose only problem is that, intact so far (chain, sizes, metadata). */
function integrityBadge(s: SessionSummary): HTMLSpanElement {
  const problems = s.problems ?? [];
  const title = problems.join('\n');
  if (s.verified) return h('span', { cls: 'badge ok', text: 'verified', title });
  if (!summaryHasEnd(s) && problems.length === 1) return h('span', { cls: 'badge warn', text: 'intact so far', title: `${title}\nThe hash chain, sizes and metadata check out; the end marker that pins the chain is not written yet.` });
  return h('span', { cls: 'badge bad', text: 'not verified', title });
}

/** live/open/complete, verified or not, coverage: for a list row and the player's header. */
export function statusBadges(s: SessionSummary): HTMLSpanElement[] {
  const coverageProblems = s.coverageProblems ?? [];
  return [
    stateBadge(s),
    integrityBadge(s),
    h('span', {
      cls: `badge ${s.coverage == null ? 'warn' : coverageProblems.length ? 'bad' : 'ok'}`,
      text: s.coverage == null ? 'coverage unknown' : `coverage ${(Math.floor(s.coverage * 1000) / 10).toFixed(1)} %`,
      title: coverageProblems.join('\n'),
    }),
  ];
}

function fillDatalist(id: string, values: readonly string[]): void {
  const list = byId(id);
  list.textContent = '';
  for (const v of [...new Set(values.filter(Boolean))].sort()) list.appendChild(h('option', { value: v }));
}

function renderList(): void {
  const f = filterValues();
  const body = byId<HTMLTableElement>('sessions').tBodies[0];
  if (!body) return;
  const shown = sessions.filter((s) => matches(s, f));
  body.textContent = '';
  for (const s of [...shown].reverse()) {
    const row = h('tr', { tabindex: '0', 'data-prefix': s.prefix }, [
      h('td', { cls: 'mono', text: utc(s.start) }), h('td', { text: s.user || '-' }), h('td', { text: s.stack }), h('td', { text: s.fleet }),
      h('td', { cls: 'mono', text: s.sessionId, title: s.prefix }), h('td', { cls: 'num', text: clockText(s.durationSeconds) }),
      h('td', { cls: 'num', text: String(s.segments) }), h('td', { cls: 'num', text: bytesText(s.bytes) }), h('td', null, statusBadges(s)),
    ]);
    const go = (): void => {
      location.hash = `#session=${encodeURIComponent(s.prefix)}`;
    };
    row.addEventListener('click', go);
    row.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') go();
    });
    body.appendChild(row);
  }
  byId('count').textContent = shown.length === sessions.length ? `${sessions.length} session(s), newest first` : `${shown.length} of ${sessions.length} session(s) match`;
}

export function loadSessions(refresh: boolean): Promise<void> {
  byId('count').textContent = 'Reading sessions…';
  return getJson<{ sessions: SessionSummary[] }>(`/api/sessions${refresh ? '?refresh=1' : ''}`)
    .then((data) => {
      sessions = data.sessions;
      fillDatalist('stacks', sessions.map((s) => s.stack));
      fillDatalist('fleets', sessions.map((s) => s.fleet));
      fillDatalist('users', sessions.map((s) => s.user));
      renderList();
    })
    .catch((e: Error) => {
      byId('count').textContent = `Could not read sessions: ${e.message}`;
    });
}

/** Sessions have been read at least once. */
export function sessionsLoaded(): boolean {
  return sessions.length > 0;
}

export function setupSessionList(): void {
  const filters = byId<HTMLFormElement>('filters');
  filters.addEventListener('input', renderList);
  filters.addEventListener('reset', () => setTimeout(renderList, 0));
  filters.addEventListener('submit', (e) => e.preventDefault());
}
