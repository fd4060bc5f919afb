import type { DisplayLayout } from '../../domain/displayLayout';
import type { DisplayProbe } from './displayProbe';

/** A fixed layout: for the generated test source (lavfi), which has no screen to ask. */
export function createStaticProbe(width: number, height: number): DisplayProbe {
  const layout: DisplayLayout = { x: 0, y: 0, width, height, monitors: [{ name: 'test-pattern', x: 0, y: 0, width, height, primary: true }] };
  return { description: `test pattern ${width}x${height}`, probe: async () => layout };
}
