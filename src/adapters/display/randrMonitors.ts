/**
 * RandR 1.5 RRGetMonitors, the request behind `xrandr --listmonitors`, as bytes: the `x11`
 * package (4.2.2) has every other RandR request but not this one. Pure, so the request and the
 * reply parser are unit-tested against the protocol's layout (randrproto.txt, "RRGetMonitors").
 */

/** RandR minor opcode of GetMonitors (RandR 1.5). */
export const RR_GET_MONITORS = 42;

/** The request: major opcode, minor 42, length 3 words, the window, get_active = true. */
export function getMonitorsRequest(majorOpcode: number, window: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(majorOpcode, 0);
  b.writeUInt8(RR_GET_MONITORS, 1);
  b.writeUInt16LE(3, 2);
  b.writeUInt32LE(window >>> 0, 4);
  // get_active: only monitors that show something, as xrandr --listmonitors prints them.
  b.writeUInt8(1, 8);
  return b;
}

export interface RandrMonitor {
  /** An atom: the monitor's name (its output's name for automatic monitors). */
  readonly nameAtom: number;
  readonly primary: boolean;
  readonly automatic: boolean;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The reply after its 8-byte header (how the `x11` package hands replies over): timestamp,
 * nmonitors, noutputs, 12 bytes of padding, then per monitor 24 bytes (name atom, primary,
 * automatic, noutput, x, y, width, height, width_mm, height_mm) and noutput output ids.
 */
export function parseGetMonitorsReply(buf: Buffer): RandrMonitor[] {
  if (buf.length < 24) throw new Error(`RRGetMonitors reply too short: ${buf.length} bytes`);
  const count = buf.readUInt32LE(4);
  const monitors: RandrMonitor[] = [];
  let at = 24;
  for (let i = 0; i < count; i++) {
    if (at + 24 > buf.length) throw new Error(`RRGetMonitors reply ends inside monitor ${i + 1} of ${count}`);
    const outputs = buf.readUInt16LE(at + 6);
    monitors.push({
      nameAtom: buf.readUInt32LE(at),
      primary: buf.readUInt8(at + 4) !== 0,
      automatic: buf.readUInt8(at + 5) !== 0,
      x: buf.readInt16LE(at + 8),
      y: buf.readInt16LE(at + 10),
      width: buf.readUInt16LE(at + 12),
      height: buf.readUInt16LE(at + 14),
    });
    at += 24 + outputs * 4;
  }
  return monitors;
}
