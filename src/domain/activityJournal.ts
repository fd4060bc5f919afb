/**
 * The activity journal: what the recorder's activity actor appends to the session's spool
 * (`activity.jsonl`, one JSON object a line, append-only) while the session runs, and what the
 * uploader (or `recover`, after a crash) cuts activity objects from. Records, in the order written:
 *
 *   begin     a recorder opened the track (its pid)
 *   observed  the source (re)connected: the whole state it sees, and which source it is
 *   event     one change (domain/activity.ts ActivityEvent)
 *   lost      the source failed or its connection was cut: nothing is observed until `observed`
 *   alive     nothing changed for a while, but the track was kept up to here
 *   end       the recorder closed the track
 *
 * A torn last line (the recorder was killed mid-write) is skipped. Pure.
 */
import { z } from 'zod';
import { ACTIVITY_LIMITS, ACTIVITY_SOURCES, eventSchema, isoTime, windowSchema, type ActivityEvent, type ActivitySource, type ActivityState } from './activity';

export const ACTIVITY_JOURNAL_NAME = 'activity.jsonl';

export type JournalRecord =
  | { readonly k: 'begin'; readonly at: string; readonly pid: number }
  | { readonly k: 'observed'; readonly at: string; readonly source: ActivitySource; readonly state: ActivityState }
  | { readonly k: 'event'; readonly event: ActivityEvent }
  | { readonly k: 'lost'; readonly at: string; readonly cause: string }
  | { readonly k: 'alive'; readonly at: string }
  | { readonly k: 'end'; readonly at: string };

/** A record's time (epoch ms). */
export function recordTimeMs(record: JournalRecord): number {
  return Date.parse(record.k === 'event' ? record.event.at : record.at);
}

export function serializeRecord(record: JournalRecord): string {
  return `${JSON.stringify(record)}\n`;
}

const recordSchema = z.discriminatedUnion('k', [
  z.object({ k: z.literal('begin'), at: isoTime, pid: z.number().int() }),
  z.object({
    k: z.literal('observed'),
    at: isoTime,
    source: z.enum(ACTIVITY_SOURCES),
    state: z.object({ focus: windowSchema.nullable(), windows: z.array(windowSchema).max(ACTIVITY_LIMITS.maxWindows), idleSince: isoTime.nullable() }),
  }),
  z.object({ k: z.literal('event'), event: eventSchema }),
  z.object({ k: z.literal('lost'), at: isoTime, cause: z.string().max(512) }),
  z.object({ k: z.literal('alive'), at: isoTime }),
  z.object({ k: z.literal('end'), at: isoTime }),
]);

export interface ParsedJournal {
  readonly records: JournalRecord[];
  /** Complete lines that did not parse (not the torn tail): said in the log, the stretch stays as recorded. */
  readonly badLines: number;
  /** Bytes of `text` consumed: everything up to the last newline (a torn tail waits for more). */
  readonly consumedBytes: number;
}

/** Parses the complete lines of `text` (a journal or a piece of one starting at a line boundary). */
export function parseJournal(text: string): ParsedJournal {
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline);
  const records: JournalRecord[] = [];
  let badLines = 0;
  for (const line of complete.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = recordSchema.safeParse(JSON.parse(line));
      if (parsed.success) records.push(parsed.data as JournalRecord);
      else badLines += 1;
    } catch {
      badLines += 1;
    }
  }
  return { records, badLines, consumedBytes: Buffer.byteLength(text.slice(0, lastNewline + 1), 'utf8') };
}
