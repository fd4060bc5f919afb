import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The inspector's and the viewer's browser scripts, written in TypeScript under src/<page>/browser,
 * type-checked against the DOM and bundled by `npm run build` (esbuild, see package.json
 * "build:browser") into dist/browser/<page>.js. The servers serve them as static files.
 *
 * The directory is found from here in both layouts: src/ (ts-node, Jest) and dist/ (the built
 * CLI) both sit next to dist/.
 */
export const PAGE_SCRIPT_DIR = join(__dirname, '..', 'dist', 'browser');

export type PageName = 'inspector' | 'viewer';

/** The bundled script of one page; an error that says to build when it is missing. */
export async function readPageScript(page: PageName): Promise<string> {
  const file = join(PAGE_SCRIPT_DIR, `${page}.js`);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`The ${page} page's script ${file} could not be read: run \`npm run build\`, which bundles src/${page}/browser into it`, { cause: error });
  }
}
