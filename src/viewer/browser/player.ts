import type { SessionView } from '../sessionCatalog';
import { locate, type TimelineSegment } from '../timeline';
import { byId, getJson, h } from './dom';

/**
 * The player: two <video> elements, the current segment and the next one preloaded; the global
 * time is the segment's offset on the timeline plus the element's currentTime. At a segment's end
 * the preloaded element takes over (gaps are skipped, idle segments too when asked), and seeking
 * maps a global time to (segment, offset) with `locate` from timeline.ts. Only two segments are
 * ever loaded, so memory stays flat however long the session is.
 *
 * A segment that continues the one before it (its first frame is not a keyframe: the timeline's
 * `continuesPrevious`) plays from a file the server joins from its chain back to the keyframe
 * (chainMedia.ts): the player asks where the segment starts in that file (/api/chain), seeks to
 * that base plus the time wanted, and counts the element's time from there; the file ends where
 * the segment does. A broken chain is said over the video for that segment, never played.
 */

const SPEEDS = [1, 2, 4, 8, 16];

export interface Player {
  view: SessionView | null;
  prefix: string | null;
  segs: readonly TimelineSegment[];
  /** Index of the segment shown; -1 before one is. */
  cur: number;
  readonly els: readonly [HTMLVideoElement, HTMLVideoElement];
  /** Which of `els` shows the current segment (the other preloads the next). */
  active: 0 | 1;
  rate: number;
  playing: boolean;
  skipIdle: boolean;
  /** The session is still being recorded: at its newest segment's end the player waits for the next one. */
  live: boolean;
  /** Playing, at the live edge, waiting for a segment to land. */
  waitingAtEdge: boolean;
}

export const player: Player = {
  view: null, prefix: null, segs: [], cur: -1, els: [byId<HTMLVideoElement>('video-a'), byId<HTMLVideoElement>('video-b')], active: 0, rate: 1, playing: false, skipIdle: false,
  live: false, waitingAtEdge: false,
};

/** Where an element must go once its metadata is loaded (a seek before it can take one), in its segment's time. */
const pendingSeek = new Map<HTMLVideoElement, number>();
/** Where each element's segment starts in the file it plays, in seconds: 0 unless a joined chain. */
const baseOf = new Map<HTMLVideoElement, number>();
/** Why an element's segment cannot be shown (its chain is broken), as the server said. */
const problemOf = new Map<HTMLVideoElement, string>();
/** The line over the video is a chain problem (cleared when another segment is shown). */
let problemShown = false;

interface ChainInfo {
  readonly offsetSeconds: number;
  readonly first: number;
  readonly links: number;
}

export function activeEl(): HTMLVideoElement {
  return player.els[player.active];
}

function spareEl(): HTMLVideoElement {
  return player.els[player.active === 0 ? 1 : 0];
}

function mediaUrl(i: number): string {
  return `/media?prefix=${encodeURIComponent(player.prefix ?? '')}&i=${i}`;
}

/** The line over the video (loading, errors); null hides it. */
export function message(text: string | null): void {
  const m = byId('stage-message');
  m.hidden = !text;
  m.textContent = text || '';
}

function loadInto(el: HTMLVideoElement, i: number): void {
  if (Number(el.dataset.index) === i && !problemOf.has(el)) return;
  el.dataset.index = String(i);
  pendingSeek.delete(el);
  problemOf.delete(el);
  baseOf.set(el, 0);
  if (player.segs[i]?.continuesPrevious !== true) {
    el.src = mediaUrl(i);
    el.load();
    return;
  }
  // Its chain's file: first where the segment starts in it (the old picture goes meanwhile).
  el.removeAttribute('src');
  el.load();
  const url = mediaUrl(i);
  const current = (): boolean => Number(el.dataset.index) === i && el.getAttribute('src') === null && url === mediaUrl(i);
  getJson<ChainInfo>(`/api/chain?prefix=${encodeURIComponent(player.prefix ?? '')}&i=${i}`).then(
    (info) => {
      if (!current()) return;
      baseOf.set(el, info.offsetSeconds);
      el.src = url;
      el.load();
    },
    (e: Error) => {
      if (!current()) return;
      problemOf.set(el, e.message);
      if (el === activeEl()) showProblem(el);
    },
  );
}

/** Says why the active segment cannot be shown; playing, moves on to the next one after a moment. */
function showProblem(el: HTMLVideoElement): void {
  message(problemOf.get(el) ?? null);
  problemShown = true;
  const i = player.cur;
  if (player.playing) {
    setTimeout(() => {
      if (player.playing && player.cur === i && activeEl() === el && problemOf.has(el)) advance();
    }, 2500);
  }
}

/** The active element's time in its segment (seconds from the segment's first frame). */
function localTime(el: HTMLVideoElement): number {
  return Math.max(0, (el.currentTime || 0) - (baseOf.get(el) ?? 0));
}

function setTime(el: HTMLVideoElement, t: number): void {
  if (el.readyState >= 1 && el.getAttribute('src') !== null) el.currentTime = (baseOf.get(el) ?? 0) + t;
  else pendingSeek.set(el, t);
}

function playable(i: number): boolean {
  const s = player.segs[i];
  return s !== undefined && !(player.skipIdle && s.idle);
}

export function nextIndex(i: number): number {
  for (let j = i + 1; j < player.segs.length; j++) if (playable(j)) return j;
  return -1;
}

/** Loads the segment after the current one into the spare element (a live session's new segment). */
export function preloadNext(): void {
  const n = nextIndex(player.cur);
  if (n >= 0) loadInto(spareEl(), n);
}

export function show(i: number, within: number): void {
  player.waitingAtEdge = false;
  if (Number(activeEl().dataset.index) !== i && Number(spareEl().dataset.index) === i) player.active = player.active === 0 ? 1 : 0;
  const el = activeEl();
  const spare = spareEl();
  if (problemShown) message(null);
  problemShown = false;
  loadInto(el, i);
  player.cur = i;
  if (problemOf.has(el)) showProblem(el);
  el.playbackRate = player.rate;
  el.defaultPlaybackRate = player.rate;
  setTime(el, within);
  el.classList.add('active');
  spare.classList.remove('active');
  spare.pause();
  const n = nextIndex(i);
  if (n >= 0) {
    loadInto(spare, n);
    setTime(spare, 0);
  }
  if (player.playing) el.play().catch(() => undefined);
  renderSegmentInfo();
}

function advance(): void {
  const n = nextIndex(player.cur);
  if (n < 0 && player.live && player.playing) {
    player.waitingAtEdge = true;
    message('Live: waiting for the next segment to land…');
    return;
  }
  if (n < 0) {
    player.playing = false;
    activeEl().pause();
    updatePlayButton();
    return;
  }
  show(n, 0);
}

/** For the page's test hooks: where the active segment starts in its file, and why it cannot be shown. */
export function activeChain(): { base: number; problem: string | null } {
  const el = activeEl();
  return { base: baseOf.get(el) ?? 0, problem: problemOf.get(el) ?? null };
}

/** Seconds from the session's start to the frame shown. */
export function globalTime(): number {
  const s = player.segs[player.cur];
  if (!s) return 0;
  return s.offset + Math.min(localTime(activeEl()), s.duration);
}

export function seek(time: number): void {
  if (!player.segs.length || !player.view) return;
  const t = Math.max(0, Math.min(time, player.view.timeline.totalSeconds));
  let at = locate(player.segs, t);
  if (player.skipIdle && player.segs[at.index]?.idle) {
    const n = nextIndex(at.index);
    if (n >= 0) at = { index: n, within: 0 };
  }
  show(at.index, at.within);
}

export function play(): void {
  if (!player.segs.length) return;
  player.playing = true;
  const s = player.segs[player.cur];
  const atEnd = activeEl().ended || (s !== undefined && globalTime() >= s.offset + s.duration - 0.01 && nextIndex(player.cur) < 0);
  // At a live session's newest frame, play means wait for the next segment, not start over.
  if (atEnd && player.live) {
    advance();
    updatePlayButton();
    return;
  }
  if (atEnd) seek(0);
  if (!playable(player.cur)) advance();
  activeEl().play().catch(() => undefined);
  updatePlayButton();
}

export function pause(): void {
  player.playing = false;
  if (player.waitingAtEdge) message(null);
  player.waitingAtEdge = false;
  activeEl().pause();
  updatePlayButton();
}

function updatePlayButton(): void {
  byId('play').textContent = player.playing ? '❚❚' : '▶';
}

export function setRate(r: number): void {
  player.rate = r;
  for (const el of player.els) {
    el.playbackRate = r;
    el.defaultPlaybackRate = r;
  }
  for (const b of Array.from(byId('speeds').children)) {
    if (b instanceof HTMLElement) b.classList.toggle('on', Number(b.dataset.rate) === r);
  }
}

export function stepRate(d: number): void {
  const next = SPEEDS[SPEEDS.indexOf(player.rate) + d];
  if (next !== undefined) setRate(next);
}

/** "Segment 3 of 12 · 1920×1080", and the segment list's current row. */
export function renderSegmentInfo(): void {
  const s = player.segs[player.cur];
  if (!s) return;
  byId('segment-label').textContent = `Segment ${player.cur + 1} of ${player.segs.length} · ${s.width}×${s.height}${s.idle ? ' · idle' : ''}`;
  Array.from(byId('segments').children).forEach((li, i) => li.classList.toggle('current', i === player.cur));
  const li = byId('segments').children[player.cur];
  if (li && li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
}

/** Stops, unloads both elements and forgets the session. */
export function unload(): void {
  pause();
  for (const el of player.els) {
    el.removeAttribute('src');
    el.dataset.index = '-1';
    el.load();
    problemOf.delete(el);
    baseOf.delete(el);
  }
  problemShown = false;
  player.view = null;
  player.segs = [];
  player.cur = -1;
  player.live = false;
  player.waitingAtEdge = false;
}

export function setupPlayer(): void {
  for (const el of player.els) {
    el.dataset.index = '-1';
    el.addEventListener('loadedmetadata', () => {
      const t = pendingSeek.get(el);
      const base = baseOf.get(el) ?? 0;
      // A joined chain's file starts at its keyframe: the segment starts at `base`.
      if (t !== undefined || base > 0) el.currentTime = base + (t ?? 0);
      pendingSeek.delete(el);
    });
    el.addEventListener('ended', () => {
      if (el === activeEl()) advance();
    });
    el.addEventListener('error', () => {
      if (el !== activeEl()) return;
      message(`Segment ${player.cur + 1} could not be played${el.error ? ` (${el.error.message})` : ''}; skipping it.`);
      setTimeout(advance, 800);
    });
    el.addEventListener('playing', () => message(null));
  }
  for (const r of SPEEDS) byId('speeds').appendChild(h('button', { type: 'button', 'data-rate': String(r), text: `${r}×`, onclick: () => setRate(r) }));
  byId('play').addEventListener('click', () => (player.playing ? pause() : play()));
  byId('back10').addEventListener('click', () => seek(globalTime() - 10));
  byId('fwd10').addEventListener('click', () => seek(globalTime() + 10));
  const skipIdle = byId<HTMLInputElement>('skip-idle');
  skipIdle.addEventListener('change', () => {
    player.skipIdle = skipIdle.checked;
    if (player.skipIdle && player.segs[player.cur]?.idle) advance();
    else if (player.cur >= 0) show(player.cur, localTime(activeEl()));
  });
  byId('fullscreen').addEventListener('click', () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else byId('stage').requestFullscreen().catch(() => undefined);
  });
}
