import { getMonitorsRequest, parseGetMonitorsReply, RR_GET_MONITORS } from '../../../src/adapters/display/randrMonitors';

/** A reply body (after the 8-byte header) as randrproto.txt lays it out. */
function reply(monitors: Array<{ name: number; primary: number; automatic: number; x: number; y: number; w: number; h: number; outputs: number[] }>): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(123, 0); // timestamp
  head.writeUInt32LE(monitors.length, 4);
  head.writeUInt32LE(monitors.reduce((n, m) => n + m.outputs.length, 0), 8);
  const parts = monitors.map((m) => {
    const b = Buffer.alloc(24 + 4 * m.outputs.length);
    b.writeUInt32LE(m.name, 0);
    b.writeUInt8(m.primary, 4);
    b.writeUInt8(m.automatic, 5);
    b.writeUInt16LE(m.outputs.length, 6);
    b.writeInt16LE(m.x, 8);
    b.writeInt16LE(m.y, 10);
    b.writeUInt16LE(m.w, 12);
    b.writeUInt16LE(m.h, 14);
    b.writeUInt32LE(500, 16);
    b.writeUInt32LE(280, 20);
    m.outputs.forEach((o, i) => b.writeUInt32LE(o, 24 + 4 * i));
    return b;
  });
  return Buffer.concat([head, ...parts]);
}

test('the request: major opcode, minor 42, 3 words, the window, active monitors only', () => {
  const b = getMonitorsRequest(140, 0x1e5);
  expect([...b]).toEqual([140, RR_GET_MONITORS, 3, 0, 0xe5, 0x01, 0, 0, 1, 0, 0, 0]);
});

test('two monitors, one with outputs and one without, negative offsets kept', () => {
  const monitors = parseGetMonitorsReply(reply([
    { name: 301, primary: 1, automatic: 1, x: 0, y: 0, w: 1920, h: 1080, outputs: [0x41, 0x42] },
    { name: 302, primary: 0, automatic: 0, x: -1280, y: -24, w: 1280, h: 1024, outputs: [] },
  ]));
  expect(monitors).toEqual([
    { nameAtom: 301, primary: true, automatic: true, x: 0, y: 0, width: 1920, height: 1080 },
    { nameAtom: 302, primary: false, automatic: false, x: -1280, y: -24, width: 1280, height: 1024 },
  ]);
});

test('no monitor (every output off): an empty list', () => {
  expect(parseGetMonitorsReply(reply([]))).toEqual([]);
});

test('a reply cut short is an error, not a made-up monitor', () => {
  const whole = reply([{ name: 1, primary: 0, automatic: 1, x: 0, y: 0, w: 800, h: 600, outputs: [7] }]);
  expect(() => parseGetMonitorsReply(whole.subarray(0, 30))).toThrow(/ends inside monitor 1 of 1/);
  expect(() => parseGetMonitorsReply(whole.subarray(0, 10))).toThrow(/too short/);
});
