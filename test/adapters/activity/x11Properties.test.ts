// Bytes as Xvfb 21 returned them to the x11 client for an xterm started with -T and retitled by xdotool.
import { ACTIVITY_LIMITS } from '../../../src/domain/activity';
import { decodeCard32, decodeCard32List, decodeTitle, decodeWmClass, windowId } from '../../../src/adapters/activity/x11Properties';

const text = (typeName: string, s: string, encoding: BufferEncoding = 'latin1') => ({ typeName, format: 8, data: Buffer.from(s, encoding) });
const card32 = (...values: number[]) => {
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeUInt32LE(v, i * 4));
  return { typeName: 'CARDINAL', format: 32, data };
};

describe('x11 property decoding', () => {
  it('prefers _NET_WM_NAME (UTF-8) over WM_NAME', () => {
    expect(decodeTitle(text('UTF8_STRING', 'ZEBRA renamed ✓', 'utf8'), text('STRING', 'ZEBRA renamed ?'))).toBe('ZEBRA renamed ✓');
  });

  it('falls back to WM_NAME as Latin-1 (STRING) or UTF-8 (UTF8_STRING)', () => {
    expect(decodeTitle(null, text('STRING', 'ZEBRA-LEDGER-9931'))).toBe('ZEBRA-LEDGER-9931');
    expect(decodeTitle({ typeName: null, format: 0, data: Buffer.alloc(0) }, text('STRING', 'Caf\xe9'))).toBe('Café');
    expect(decodeTitle(null, text('UTF8_STRING', 'Café', 'utf8'))).toBe('Café');
    expect(decodeTitle(null, null)).toBe('');
  });

  it('drops trailing NULs and bounds the length', () => {
    expect(decodeTitle(null, text('STRING', 'top\0\0'))).toBe('top');
    expect(decodeTitle(null, text('STRING', 'x'.repeat(5000)))).toHaveLength(ACTIVITY_LIMITS.maxTitleChars);
  });

  it('reads the class part of WM_CLASS', () => {
    expect(decodeWmClass(text('STRING', 'xterm\0XTerm\0'))).toBe('XTerm');
    expect(decodeWmClass(text('STRING', 'only\0'))).toBe('only');
    expect(decodeWmClass(null)).toBeNull();
  });

  it('reads CARDINAL and WINDOW values', () => {
    expect(decodeCard32(card32(20946))).toBe(20946);
    expect(decodeCard32(card32(0))).toBeNull();
    expect(decodeCard32(text('STRING', 'abcd'))).toBeNull();
    expect(decodeCard32List(card32(0x80000c, 0xa0000c))).toEqual([0x80000c, 0xa0000c]);
    expect(decodeCard32List({ typeName: null, format: 0, data: Buffer.alloc(0) })).toBeNull();
    expect(windowId(0x80000c)).toBe('0x80000c');
  });
});
