/**
 * What the activity actor needs from a platform: the focused window and the visible top-level
 * windows whenever they may have changed (pushed by the source: event-driven where the platform
 * has events), the idle time on demand, and word when the source is lost. The actor owns the
 * journal, the diffing, the idle threshold and the reconnects (actors/activity.ts).
 */
import type { ActivitySource, WindowInfo } from '../../domain/activity';

export interface WindowView {
  readonly focus: WindowInfo | null;
  readonly windows: readonly WindowInfo[];
}

export interface ActivitySourceHandlers {
  /** The whole view, read after a change seen at `atMs` (epoch ms). May repeat an unchanged view. */
  readonly changed: (view: WindowView, source: ActivitySource, atMs: number) => void;
  /** The source is gone (connection cut, helper exited); `cause` is one line. Nothing is reported after it. */
  readonly lost: (cause: string) => void;
}

export interface ActivitySourceHandle {
  /** Milliseconds since the last keyboard or pointer input; null when the platform cannot say. */
  idleMs(): Promise<number | null>;
  /** Closes the connection; no handler is called after it. */
  close(): void;
}

/** Connects and starts reporting; rejects (one line) when it cannot connect. */
export type ConnectActivitySource = (handlers: ActivitySourceHandlers) => Promise<ActivitySourceHandle>;

/** A title or name for a log line: control, format and bidi characters shown as \uXXXX (the user types them). */
export function forLog(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
