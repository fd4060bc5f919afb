/**
 * Element lookup and building for the viewer page. Everything from the store is untrusted text:
 * it goes into the page with textContent (`text`), never as HTML.
 */

/** The page's element with this id; the page's HTML (page.ts) has them all, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`viewer page: no element #${id}`);
  return found as T;
}

/** `text` sets textContent, `cls` the class, `on<event>` a listener; anything else is an attribute. */
export interface Attrs {
  readonly text?: string;
  readonly cls?: string;
  readonly title?: string;
  readonly onclick?: (ev: MouseEvent) => void;
  readonly [attribute: string]: string | ((ev: MouseEvent) => void) | undefined;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, children?: readonly (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined) continue;
    if (k === 'text') el.textContent = String(v);
    else if (k === 'cls') el.className = String(v);
    else if (typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else el.setAttribute(k, v);
  }
  for (const c of children ?? []) if (c != null) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** GETs JSON; a non-2xx answer's `error` field (or its status text) becomes the error. */
export async function getJson<T>(url: string): Promise<T> {
  const r = await fetch(url);
  const body = (await r.json()) as T & { error?: string };
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}
