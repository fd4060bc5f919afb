/**
 * Plain HTTP requests to an in-process viewer server, for tests of what it serves. `login` opens
 * the URL the viewer printed, the way a browser does, and returns the cookie it set.
 */
import { request } from 'node:http';

export interface ViewerResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export function httpGet(base: string, path: string, headers: Record<string, string> = {}): Promise<ViewerResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the printed URL; its Set-Cookie, ready for a Cookie header. */
export async function login(viewer: { readonly url: string }): Promise<string> {
  const opened = await httpGet(viewer.url, viewer.url);
  const cookie = opened.headers['set-cookie']?.[0];
  if (opened.status !== 303 || cookie === undefined) throw new Error(`opening ${viewer.url} gave ${opened.status} without a cookie`);
  return cookie.split(';')[0] as string;
}

/** GET `path` as the auditor whose browser opened the printed URL. */
export async function viewerGet(viewer: { readonly url: string }, path: string, headers: Record<string, string> = {}): Promise<ViewerResponse> {
  return httpGet(viewer.url, path, { Cookie: await login(viewer), ...headers });
}
