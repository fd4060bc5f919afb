import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DisplayLayout } from '../../domain/displayLayout';
import type { DisplayProbe } from './displayProbe';
import { parseMacDisplays } from './parseMacDisplays';

const run = promisify(execFile);

/**
 * Long-running JavaScript for Automation watcher: prints "display <frames>" whenever the screens'
 * frames change (checked twice a second while pumping the run loop, which is how AppKit learns
 * of screen changes), and exits when its parent is gone (reparented to launchd).
 * NOT TESTED ON macOS: there is no Mac here.
 */
export const MAC_WATCH_SCRIPT = `
ObjC.import('AppKit');
ObjC.bindFunction('getppid', ['int', []]);
const out = $.NSFileHandle.fileHandleWithStandardOutput;
function frames() {
  const screens = $.NSScreen.screens;
  const parts = [];
  for (let i = 0; i < screens.count; i++) {
    const f = screens.objectAtIndex(i).frame;
    parts.push([f.origin.x, f.origin.y, f.size.width, f.size.height].join(','));
  }
  return parts.join(';');
}
let last = '';
while ($.getppid() !== 1) {
  const now = frames();
  if (now !== last) {
    out.writeData($.NSString.alloc.initWithUTF8String('display ' + now + '\\n').dataUsingEncoding($.NSUTF8StringEncoding));
    last = now;
  }
  $.NSRunLoop.currentRunLoop.runUntilDate($.NSDate.dateWithTimeIntervalSinceNow(0.5));
}
`;

/** macOS: `system_profiler SPDisplaysDataType -json` (about half a second), watched with osascript. */
export function createMacProbe(options: { systemProfilerPath?: string; osascriptPath?: string } = {}): DisplayProbe {
  const systemProfiler = options.systemProfilerPath ?? 'system_profiler';
  return {
    description: 'macOS screens',
    async probe(): Promise<DisplayLayout> {
      try {
        const { stdout } = await run(systemProfiler, ['SPDisplaysDataType', '-json'], { timeout: 30_000, maxBuffer: 8 * 1024 * 1024 });
        return parseMacDisplays(stdout);
      } catch (error) {
        const detail = error instanceof Error ? (error as Error & { stderr?: string }).stderr?.trim() || error.message : String(error);
        throw new Error(`cannot read the macOS screen layout with ${systemProfiler}: ${detail}`, { cause: error });
      }
    },
    notifications: {
      command: options.osascriptPath ?? 'osascript',
      args: ['-l', 'JavaScript', '-e', MAC_WATCH_SCRIPT],
      isNotification: (line) => line.startsWith('display '),
    },
    pollIntervals: { withNotificationsMs: 60_000, withoutNotificationsMs: 10_000 },
  };
}
