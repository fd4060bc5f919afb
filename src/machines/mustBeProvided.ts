import { fromCallback } from 'xstate';

/**
 * The machines only declare their actors; the CLI (and tests) give the real ones with
 * `provide()`. A forgotten one fails loudly instead of recording nothing.
 */
export function mustBeProvided<TCommand extends { type: string }, TInput>(name: string, machine = 'recorderMachine') {
  return fromCallback<TCommand, TInput>(() => {
    throw new Error(`${machine}: the "${name}" actor must be given with machine.provide({ actors: { ${name} } })`);
  });
}
