import { and, createMachine, not, or } from 'xstate';
import { buildMachineGraph } from '../../src/inspector/machineGraph';

test('guards built with and/or/not, inline guards and numeric delays are printed readably', () => {
  const machine = createMachine({
    id: 'm',
    initial: 'a',
    states: {
      a: {
        on: {
          go: [
            { guard: and(['ready', not('busy')]), target: 'b' },
            { guard: or([not(and(['x', 'y'])), 'z']), target: 'b' },
            { guard: function isLate() { return true; }, target: 'b' },
          ],
        },
        after: { 1500: 'b' },
      },
      b: {},
    },
  });
  const labels = buildMachineGraph(machine).edges.map((e) => e.label);
  expect(labels).toEqual(['go [ready && !busy]', 'go [!(x && y) || z]', 'go [isLate]', 'after 1500 ms']);
});
