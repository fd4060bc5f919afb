import { createHook } from 'node:async_hooks';

/**
 * Timers created from now on, to ask later which of them are still pending and would keep the
 * process alive (ref'd, neither fired nor cleared). Asks the event loop, not the clock.
 */
export function trackTimers(): { created(): number; stillPending(): NodeJS.Timeout[] } {
  const created = new Set<NodeJS.Timeout>();
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === 'Timeout') created.add(resource as NodeJS.Timeout);
    },
  }).enable();
  return {
    created: () => created.size,
    stillPending: () => {
      hook.disable();
      // Node marks a Timeout destroyed once it fired (not repeating) or was cleared.
      return [...created].filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed && t.hasRef());
    },
  };
}
