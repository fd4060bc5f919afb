import { fromCallback } from 'xstate';

/**
 * The recorder machine only declares its actors; the CLI (and tests) give the real ones with
 * `provide()`. A forgotten one fails loudly instead of recording nothing.
 */
export function mustBeProvided<TCommand extends { type: string }, TInput>(name: string) {
  return fromCallback<TCommand, TInput>(() => {
    throw new Error(`recorderMachine: the "${name}" actor must be given with machine.provide({ actors: { ${name} } })`);
  });
}
