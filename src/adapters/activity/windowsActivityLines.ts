/**
 * The lines the Windows activity helper (windowsActivitySource.ts) prints, one JSON object each:
 *
 *   {"t":"view","at":"<ISO>","fg":{"hwnd":"0x...","title":"...","pid":1234,"app":"notepad"}|null,
 *    "windows":[<same shape>, ...]}            foreground window and visible top-levels (top last)
 *   {"t":"idle","at":"<ISO>","idleMs":1234}     GetLastInputInfo, every few seconds
 *
 * Pure: the parser is tested on lines shaped like the helper's (it cannot run here: no Windows).
 */
import { z } from 'zod';
import type { WindowInfo } from '../../domain/activity';
import { boundedWindow, boundedWindows } from '../../domain/activityState';
import type { WindowView } from './activitySource';

export type WindowsActivityLine =
  | { readonly kind: 'view'; readonly atMs: number; readonly view: WindowView }
  | { readonly kind: 'idle'; readonly atMs: number; readonly idleMs: number };

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');
const windowSchema = z.object({
  hwnd: z.string().regex(/^0x[0-9a-fA-F]{1,16}$/),
  // PowerShell's ConvertTo-Json writes an empty title as "" and a missing one as null.
  title: z.string().nullable(),
  pid: z.number().int().nonnegative().nullable(),
  app: z.string().nullable(),
});
const lineSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('view'), at: isoTime, fg: windowSchema.nullable(), windows: z.array(windowSchema) }),
  z.object({ t: z.literal('idle'), at: isoTime, idleMs: z.number().nonnegative() }),
]);

function toWindow(w: z.infer<typeof windowSchema>): WindowInfo {
  return boundedWindow({ id: w.hwnd.toLowerCase(), title: w.title ?? '', app: w.app === null || w.app === '' ? null : w.app, pid: w.pid === 0 ? null : w.pid });
}

/** One line of the helper; throws an Error saying what is wrong with it. */
export function parseWindowsActivityLine(line: string): WindowsActivityLine {
  let json: unknown;
  try {
    json = JSON.parse(line.replace(/^\uFEFF/, ''));
  } catch {
    throw new Error(`not a JSON line from the Windows activity helper: ${JSON.stringify(line.slice(0, 120))}`);
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) throw new Error(`unexpected line from the Windows activity helper (${parsed.error.issues[0]?.message ?? 'invalid'}): ${JSON.stringify(line.slice(0, 120))}`);
  const data = parsed.data;
  if (data.t === 'idle') return { kind: 'idle', atMs: Date.parse(data.at), idleMs: data.idleMs };
  return { kind: 'view', atMs: Date.parse(data.at), view: { focus: data.fg === null ? null : toWindow(data.fg), windows: boundedWindows(data.windows.map(toWindow)) } };
}
