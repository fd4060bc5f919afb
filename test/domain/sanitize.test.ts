import { randomBytes } from 'node:crypto';
import { MAX_COMPONENT_BYTES, sanitizeComponent, sessionPrefix } from '../../src/domain/sanitize';

const SAFE = /^[\p{L}\p{M}\p{N}\-_.@]+$/u;

/** What every component must satisfy, whatever went in. */
function expectSafe(component: string): void {
  expect(component).toMatch(SAFE);
  expect(component).not.toMatch(/^\.|\.$/);
  expect(component).not.toContain('..');
  expect(component).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
  expect(Buffer.byteLength(component, 'utf8')).toBeLessThanOrEqual(MAX_COMPONENT_BYTES);
  expect(component.length).toBeGreaterThan(0);
}

const HOSTILE = [
  '../../x',
  '..',
  '.',
  '...',
  'a/b',
  '/',
  '\\',
  '\\\\server\\share',
  'C:\\Windows',
  'a\u0000b',
  '\u0000',
  'line\nbreak',
  'tab\there',
  'x'.repeat(2000),
  'é'.repeat(2000),
  '👩‍💻 hacker 🎥',
  '',
  '   ',
  ' alice ',
  '.hidden',
  'trailing.',
  'CON',
  'nul.txt',
  'com1',
  '\u202Eevil\u202C',
  '%2e%2e%2f',
  'a+b c',
  'unknown',
  'unknown-0123456789abcdef',
  '\uD800',
  '\uFFFD',
];

describe('sanitizeComponent', () => {
  test.each(HOSTILE)('hostile value %j gives one safe component', (raw) => {
    const out = sanitizeComponent(raw);
    expectSafe(out);
    expect(sanitizeComponent(raw)).toBe(out); // stable
  });

  test('ordinary values are kept as they are', () => {
    for (const v of ['alice', 'alice@example.com', 'my-stack', 'fleet_1.prod', 'José', '山田太郎', 'Ωmega', '4f3c2b1a-0d9e-4c7b-8a6f-5e4d3c2b1a09']) {
      expect(sanitizeComponent(v)).toBe(v);
    }
  });

  test('missing values become unknown; nothing usable left becomes unknown-<hash>', () => {
    expect(sanitizeComponent(undefined)).toBe('unknown');
    expect(sanitizeComponent(null)).toBe('unknown');
    expect(sanitizeComponent('')).toBe('unknown');
    expect(sanitizeComponent('.')).toMatch(/^unknown-[0-9a-f]{16}$/);
    expect(sanitizeComponent('..')).toMatch(/^unknown-[0-9a-f]{16}$/);
    expect(sanitizeComponent('.')).not.toBe(sanitizeComponent('..'));
  });

  test('altered values keep a readable part and get a hash suffix', () => {
    expect(sanitizeComponent('a/b')).toMatch(/^a_b-[0-9a-f]{16}$/);
    expect(sanitizeComponent('../../x')).toMatch(/^_._x-[0-9a-f]{16}$/);
    expect(sanitizeComponent('CON')).toMatch(/^_CON-[0-9a-f]{16}$/);
    expect(sanitizeComponent('x'.repeat(2000))).toMatch(/^x{83}-[0-9a-f]{16}$/);
  });

  test('values that differ only in what sanitizing removes stay apart', () => {
    const groups = [
      ['a/b', 'a\\b', 'a_b', 'a b', 'a\nb', 'a\u0000b', 'a//b'],
      ['x'.repeat(2000), 'x'.repeat(1999), 'x'.repeat(100), 'x'.repeat(101)],
      ['\uD800', '\uFFFD', '\uDBFF'],
      ['unknown', '', '.', '..', ' '],
    ];
    for (const group of groups) {
      const outs = new Set(group.map((v) => sanitizeComponent(v)));
      expect(outs.size).toBe(group.length);
    }
  });

  test('an unaltered value can never equal an altered one', () => {
    const forged = sanitizeComponent('a/b'); // a_b-<hash>
    expect(sanitizeComponent(forged)).not.toBe(forged);
  });

  test('truncation never splits a character', () => {
    for (const unit of ['é', '山', '👩‍💻', 'e\u0301']) {
      const out = sanitizeComponent(unit.repeat(500));
      expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
      expect(out).not.toContain('\uFFFD');
      expectSafe(out);
    }
  });

  test('property: random strings always give one safe, stable component, distinct inputs distinct outputs', () => {
    const alphabet = ['a', 'Z', '0', '.', '/', '\\', ' ', '\n', '\u0000', '-', '_', '@', 'é', '山', '😀', '\u202E', ':', '%', '+', '~', 'ﾟ', '\uD83D'];
    const seen = new Map<string, string>();
    for (let i = 0; i < 5000; i++) {
      const bytes = randomBytes(1 + (i % 300));
      let raw = '';
      for (const b of bytes) raw += b % 3 === 0 ? String.fromCharCode(b) : (alphabet[b % alphabet.length] as string);
      const out = sanitizeComponent(raw);
      expectSafe(out);
      expect(sanitizeComponent(raw)).toBe(out);
      const previous = seen.get(out);
      if (previous !== undefined) expect(previous).toBe(raw);
      seen.set(out, raw);
    }
  });
});

describe('sessionPrefix', () => {
  test('is stack/fleet/session/ from sanitized parts', () => {
    expect(sessionPrefix({ stack: 'Stack-A', fleet: 'Fleet.1', sessionId: '4f3c2b1a-0d9e' })).toBe('Stack-A/Fleet.1/4f3c2b1a-0d9e/');
    expect(sessionPrefix({ stack: '', fleet: '', sessionId: '' })).toBe('unknown/unknown/unknown/');
  });

  test('hostile values always stay inside three components', () => {
    for (const stack of HOSTILE) {
      for (const sessionId of ['../../x', 'a/b', '\\', '', '..']) {
        const prefix = sessionPrefix({ stack, fleet: 'f/../..', sessionId });
        const parts = prefix.split('/');
        expect(parts).toHaveLength(4);
        expect(parts[3]).toBe('');
        parts.slice(0, 3).forEach(expectSafe);
        // Joined under any destination prefix, normalizing cannot climb out of it.
        expect(require('node:path').posix.normalize(`base/${prefix}name`).startsWith('base/')).toBe(true);
      }
    }
  });
});
