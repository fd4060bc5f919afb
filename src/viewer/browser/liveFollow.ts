import { liveness, type Liveness } from '../liveness';
import type { SessionView } from '../sessionCatalog';
import { loadActivity, renderLane } from './activityView';
import { byId } from './dom';
import { utc } from './format';
import { message, nextIndex, pause, play, player, preloadNext, renderSegmentInfo, seek, show } from './player';
import { renderDetails } from './sessionDetails';
import { renderTimeline } from './timelineView';

/**
 * Following a session that is still being recorded: the server pushes the session again each time
 * its listing changes (server-sent events, /api/session/live; one watcher per session on the
 * server, however many pages). The timeline grows; a viewer waiting at the newest frame plays on
 * into the new segment; one watching the past stays where they are. When end.json lands the page
 * says the session ended, and its badges show the coverage as for any closed session.
 */

let source: EventSource | null = null;
let recheck: ReturnType<typeof setInterval> | undefined;
/** The page saw this session live: its end is news worth a line. */
let sawLive = false;

export function stopFollowing(): void {
  source?.close();
  source = null;
  if (recheck !== undefined) clearInterval(recheck);
  recheck = undefined;
  sawLive = false;
}

/** The state now: a live session with no news for a while turns `silent` without any event. */
function currentLiveness(view: SessionView): Liveness {
  if (view.live.state === 'ended') return view.live;
  const segs = view.timeline.segments;
  return liveness({
    hasEnd: false, lastSegmentEnd: view.summary.end, start: view.summary.start,
    segmentSeconds: segs.reduce((m, s) => Math.max(m, s.duration), 0), nowMs: Date.now(),
  });
}

function renderLiveState(view: SessionView): void {
  const live = currentLiveness(view);
  const note = byId('live-note');
  const goLive = byId('go-live');
  goLive.hidden = live.state === 'ended' || player.segs.length === 0;
  goLive.classList.toggle('at-edge', player.waitingAtEdge || (player.cur >= 0 && nextIndex(player.cur) < 0));
  note.classList.remove('live', 'ended');
  if (live.state === 'live') {
    sawLive = true;
    note.hidden = false;
    note.classList.add('live');
    note.textContent = `● Live: still being recorded. New segments appear here as they land (newest ends ${live.since ? `${utc(live.since).slice(11)} UTC` : 'not yet'}).`;
  } else if (live.state === 'silent') {
    sawLive = true;
    note.hidden = false;
    note.textContent = `Open: no end marker, and nothing new since ${live.since ? `${utc(live.since)} UTC` : 'it started'}. The recorder may be stalled, cut off from the store or gone (recover on its machine finishes the session). Still watching.`;
  } else if (sawLive) {
    note.hidden = false;
    note.classList.add('ended');
    note.textContent = `The session ended${view.summary.end ? ` (last frame ${utc(view.summary.end).slice(11)} UTC)` : ''}: its recorder wrote the end marker.`;
  } else {
    note.hidden = true;
  }
}

/** A newer read of the open session: grow the timeline, keep the viewer where they are (or carry them on at the live edge). */
export function applyView(view: SessionView): void {
  const grew = view.timeline.segments.length !== player.segs.length;
  player.view = view;
  player.segs = view.timeline.segments;
  player.live = view.live.state !== 'ended';
  renderDetails(view);
  renderTimeline();
  renderLane();
  if (player.cur >= player.segs.length) {
    // The manifest read now has fewer entries than before (rewritten): stay as close as it allows.
    if (player.segs.length > 0) show(player.segs.length - 1, 0);
  } else if (player.cur < 0 && player.segs.length > 0) {
    message(null);
    show(0, 0);
  } else if (player.waitingAtEdge && nextIndex(player.cur) >= 0) {
    message(null);
    show(nextIndex(player.cur), 0);
  } else if (player.cur >= 0) {
    preloadNext();
    renderSegmentInfo();
  }
  if (!player.live && player.waitingAtEdge) {
    pause();
    message('The session ended: this was its last frame.');
  }
  renderLiveState(view);
  if (grew && player.prefix) void loadActivity(player.prefix);
}

/** Starts following `prefix` (when the session is not closed yet). */
export function follow(prefix: string, view: SessionView): void {
  stopFollowing();
  player.live = view.live.state !== 'ended';
  renderLiveState(view);
  if (!player.live) return;
  const es = new EventSource(`/api/session/live?prefix=${encodeURIComponent(prefix)}`);
  source = es;
  es.addEventListener('session', (e) => {
    if (source !== es || player.prefix !== prefix) return;
    applyView(JSON.parse((e as MessageEvent<string>).data) as SessionView);
    if (!player.live) stopFollowing();
  });
  es.addEventListener('problem', (e) => {
    if (source !== es) return;
    const note = byId('live-note');
    note.hidden = false;
    note.textContent = `Following the session: ${(JSON.parse((e as MessageEvent<string>).data) as { error: string }).error}`;
  });
  recheck = setInterval(() => {
    if (player.view && player.prefix === prefix) renderLiveState(player.view);
  }, 5000);
}

/** Jumps to the newest frames and plays: the live edge. */
export function goLive(): void {
  const last = player.segs[player.segs.length - 1];
  if (!last || !player.view) return;
  seek(Math.max(last.offset, player.view.timeline.totalSeconds - 2));
  play();
}
