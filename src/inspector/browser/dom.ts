/** Element lookup and building, for the inspector page. */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The page's element with this id; the page's HTML (page.ts) has them all, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`inspector page: no element #${id}`);
  return found as T;
}

/** An SVG element with attributes (null and undefined ones left out) and optional text. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | null | undefined>,
  parent?: Element,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

/** An HTML element with a class and text. */
export function html<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Sets an element's text (and tooltip when given); ids the page lacks are ignored. */
export function setText(id: string, text: string, title?: string): void {
  const e = document.getElementById(id);
  if (!e) return;
  e.textContent = text;
  if (title !== undefined) e.title = title;
}
