/**
 * Types for the parts of the `x11` package (pure-JS X11 client, no types of its own) that the
 * activity source uses. Callbacks are node-style; an X error (BadWindow...) arrives as `err` and
 * also as an 'error' event carrying its numeric `error` code.
 */
declare module 'x11' {
  import type { EventEmitter } from 'node:events';

  export interface XEvent {
    readonly name: string;
    readonly type: number;
    readonly wid?: number;
    readonly parent?: number;
    readonly atom?: number;
    readonly overrideRedirect?: boolean;
  }
  type Cb<T> = (err: (Error & { error?: number }) | null, value: T) => void;
  export interface XClient extends EventEmitter {
    readonly atoms: Record<string, number>;
    InternAtom(onlyIfExists: boolean, name: string, cb: Cb<number>): void;
    GetAtomName(atom: number, cb: Cb<string>): void;
    GetProperty(del: number, wid: number, name: number, type: number, longOffset: number, longLength: number, cb: Cb<{ type: number; format: number; bytesAfter: number; data: Buffer }>): void;
    GetInputFocus(cb: Cb<{ focus: number; revertTo: number }>): void;
    QueryPointer(wid: number, cb: Cb<{ root: number; child: number }>): void;
    QueryTree(wid: number, cb: Cb<{ root: number; parent: number; children: number[] }>): void;
    GetWindowAttributes(wid: number, cb: Cb<{ mapState: number; overrideRedirect: number; klass: number }>): void;
    ChangeWindowAttributes(wid: number, values: { eventMask: number }): void;
    require(name: 'screen-saver', cb: Cb<{ QueryInfo(drawable: number, cb: Cb<{ idle: number; state: number }>): void }>): void;
    GetGeometry(drawable: number, cb: Cb<{ width: number; height: number; xPos: number; yPos: number }>): void;
    require(name: 'randr', cb: Cb<{ majorOpcode: number }>): void;
    require(name: 'res', cb: Cb<{ QueryClientIds(specs: { client: number; mask: number }[], cb: Cb<{ client: number; mask: number; value: number[] }[]>): void }>): void;
    terminate(): void;
  }
  export interface XDisplay {
    readonly client: XClient;
    readonly screen: readonly { readonly root: number }[];
  }
  export function createClient(options: { display?: string }, cb: (err: Error | null, display: XDisplay) => void): XClient;
  export const eventMask: Record<'SubstructureNotify' | 'PropertyChange' | 'FocusChange' | 'EnterWindow', number>;
}
