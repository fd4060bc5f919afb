/**
 * Where a fragmented MP4's bytes go: the top-level boxes (ftyp, moov, moof, mdat...) and every video
 * packet with its size and flags. Used to split an idle recording's bytes into keyframes, frames
 * that carry a change, heartbeat frames and container overhead.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BoxTotals {
  /** Bytes per top-level box type, headers included. */
  readonly bytes: Readonly<Record<string, number>>;
  readonly count: Readonly<Record<string, number>>;
}

/** Walks the top-level boxes of an MP4 buffer (32-bit and 64-bit sizes; size 0 = to the end). */
export function topLevelBoxes(data: Buffer): BoxTotals {
  const bytes: Record<string, number> = {};
  const count: Record<string, number> = {};
  let at = 0;
  while (at + 8 <= data.length) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (size === 1 && at + 16 <= data.length) size = Number(data.readBigUInt64BE(at + 8));
    if (size === 0 || at + size > data.length) size = data.length - at;
    if (size < 8) break;
    bytes[type] = (bytes[type] ?? 0) + size;
    count[type] = (count[type] ?? 0) + 1;
    at += size;
  }
  return { bytes, count };
}

export function mp4Boxes(path: string): BoxTotals {
  return topLevelBoxes(readFileSync(path));
}

export interface Packet {
  readonly ptsS: number;
  readonly bytes: number;
  readonly key: boolean;
}

export async function videoPackets(path: string): Promise<Packet[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size,flags', '-of', 'csv=p=0', path], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const [pts, size, flags] = line.split(',');
    return { ptsS: Number(pts), bytes: Number(size), key: (flags ?? '').includes('K') };
  });
}

export interface IdleSplit {
  readonly keyframes: { readonly count: number; readonly bytes: number };
  /** Non-key frames at or above the threshold: something on screen changed (the clock). */
  readonly changes: { readonly count: number; readonly bytes: number };
  /** Non-key frames below the threshold: a repeat of an unchanged screen (all macroblocks skipped). */
  readonly heartbeats: { readonly count: number; readonly bytes: number };
  /** Everything that is not a packet: ftyp, moov, moof (one per fragment), mdat headers, mfra. */
  readonly container: { readonly bytes: number; readonly fragments: number };
  readonly fileBytes: number;
}

/**
 * Splits one segment's bytes. `heartbeatBelow`: a 1080p P frame whose macroblocks are all skipped
 * codes in a few dozen bytes; a frame with the clock's new second hand takes hundreds to thousands.
 */
export function splitIdle(packets: readonly Packet[], boxes: BoxTotals, fileBytes: number, heartbeatBelow: number): IdleSplit {
  const sum = (ps: readonly Packet[]) => ps.reduce((s, p) => s + p.bytes, 0);
  const key = packets.filter((p) => p.key);
  const changes = packets.filter((p) => !p.key && p.bytes >= heartbeatBelow);
  const beats = packets.filter((p) => !p.key && p.bytes < heartbeatBelow);
  return {
    keyframes: { count: key.length, bytes: sum(key) },
    changes: { count: changes.length, bytes: sum(changes) },
    heartbeats: { count: beats.length, bytes: sum(beats) },
    container: { bytes: fileBytes - sum(packets), fragments: boxes.count['moof'] ?? 0 },
    fileBytes,
  };
}
