/**
 * Runs real actors under a tiny parent machine (the way the recorder machine invokes them) and
 * records every event they send back, with deadline-based waits.
 */
import pino, { type Logger } from 'pino';
import { createActor, createMachine, type AnyActorLogic, type AnyActorRef } from 'xstate';
import type { DisplayLayout } from '../../src/domain/displayLayout';
import type { RecorderEvent } from '../../src/machines/recorderEvents';

export const testLogger: Logger = pino({ level: process.env['LOG_LEVEL'] ?? 'silent' });

export class EventLog {
  readonly events: RecorderEvent[] = [];
  /** When each event arrived (Date.now()), same order as `events`. */
  readonly receivedAt: number[] = [];
  private readonly waiters = new Set<() => void>();

  push(event: RecorderEvent): void {
    this.events.push(event);
    this.receivedAt.push(Date.now());
    for (const wake of [...this.waiters]) wake();
  }

  of<T extends RecorderEvent['type']>(type: T): Array<Extract<RecorderEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<RecorderEvent, { type: T }> => e.type === type);
  }

  /** Resolves with the first event (already seen or future) matching, rejects at the deadline. */
  waitFor<T extends RecorderEvent['type']>(type: T, timeoutMs: number,
    predicate: (e: Extract<RecorderEvent, { type: T }>) => boolean = () => true): Promise<Extract<RecorderEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.of(type).find(predicate);
        if (found) {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
        }
        return found !== undefined;
      };
      const wake = (): void => { check(); };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`no ${type} within ${timeoutMs} ms; events: ${this.events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      this.waiters.add(wake);
      check();
    });
  }

  /** Waits until `count` events of `type` were seen. */
  async waitForCount(type: RecorderEvent['type'], count: number, timeoutMs: number): Promise<void> {
    await this.waitFor(type, timeoutMs, () => this.of(type).length >= count).catch((err: Error) => {
      throw new Error(`${err.message} (wanted ${count} ${type}, saw ${this.of(type).length})`);
    });
  }
}

export interface Harness {
  readonly log: EventLog;
  send(child: 'ffmpeg' | 'segmentWatcher', command: { type: string; [key: string]: unknown }): void;
  stop(): void;
}

export function startHarness(actors: { ffmpeg?: AnyActorLogic; segmentWatcher?: AnyActorLogic }, layout?: DisplayLayout): Harness {
  const log = new EventLog();
  const invoke = [
    ...(actors.segmentWatcher ? [{ id: 'segmentWatcher', src: actors.segmentWatcher }] : []),
    ...(actors.ffmpeg ? [{ id: 'ffmpeg', src: actors.ffmpeg, input: { layout } }] : []),
  ];
  const machine = createMachine({
    id: 'harness',
    invoke,
    on: { '*': { actions: ({ event }) => log.push(event as RecorderEvent) } },
  });
  const actor = createActor(machine);
  actor.start();
  return {
    log,
    send(child, command) {
      const ref = actor.getSnapshot().children[child] as AnyActorRef | undefined;
      if (!ref) throw new Error(`no ${child} child`);
      ref.send(command);
    },
    stop: () => actor.stop(),
  };
}
