/**
 * The X11 activity source: ONE persistent X connection from Node (the `x11` package, pure JS),
 * event-driven. Selected events:
 *   root:        SubstructureNotify (top-levels created, mapped, unmapped, destroyed),
 *                PropertyChange (`_NET_ACTIVE_WINDOW`, `_NET_CLIENT_LIST_STACKING` set by a WM),
 *                FocusChange
 *   top-levels:  PropertyChange (title, class, pid), EnterWindow and FocusChange (without a WM
 *                the focus is often PointerRoot: the window under the pointer has it)
 * Any of them schedules one re-read of the view (bursts coalesce), stamped with the time the
 * first event arrived. With a window manager, the focus is `_NET_ACTIVE_WINDOW` and the windows
 * its client list; without one (bare Xvfb), the input focus and the mapped top-level children of
 * the root. The pure decoding is in x11Properties.ts.
 */
import * as x11 from 'x11';
import type { ActivitySource, WindowInfo } from '../../domain/activity';
import { boundedWindow, boundedWindows } from '../../domain/activityState';
import type { ActivitySourceHandle, ActivitySourceHandlers, ConnectActivitySource, WindowView } from './activitySource';
import { type RawProperty, decodeCard32, decodeCard32List, decodeTitle, decodeWmClass, windowId } from './x11Properties';

const ATOMS = ['_NET_ACTIVE_WINDOW', '_NET_CLIENT_LIST_STACKING', '_NET_CLIENT_LIST', '_NET_WM_NAME', '_NET_WM_PID', 'UTF8_STRING', 'COMPOUND_TEXT'] as const;
type AtomName = (typeof ATOMS)[number] | 'WM_NAME' | 'WM_CLASS' | 'STRING' | 'CARDINAL' | 'WINDOW';
/** Predefined atoms of the core protocol. */
const PREDEFINED: Record<'WM_NAME' | 'WM_CLASS' | 'STRING' | 'CARDINAL' | 'WINDOW', number> = { STRING: 31, CARDINAL: 6, WINDOW: 33, WM_NAME: 39, WM_CLASS: 67 };
/** X-Resource ClientIdMask LocalClientPID. */
const LOCAL_CLIENT_PID = 2;
/** Coalesces a burst of events (an xterm maps, names and focuses its window in a few ms) into one read. */
const COALESCE_MS = 25;
const PointerRoot = 1;
const LAST_PREDEFINED_ATOM = 68;

function call<T>(fn: (cb: (err: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function x11ActivitySource(display: string): ConnectActivitySource {
  return (handlers) => connect(display, handlers);
}

async function connect(display: string, handlers: ActivitySourceHandlers): Promise<ActivitySourceHandle> {
  const { client: X, screen } = await new Promise<x11.XDisplay>((resolve, reject) => {
    const c = x11.createClient({ display }, (err, d) => (err ? reject(new Error(`cannot connect to X display ${display}: ${messageOf(err)}`)) : resolve(d)));
    c.on('error', () => undefined); // until set up: the callback reports it
  });
  // x11 4.2.2 shares one atom cache object between all its clients (`this.atoms = stdatoms`) and
  // fills it from every InternAtom reply: after a reconnect to a new X server the old server's
  // numbers came back (titles read from the wrong property: measured). Each connection gets its
  // own cache holding only the core protocol's predefined atoms (fixed numbers 1..68).
  const own = X as unknown as { atoms: Record<string, number>; atom_names: Record<number, string> };
  own.atoms = Object.fromEntries(Object.entries(own.atoms).filter(([, atom]) => atom <= LAST_PREDEFINED_ATOM));
  own.atom_names = Object.fromEntries(Object.entries(own.atoms).map(([name, atom]) => [atom, name]));
  const root = (screen[0] as { root: number }).root;
  let closed = false;
  let lostReported = false;
  const lose = (cause: string): void => {
    if (closed || lostReported) return;
    lostReported = true;
    closed = true;
    handlers.lost(cause);
  };
  X.removeAllListeners('error');
  // X protocol errors (a window destroyed between an event and our read: BadWindow) are normal;
  // anything else on the stream means the connection is gone.
  X.on('error', (e: Error & { error?: number }) => {
    if (typeof e.error !== 'number') lose(`X connection to ${display} failed: ${messageOf(e)}`);
  });
  X.on('end', () => lose(`X connection to ${display} was closed by the server (the X server stopped or reset, or another client cut it)`));
  X.on('close', () => lose(`X connection to ${display} closed`));

  const atoms = { ...PREDEFINED } as Record<AtomName, number>;
  for (const name of ATOMS) atoms[name] = await call<number>((cb) => X.InternAtom(false, name, cb));
  const typeNames = new Map<number, string>(Object.entries(atoms).map(([name, atom]) => [atom, name]));
  const screenSaver = await call<{ QueryInfo: (drawable: number, cb: (err: Error | null, info: { idle: number }) => void) => void }>((cb) =>
    X.require('screen-saver', cb as never),
  ).catch(() => undefined);
  const res = await call<{ QueryClientIds: (specs: { client: number; mask: number }[], cb: (err: Error | null, ids: { value: number[] }[]) => void) => void }>((cb) =>
    X.require('res', cb as never),
  ).catch(() => undefined);

  const property = async (wid: number, atom: number): Promise<RawProperty | null> => {
    try {
      const p = await call<{ type: number; format: number; data: Buffer }>((cb) => X.GetProperty(0, wid, atom, 0, 0, 4096, cb));
      return { typeName: p.type === 0 ? null : (typeNames.get(p.type) ?? 'OTHER'), format: p.format, data: p.data };
    } catch {
      return null; // BadWindow: it is gone
    }
  };

  const infoCache = new Map<number, Promise<WindowInfo>>();
  const watched = new Set<number>();
  const readInfo = async (wid: number): Promise<WindowInfo> => {
    const [netName, name, cls, pidProp] = await Promise.all([
      property(wid, atoms._NET_WM_NAME),
      property(wid, atoms.WM_NAME),
      property(wid, atoms.WM_CLASS),
      property(wid, atoms._NET_WM_PID),
    ]);
    let pid = decodeCard32(pidProp);
    if (pid === null && res !== undefined) {
      pid = await call<{ value: number[] }[]>((cb) => res.QueryClientIds([{ client: wid, mask: LOCAL_CLIENT_PID }], cb))
        .then((ids) => ids.find((id) => id.value.length > 0)?.value[0] ?? null)
        .catch(() => null);
    }
    return boundedWindow({ id: windowId(wid), title: decodeTitle(netName, name), app: decodeWmClass(cls), pid });
  };
  const info = (wid: number): Promise<WindowInfo> => {
    let cached = infoCache.get(wid);
    if (cached === undefined) {
      cached = readInfo(wid);
      infoCache.set(wid, cached);
    }
    return cached;
  };
  const watch = (wid: number): void => {
    if (watched.has(wid)) return;
    watched.add(wid);
    X.ChangeWindowAttributes(wid, { eventMask: x11.eventMask.PropertyChange | x11.eventMask.EnterWindow | x11.eventMask.FocusChange });
  };

  const topLevels = async (): Promise<{ tops: number[]; managed: boolean }> => {
    const list = decodeCard32List(await property(root, atoms._NET_CLIENT_LIST_STACKING)) ?? decodeCard32List(await property(root, atoms._NET_CLIENT_LIST));
    if (list !== null) return { tops: list, managed: true };
    const tree = await call<{ children: number[] }>((cb) => X.QueryTree(root, cb));
    const attrs = await Promise.all(tree.children.map((w) => call<{ mapState: number; overrideRedirect: number }>((cb) => X.GetWindowAttributes(w, cb)).catch(() => null)));
    // Viewable (mapState 2) and not override-redirect (menus, tooltips): the windows a user sees as windows.
    return { tops: tree.children.filter((_, i) => attrs[i] != null && attrs[i]?.mapState === 2 && !attrs[i]?.overrideRedirect), managed: false };
  };
  /** The top-level that holds `wid` (the focus may be a child window), or null. */
  const topLevelOf = async (wid: number, tops: ReadonlySet<number>): Promise<number | null> => {
    let w = wid;
    for (let depth = 0; depth < 32 && w > PointerRoot && w !== root; depth += 1) {
      if (tops.has(w)) return w;
      const tree = await call<{ parent: number }>((cb) => X.QueryTree(w, cb)).catch(() => null);
      if (tree === null) return null;
      w = tree.parent;
    }
    return null;
  };

  const readView = async (): Promise<{ view: WindowView; source: ActivitySource }> => {
    const activeProp = await property(root, atoms._NET_ACTIVE_WINDOW);
    const { tops } = await topLevels();
    for (const w of tops) watch(w);
    const windows = boundedWindows(await Promise.all(tops.map(info)));
    if (activeProp !== null && activeProp.typeName !== null) {
      const active = decodeCard32(activeProp);
      return { view: { focus: active === null ? null : await info(active), windows }, source: 'x11-active-window' };
    }
    let focused = (await call<{ focus: number }>((cb) => X.GetInputFocus(cb))).focus;
    if (focused <= PointerRoot) focused = (await call<{ child: number }>((cb) => X.QueryPointer(root, cb))).child;
    const top = await topLevelOf(focused, new Set(tops));
    return { view: { focus: top === null ? null : await info(top), windows }, source: 'x11-focus' };
  };

  // One read at a time; events during a read ask for another after it.
  let timer: NodeJS.Timeout | undefined;
  let reading = false;
  let again = false;
  let firstSeenMs = 0;
  const schedule = (atMs: number): void => {
    if (closed) return;
    if (reading) {
      again = true;
      return;
    }
    if (timer !== undefined) return;
    firstSeenMs = atMs;
    timer = setTimeout(() => void refresh(), COALESCE_MS);
  };
  const refresh = async (): Promise<void> => {
    timer = undefined;
    reading = true;
    const atMs = firstSeenMs;
    try {
      const { view, source } = await readView();
      if (!closed) handlers.changed(view, source, atMs);
    } catch (e) {
      if (!closed && (e as { error?: unknown }).error === undefined) lose(`reading the windows of ${display} failed: ${messageOf(e)}`);
    } finally {
      reading = false;
      if (again && !closed) {
        again = false;
        schedule(Date.now());
      }
    }
  };
  const titleAtoms = new Set([atoms.WM_NAME, atoms._NET_WM_NAME, atoms.WM_CLASS, atoms._NET_WM_PID]);
  const rootAtoms = new Set([atoms._NET_ACTIVE_WINDOW, atoms._NET_CLIENT_LIST_STACKING, atoms._NET_CLIENT_LIST]);
  X.on('event', (ev: x11.XEvent) => {
    const now = Date.now();
    switch (ev.name) {
      case 'PropertyNotify':
        if (ev.wid === root) {
          if (ev.atom !== undefined && rootAtoms.has(ev.atom)) schedule(now);
        } else if (ev.wid !== undefined && ev.atom !== undefined && titleAtoms.has(ev.atom)) {
          infoCache.delete(ev.wid);
          schedule(now);
        }
        break;
      case 'DestroyNotify':
        if (ev.wid !== undefined) {
          infoCache.delete(ev.wid);
          watched.delete(ev.wid);
        }
        schedule(now);
        break;
      case 'MapNotify':
      case 'UnmapNotify':
      case 'CreateNotify':
      case 'ReparentNotify':
      case 'EnterNotify':
      case 'FocusIn':
      case 'FocusOut':
        schedule(now);
        break;
      default:
        break; // ConfigureNotify (moves, resizes) and the rest change nothing the track keeps
    }
  });
  X.ChangeWindowAttributes(root, { eventMask: x11.eventMask.SubstructureNotify | x11.eventMask.PropertyChange | x11.eventMask.FocusChange });
  schedule(Date.now());

  return {
    idleMs: async () => {
      if (screenSaver === undefined || closed) return null;
      return call<{ idle: number }>((cb) => screenSaver.QueryInfo(root, cb)).then(
        (i) => i.idle,
        () => null,
      );
    },
    close: () => {
      if (closed) return;
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      try {
        X.terminate();
      } catch {
        // already gone
      }
    },
  };
}
