/** Plain HTTP requests to an in-process viewer server, for tests of what it serves. */
import { request } from 'node:http';

export interface ViewerResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export function viewerGet(viewer: { readonly url: string }, path: string, headers: Record<string, string> = {}): Promise<ViewerResponse> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, viewer.url), { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
