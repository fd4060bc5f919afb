import type { SessionView } from '../sessionCatalog';
import { byId, h } from './dom';
import { bytesText, clockText, utc } from './format';
import { player, show } from './player';
import { statusBadges } from './sessionList';
import { summaryHasEnd } from '../liveness';

/** The side panel of an opened session: who/where/when, integrity, and the segment list. */

function fact(dl: HTMLElement, name: string, value: unknown): void {
  if (value == null || value === '') return;
  dl.appendChild(h('dt', { text: name }));
  dl.appendChild(h('dd', { text: String(value) }));
}

function totalSeconds(spans: readonly { from: number; to: number }[]): number {
  return spans.reduce((a, g) => a + g.to - g.from, 0);
}

export function renderDetails(view: SessionView): void {
  const s = view.summary;
  const m = view.metadata ?? {};
  const dl = byId('facts');
  byId('title').textContent = `${s.user || 'unknown user'} · ${s.stack} / ${s.fleet}`;
  const badges = byId('badges');
  badges.textContent = '';
  for (const b of statusBadges(s)) badges.appendChild(b);
  dl.textContent = '';
  fact(dl, 'User', s.user || '-');
  fact(dl, 'Stack', s.stack);
  fact(dl, 'Fleet', s.fleet);
  fact(dl, 'Session', s.sessionId);
  fact(dl, 'Host', m.hostname);
  fact(dl, 'Instance', m.instanceId);
  fact(dl, 'Started', `${utc(s.start)} UTC`);
  fact(dl, 'Ended', !summaryHasEnd(s) ? `not yet${s.end ? ` (newest frame ${utc(s.end).slice(11)} UTC)` : ''}` : s.end ? `${utc(s.end)} UTC` : 'open');
  fact(dl, 'Duration', clockText(s.durationSeconds));
  fact(dl, 'Recorded', clockText(s.recordedSeconds));
  fact(dl, 'Size', bytesText(s.bytes));
  fact(dl, 'Layouts', (s.layouts ?? []).join(', ').replace(/x/g, '×'));
  fact(dl, 'End reason', s.endReason);
  const { gaps, idle } = view.timeline;
  fact(dl, 'Gaps', gaps.length ? `${gaps.length} (${totalSeconds(gaps).toFixed(1)} s)` : 'none');
  fact(dl, 'Idle', idle.length ? clockText(totalSeconds(idle)) : 'none detected');
  const integrity = byId('integrity');
  integrity.textContent = '';
  if (s.verified) integrity.appendChild(h('div', { cls: 'verified-note', text: '✓ Verified: hash chain, segment sizes, metadata and end marker check out.' }));
  else integrity.appendChild(h('ul', { cls: 'problems' }, (s.problems ?? []).map((p) => h('li', { text: p }))));
  const list = byId('segments');
  list.textContent = '';
  byId('segment-count').textContent = `(${player.segs.length})`;
  player.segs.forEach((seg, i) => {
    list.appendChild(h('li', { onclick: () => show(i, 0) }, [
      h('span', { cls: 'n', text: String(i + 1) }), h('span', { text: utc(seg.start).slice(11) }),
      h('span', { text: `${seg.duration.toFixed(1)} s` }), h('span', { text: bytesText(seg.bytes) }),
      h('span', { cls: 'tag', text: `${seg.idle ? 'idle · ' : ''}${seg.width}×${seg.height}` }),
    ]));
  });
}
