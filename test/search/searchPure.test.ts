import { readFileSync } from 'node:fs';
import type { ManifestEntry } from '../../src/domain/manifest';
import { chainConcatList, lastLinkStartSeconds, OCR_CHAIN_LIMITS, ocrCacheKey, ocrChain } from '../../src/search/ocrChain';
import { join } from 'node:path';
import { ACTIVITY_FORMAT, type ActivityObject, type WindowInfo } from '../../src/domain/activity';
import { frameTimes, parseShowinfo, samplerArgs, samplerFilter } from '../../src/search/frameSampler';
import { cacheEntry, cachePath, OCR_CACHE_FORMAT, parseCacheEntry } from '../../src/search/ocrCacheEntry';
import { screenMatches } from '../../src/search/screenMatches';
import { sortMatches } from '../../src/search/searchSessions';
import { formatMatchTable } from '../../src/search/searchFormat';
import { parseTesseractTsv } from '../../src/search/tesseractTsv';
import { textQuery } from '../../src/search/textQuery';
import { windowMatches } from '../../src/search/windowMatches';
import { defaultOcrCacheDir } from '../../src/config/defaults';
import { searchRequestFrom } from '../../src/viewer/searchEndpoint';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ocr');
const SHA = 'ab'.repeat(32);

const win = (id: string, title: string): WindowInfo => ({ id, title, app: 'XTerm', pid: 42 });
function activity(start: string, end: string, initial: Partial<ActivityObject['initial']>, events: ActivityObject['events'] = []): ActivityObject {
  return {
    format: ACTIVITY_FORMAT, sessionPrefix: 's/f/x/', source: 'x11-focus', start, end,
    initial: { focus: null, windows: [], idleSince: null, ...initial }, events, unobserved: [],
  };
}
const iso = (ms: number): string => new Date(ms).toISOString();

describe('textQuery', () => {
  it('matches a case-insensitive substring after NFC on both sides', () => {
    const q = textQuery('JOSE\u0301 Ledger');
    expect(q.matches('Budget — josé ledger 2026')).toBe(true);
    expect(q.matches('Jose Ledger')).toBe(false);
  });
  it('refuses an empty or blank query', () => {
    expect(() => textQuery('   ')).toThrow(/some text to search for/);
  });
});

describe('windowMatches', () => {
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const q = textQuery('ledger');
  it('gives one match per stretch, at the moment the window appeared, across objects', () => {
    const a = activity(iso(t0), iso(t0 + 10_000), {}, [
      { at: iso(t0 + 2000), kind: 'windows', windows: [win('0x1', 'bash')] },
      { at: iso(t0 + 4000), kind: 'windows', windows: [win('0x1', 'bash'), win('0x2', 'Ledger 77')] },
      { at: iso(t0 + 5000), kind: 'focus', window: win('0x2', 'Ledger 77') },
    ]);
    // Still shown at the next object's start: the same stretch; gone, then back: a new one.
    const b = activity(iso(t0 + 10_000), iso(t0 + 20_000), { windows: [win('0x2', 'Ledger 77')], focus: win('0x2', 'Ledger 77') }, [
      { at: iso(t0 + 12_000), kind: 'windows', windows: [] },
      { at: iso(t0 + 12_000), kind: 'focus', window: null },
      { at: iso(t0 + 15_000), kind: 'focus', window: win('0x3', 'LEDGER 77') },
    ]);
    expect(windowMatches([a, b], q)).toEqual([
      { atMs: t0 + 4000, text: 'Ledger 77' },
      { atMs: t0 + 15_000, text: 'LEDGER 77' },
    ]);
  });
  it('starts a new stretch after an object that is missing or was not trusted', () => {
    const shown = { windows: [win('0x2', 'Ledger 77')] };
    const a = activity(iso(t0), iso(t0 + 10_000), shown);
    const c = activity(iso(t0 + 20_000), iso(t0 + 30_000), shown);
    expect(windowMatches([a, null, c], q).map((m) => m.atMs)).toEqual([t0, t0 + 20_000]);
  });
  it('a retitled window that now matches is a match at the retitle', () => {
    const a = activity(iso(t0), iso(t0 + 10_000), { windows: [win('0x1', 'vim')] }, [
      { at: iso(t0 + 3000), kind: 'windows', windows: [win('0x1', 'vim ledger.txt')] },
      { at: iso(t0 + 6000), kind: 'idle', since: iso(t0 + 3000) },
    ]);
    expect(windowMatches([a], q)).toEqual([{ atMs: t0 + 3000, text: 'vim ledger.txt' }]);
  });
});

describe('screenMatches', () => {
  const q = textQuery('invoice 4417');
  it('text seen in consecutive samples is one match at its first frame, even as its line changes; gone and back is another', () => {
    const frames = [
      { atMs: 1000, lines: ['$ ls'] },
      { atMs: 2000, lines: ['$ ls', 'INVOICE 4417 APPROVED'] },
      { atMs: 3000, lines: ['INVOICE 4417 APPROVED by fin', 'other'] },
      { atMs: 4000, lines: ['other'] },
      { atMs: 5000, lines: ['invoice 4417 approved'] },
    ];
    expect(screenMatches([frames], q)).toEqual([
      { atMs: 2000, text: 'INVOICE 4417 APPROVED' },
      { atMs: 5000, text: 'invoice 4417 approved' },
    ]);
  });
  it('of two readings of one line in a frame, the tightest is kept', () => {
    const frames = [{ atMs: 1, lines: ['INVOICE 4417 APPROVED page 3 line 4 Lorem', 'INVOICE 4417 APPROVED'] }];
    expect(screenMatches([frames], q)).toEqual([{ atMs: 1, text: 'INVOICE 4417 APPROVED' }]);
  });
  it('a segment that could not be read breaks the stretch', () => {
    const shown = { lines: ['INVOICE 4417'] };
    expect(screenMatches([[{ atMs: 1, ...shown }], [{ atMs: 9, ...shown }]], q).map((m) => m.atMs)).toEqual([1, 9]);
  });
});

describe('parseTesseractTsv (real tesseract 5.3 batch output: 6 frames of a 1280x720 x11grab, 3x bicubic gray)', () => {
  const pages = parseTesseractTsv(readFileSync(join(FIXTURES, 'tesseract-batch-3x.tsv'), 'utf8'));
  it('gives the lines of each page in order, words joined by one space', () => {
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pages[0]?.lines.slice(0, 2)).toEqual([
      expect.objectContaining({ text: 'INVOICE 4417 APPROVED by finance', top: 21, bottom: 78 }),
      expect.objectContaining({ text: 'ls -la /etc/shadow denied 12:03', top: 93, bottom: 144 }),
    ]);
  });
  it('reads the 6x13 bitmap font line at 3x', () => {
    expect(pages[0]?.lines.map((l) => l.text)).toContain('WIRE TRANSFER 99812 TO ACME LTD');
  });
  it('skips rows that are not words and ignores a header or a short row', () => {
    expect(parseTesseractTsv('level\tpage_num\n5\t1\t1\n1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n')).toEqual([]);
  });
});

describe('frameSampler', () => {
  it('caps the rate, keeps changed frames, upscales 3x gray, and reports times', () => {
    expect(samplerFilter()).toBe("select='isnan(prev_selected_t)+gte(t-prev_selected_t,1)',mpdecimate,scale=iw*3:ih*3:flags=bicubic,format=gray,showinfo");
    expect(samplerArgs('/t/seg.mp4').join(' ')).toContain('-fps_mode passthrough -f image2pipe -c:v pgm pipe:1');
  });
  it("reads the frame times from FFmpeg 5.1's real showinfo lines", () => {
    const stderr = readFileSync(join(FIXTURES, 'ffmpeg-sample.stderr.txt'), 'utf8');
    expect(frameTimes(stderr)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parseShowinfo('[Parsed_showinfo_4 @ 0x55] config in time_base: 1/10240, frame_rate: 5/1')).toBeUndefined();
    expect(parseShowinfo('[Parsed_showinfo_4 @ 0x55e24b064640] n:  12 pts:  125952 pts_time:12.3    pos: 1')).toEqual({ n: 12, ptsTime: 12.3 });
  });
});

describe('OCR cache entries', () => {
  it('are keyed by SHA-256 in 256 subdirectories', () => {
    expect(cachePath('/c', SHA)).toBe(`/c/ab/${SHA}.json`);
    expect(() => cachePath('/c', '../etc/passwd')).toThrow(/SHA-256/);
  });
  it('round-trip, and an entry of an unknown format, sampler or segment is ignored', () => {
    const entry = cacheEntry(SHA, [{ t: 1, lines: ['x'] }]);
    expect(parseCacheEntry(JSON.stringify(entry), SHA)).toEqual(entry);
    expect(parseCacheEntry(JSON.stringify({ ...entry, format: `${OCR_CACHE_FORMAT}x` }), SHA)).toBeUndefined();
    expect(parseCacheEntry(JSON.stringify({ ...entry, sampler: 'other' }), SHA)).toBeUndefined();
    expect(parseCacheEntry(JSON.stringify(entry), 'cd'.repeat(32))).toBeUndefined();
    expect(parseCacheEntry('{not json', SHA)).toBeUndefined();
  });
});

describe('output', () => {
  it('sorts by session, then time', () => {
    const m = (session: string, at: string) => ({ session, at, offsetSeconds: 0, source: 'screen' as const, text: 't' });
    expect(sortMatches([m('b/', '2026-01-01T00:00:01Z'), m('a/', '2026-01-01T00:00:09Z'), m('a/', '2026-01-01T00:00:02Z')]).map((x) => `${x.session}${x.at.slice(17, 19)}`)).toEqual([
      'a/02', 'a/09', 'b/01',
    ]);
  });
  it('prints a table with control characters of untrusted text replaced', () => {
    const table = formatMatchTable([{ session: 's/f/x/', at: '2026-12-01T10:00:04.000Z', offsetSeconds: 64, source: 'window', text: 'evil\u001b[2Jtitle' }]);
    expect(table).toContain('s/f/x/   2026-12-01 10:00:04Z    1:04  window  evil?[2Jtitle');
  });
});

describe('where the cache lives and what the viewer asks', () => {
  it('defaults to $XDG_CACHE_HOME, else ~/.cache; a relative XDG_CACHE_HOME is ignored', () => {
    expect(defaultOcrCacheDir({ XDG_CACHE_HOME: '/var/cache/me', HOME: '/home/a' }, 'linux')).toBe('/var/cache/me/session-recorder/ocr');
    expect(defaultOcrCacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/home/a' }, 'linux')).toBe('/home/a/.cache/session-recorder/ocr');
    expect(defaultOcrCacheDir({ LOCALAPPDATA: 'C:\\Users\\a\\AppData\\Local' }, 'win32')).toBe('C:\\Users\\a\\AppData\\Local\\session-recorder\\ocr');
  });
  it("reads the search box's query: text, filters, dates as whole UTC days", () => {
    expect(searchRequestFrom(new URLSearchParams('q=%20&stack=x'))).toBe('type some text to search for');
    expect(searchRequestFrom(new URLSearchParams('q=Ledger&user=alice&since=2026-11-24&until=2026-11-24&fleet='))).toEqual({
      text: 'Ledger', user: 'alice', since: Date.parse('2026-11-24T00:00:00Z'), until: Date.parse('2026-11-25T00:00:00Z'),
    });
  });
});

describe('ocrChain: what OCR decodes to read a segment that continues the one before it', () => {
  const seg = (index: number, continues: boolean, over: Partial<ManifestEntry> = {}): ManifestEntry => ({
    key: `s/f/x/${index}.mp4`, runId: 'r', index, start: '', end: '', durationSeconds: 60, bytes: 1000, sha256: String(index).repeat(64).slice(0, 64),
    width: 320, height: 240, complete: true, prevEntrySha256: '0'.repeat(64), ...(continues ? { continuesPrevious: true } : {}), ...over,
  });
  const entries = [seg(0, false), seg(1, true), seg(2, true), seg(3, false), seg(4, true)];
  const inSession = (e: ManifestEntry): boolean => e.key.startsWith('s/f/x/');
  const keys = (c: ReturnType<typeof ocrChain>): string[] | string => (c.ok ? c.links.map((l) => l.key) : `${c.kind}: ${c.problem}`);
  const lead = 'it continues the segment before it (its first frame is not a keyframe), and';

  it('is the run back to its keyframe, in any manifest order; one link for a segment that decodes alone', () => {
    expect(keys(ocrChain(entries, entries[2] as ManifestEntry, inSession))).toEqual(['s/f/x/0.mp4', 's/f/x/1.mp4', 's/f/x/2.mp4']);
    expect(keys(ocrChain([...entries].reverse(), entries[4] as ManifestEntry, inSession))).toEqual(['s/f/x/3.mp4', 's/f/x/4.mp4']);
    expect(keys(ocrChain(entries, entries[3] as ManifestEntry, inSession))).toEqual(['s/f/x/3.mp4']);
  });
  it('is a problem of that segment when a link is not in the manifest, outside the session, or past the limits', () => {
    const cut = entries.filter((e) => e.index !== 1);
    expect(keys(ocrChain(cut, entries[2] as ManifestEntry, inSession))).toBe(`unsearched: ${lead} segment 1 of its capture run "r" is not in the manifest, so it cannot be decoded`);
    const outside = entries.map((e) => (e.index === 0 ? { ...e, key: 'other/f/x/0.mp4' } : e));
    expect(keys(ocrChain(outside, outside[1] as ManifestEntry, inSession))).toBe(`integrity: ${lead} the manifest entry it needs names "other/f/x/0.mp4", outside the session: not read`);
    const tooLong = keys(ocrChain(entries, entries[2] as ManifestEntry, inSession, { maxLinks: 2, maxBytes: 1 << 30 }));
    expect(tooLong).toBe(`unsearched: ${lead} its chain back to a keyframe is longer than search decodes for one segment (2 segments, 1024 MiB): it goes back past s/f/x/0.mp4`);
    expect(keys(ocrChain(entries, entries[2] as ManifestEntry, inSession, { maxLinks: 10, maxBytes: 2500 }))).toMatch(/^unsearched: .* \(10 segments, 0 MiB\): it goes back past s\/f\/x\/0\.mp4$/);
    expect(OCR_CHAIN_LIMITS).toEqual({ maxLinks: 120, maxBytes: 64 * 1024 * 1024 });
  });
  it('keys the cache by the segment alone when it decodes alone, else by every link', () => {
    const chain = ocrChain(entries, entries[2] as ManifestEntry, inSession);
    if (!chain.ok) throw new Error(chain.problem);
    expect(ocrCacheKey([entries[3] as ManifestEntry])).toBe(entries[3]?.sha256);
    const key = ocrCacheKey(chain.links);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toBe(entries[2]?.sha256);
    // The same segment after another keyframe is another key.
    expect(ocrCacheKey([{ sha256: 'f'.repeat(64) }, ...chain.links.slice(1)])).not.toBe(key);
    expect(() => ocrCacheKey([])).toThrow(/at least one segment/);
  });
  it('decodes the chain from an ffconcat list and samples only the last link, timed from its start', () => {
    expect(chainConcatList(['/w/link-0000.mp4', "/w/it's.mp4"])).toBe(
      "ffconcat version 1.0\nfile '/w/link-0000.mp4'\noption format_whitelist mov,mp4,m4a,3gp,3g2,mj2\noption protocol_whitelist file\nduration 36000\n" +
        "file '/w/it'\\''s.mp4'\noption format_whitelist mov,mp4,m4a,3gp,3g2,mj2\noption protocol_whitelist file\n",
    );
    expect(lastLinkStartSeconds(3)).toBe(72_000);
    expect(samplerFilter(undefined, 72_000)).toBe(`select='gte(t,71999.5)',setpts=PTS-72000/TB,${samplerFilter()}`);
    expect(samplerArgs('/w/chain.ffconcat', undefined, { fromSeconds: 72_000 }).join(' ')).toContain('-f concat -safe 0 -i /w/chain.ffconcat -map 0:v:0');
    expect(samplerArgs('/w/seg.mp4').join(' ')).not.toContain('concat');
  });
});
