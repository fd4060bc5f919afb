/**
 * A hostile manifest cannot make the viewer serve another session's segment: /media serves only
 * keys that are `<session prefix><plain name>`, the rule `verify` applies, and the session's
 * problems (what `list` shows) name every entry outside the session. Real viewer server over
 * HTTP, real S3-compatible server (s3rver) on 127.0.0.1.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { openStore } from '../../src/adapters/openStore';
import { appendEntry, buildEndMarker, emptyManifest, serializeManifest, sha256Hex, type Manifest } from '../../src/domain/manifest';
import { startViewer, type ViewerServer } from '../../src/viewer/viewerServer';
import { startS3Server, type TestS3Server } from '../helpers/s3Server';
import { viewerGet } from './viewerHttp';

jest.setTimeout(60_000);

const A = 'st/fl/sess-a/';
const B = 'st/fl/sess-b/';
const OWN = `${A}20261124T090000.000Z-video.mp4`;
const OTHER = `${B}20261124T090000.000Z-video.mp4`;
const DOTTED = `${A}../sess-b/20261124T090000.000Z-video.mp4`;

let s3: TestS3Server;
let viewer: ViewerServer;
let store: ReturnType<typeof openStore>;

beforeAll(async () => {
  s3 = await startS3Server({ bucket: 'scope' });
  const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const put = (key: string, body: string | Buffer) => client.send(new PutObjectCommand({ Bucket: 'scope', Key: key, Body: Buffer.from(body) }));
  const own = Buffer.from('segment of session a');
  const other = Buffer.from("session b's segment, not a's to show");
  // Session a's manifest names its own segment, then b's segment twice: directly and through "..".
  let manifest: Manifest = emptyManifest(A);
  for (const [index, key, bytes] of [[0, OWN, own], [1, OTHER, other], [2, DOTTED, other]] as const) {
    manifest = appendEntry(manifest, {
      key, runId: 'run-1', index, start: `2026-11-24T09:00:0${index}.000Z`, end: `2026-11-24T09:00:0${index + 1}.000Z`,
      durationSeconds: 1, bytes: bytes.length, sha256: sha256Hex(bytes), width: 1280, height: 720, complete: true,
    });
  }
  const manifestText = serializeManifest(manifest);
  const end = buildEndMarker(manifest, { endedAtMs: Date.parse('2026-11-24T09:00:10Z'), reason: 'sentinel', leftInSpool: 0, manifestSha256: sha256Hex(manifestText) });
  await put(OWN, own);
  await put(`${A}manifest.json`, manifestText);
  await put(`${A}end.json`, JSON.stringify(end));
  await put(OTHER, other);
  client.destroy();
  store = openStore({ kind: 's3', bucket: 'scope', prefix: '', url: 's3://scope/' }, { endpoint: s3.endpoint, region: s3.region, use: 'audit' });
  viewer = await startViewer({ store, destination: 's3://scope/', port: 0 });
});
afterAll(async () => {
  await viewer?.close();
  store?.close();
  await s3?.stop();
});

test("the viewer serves the session's own segment and neither form of another session's", async () => {
  const media = (i: number) => viewerGet(viewer, `/media?prefix=${encodeURIComponent(A)}&i=${i}`);
  const own = await media(0);
  expect([own.status, own.body.toString()]).toEqual([200, 'segment of session a']); // the request form works ...
  expect((await media(1)).status).toBe(404); // ... but not for b's segment named directly
  const dotted = await media(2);
  expect(dotted.status).toBe(404); // nor through "..", which an S3 path could resolve
  expect(dotted.body.toString()).not.toContain("session b's segment");
});

test('the session view (what list shows) names every entry outside the session as a problem', async () => {
  const view = await viewerGet(viewer, `/api/session?prefix=${encodeURIComponent(A)}`);
  const problems = (JSON.parse(view.body.toString()) as { summary: { problems: string[]; verified: boolean } }).summary;
  expect(problems.verified).toBe(false);
  expect(problems.problems.filter((p) => p.includes('points outside the session'))).toEqual([
    `manifest entry 1 points outside the session: ${JSON.stringify(OTHER)}`,
    `manifest entry 2 points outside the session: ${JSON.stringify(DOTTED)}`,
  ]);
});
