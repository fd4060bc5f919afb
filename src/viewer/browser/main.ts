/**
 * The viewer page's script (bundled by esbuild into dist/browser/viewer.js; see
 * tsconfig.browser.json): routing between the session list and the player, keys, start-up.
 */
import type { SessionView } from '../sessionCatalog';
import { byId, getJson } from './dom';
import { activeChain, activeEl, globalTime, message, nextIndex, pause, play, player, seek, setRate, setupPlayer, show, stepRate, unload } from './player';
import { renderDetails } from './sessionDetails';
import { loadSessions, sessionsLoaded, setupSessionList } from './sessionList';
import { renderTimeline, setupTimeline } from './timelineView';
import { setupSearchBox } from './searchBox';
import { clearActivity, loadActivity, setupActivity } from './activityView';
import { follow, goLive, stopFollowing } from './liveFollow';

/** For tests and for the curious: the player's state, read-only, plus the same actions as the keys. */
interface ViewerApi {
  state(): {
    prefix: string | null; segment: number; segments: number; globalTime: number; currentTime: number; loaded: number[];
    activeSrc: string; readyState: number; paused: boolean; seeking: boolean; rate: number; playing: boolean;
    /** Where the segment starts in the file the element plays (a joined chain), and why it cannot be shown. */
    base: number; problem: string | null;
  };
  seek(t: number): void;
  play(): void;
  pause(): void;
  setRate(r: number): void;
  activeVideo(): HTMLVideoElement;
}

declare global {
  interface Window {
    viewer: ViewerApi;
  }
}

/** Where to start: `at` an ISO time (a search result), or `t` seconds on the timeline; the start when neither. */
interface StartAt {
  readonly at?: string;
  readonly t?: number;
}

function startSeconds(view: SessionView, start: StartAt): number | undefined {
  if (start.at !== undefined && !Number.isNaN(Date.parse(start.at))) return (Date.parse(start.at) - Date.parse(view.timeline.start)) / 1000;
  return start.t !== undefined && Number.isFinite(start.t) ? start.t : undefined;
}

function openSession(prefix: string, start: StartAt = {}): Promise<void> {
  stopFollowing();
  clearActivity();
  unload();
  player.prefix = prefix;
  byId('list-view').hidden = true;
  byId('player-view').hidden = false;
  byId('title').textContent = 'Loading…';
  message('Loading session…');
  return getJson<SessionView>(`/api/session?prefix=${encodeURIComponent(prefix)}`)
    .then((view) => {
      if (player.prefix !== prefix) return;
      player.view = view;
      player.segs = view.timeline.segments;
      renderDetails(view);
      renderTimeline();
      follow(prefix, view);
      void loadActivity(prefix);
      if (!player.segs.length) {
        message(view.live.state === 'ended' ? 'This session has no video.' : 'No segment has landed yet: waiting for the first one.');
        return;
      }
      message(null);
      const t = startSeconds(view, start);
      if (t === undefined) show(0, 0);
      else seek(t);
    })
    .catch((e: Error) => message(`Could not open the session: ${e.message}`));
}

function showList(): void {
  pause();
  stopFollowing();
  clearActivity();
  player.prefix = null;
  byId('player-view').hidden = true;
  byId('list-view').hidden = false;
  if (!sessionsLoaded()) void loadSessions(false);
}

/** `#session=<prefix>[&at=<ISO time>|&t=<seconds>]` opens the player (there); anything else the list. */
function route(): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const prefix = params.get('session');
  const at = params.get('at');
  const t = params.get('t');
  if (prefix) void openSession(prefix, { ...(at ? { at } : {}), ...(t ? { t: Number(t) } : {}) });
  else showList();
}

function onKey(e: KeyboardEvent): void {
  if (byId('player-view').hidden || (e.target instanceof HTMLElement && e.target.tagName === 'INPUT') || e.ctrlKey || e.metaKey || e.altKey) return;
  const big = e.shiftKey ? 30 : 5;
  switch (e.key) {
    case ' ': case 'k': e.preventDefault(); if (player.playing) pause(); else play(); break;
    case 'ArrowLeft': e.preventDefault(); seek(globalTime() - big); break;
    case 'ArrowRight': e.preventDefault(); seek(globalTime() + big); break;
    case 'ArrowUp': case ']': e.preventDefault(); stepRate(1); break;
    case 'ArrowDown': case '[': e.preventDefault(); stepRate(-1); break;
    case 'n': case 'N': if (nextIndex(player.cur) >= 0) show(nextIndex(player.cur), 0); break;
    case 'p': case 'P': if (player.cur > 0) show(player.cur - 1, 0); break;
    case 'Home': seek(0); break;
    case 'End': if (player.view) seek(player.view.timeline.totalSeconds); break;
    case 'i': case 'I': byId('skip-idle').click(); break;
    case 'f': case 'F': byId('fullscreen').click(); break;
    case 'l': case 'L': if (player.live) goLive(); break;
    case 'Escape': if (!document.fullscreenElement) location.hash = ''; break;
  }
}

setupSessionList();
setupPlayer();
setupTimeline();
setupSearchBox();
setupActivity();
byId('go-live').addEventListener('click', goLive);
window.addEventListener('hashchange', route);
byId('refresh').addEventListener('click', () => {
  if (player.prefix) void openSession(player.prefix);
  else void loadSessions(true);
});
document.addEventListener('keydown', onKey);

window.viewer = {
  state: () => {
    const el = activeEl();
    return {
      prefix: player.prefix, segment: player.cur, segments: player.segs.length, globalTime: globalTime(), currentTime: el.currentTime,
      loaded: player.els.map((v) => Number(v.dataset.index)), activeSrc: el.currentSrc, readyState: el.readyState,
      paused: el.paused, seeking: el.seeking, rate: player.rate, playing: player.playing, ...activeChain(),
    };
  },
  seek, play, pause, setRate, activeVideo: activeEl,
};

setRate(1);
getJson<{ destination: string; session?: string }>('/api/info')
  .then((info) => {
    byId('destination').textContent = info.destination;
    if (info.session && !location.hash) location.hash = `#session=${encodeURIComponent(info.session)}`;
    route();
  })
  .catch((e: Error) => {
    byId('count').textContent = `The viewer is not answering: ${e.message}`;
  });
byId('home').addEventListener('click', (e) => {
  e.preventDefault();
  location.hash = '';
});
byId('back').addEventListener('click', (e) => {
  e.preventDefault();
  location.hash = '';
});
