import type { DisplayLayout, Monitor } from '../../domain/displayLayout';

/**
 * Pure part of the macOS probe: `system_profiler SPDisplaysDataType -json`. One entry per GPU,
 * each with `spdisplays_ndrvs` (its displays). A display's size is taken in points, the "looks
 * like" size (`_spdisplays_resolution`, e.g. "1512 x 982 @ 120.00Hz"; older releases
 * `spdisplays_resolution`), falling back to the panel's pixels (`_spdisplays_pixels`).
 *
 * system_profiler does not say how the screens are arranged, so the layout puts them side by
 * side, main screen first, top-aligned: every screen is recorded whole, only its place in the
 * video may differ from the user's arrangement. Monitor i is AVFoundation's "Capture screen i"
 * (FFmpeg lists screens in CGGetActiveDisplayList order, main display first): the capture scales
 * each screen into its box (aspect kept), so a different order costs proportions, never pixels.
 */
interface SpDisplay {
  readonly _name?: string;
  readonly _spdisplays_resolution?: string;
  readonly spdisplays_resolution?: string;
  readonly _spdisplays_pixels?: string;
  readonly spdisplays_main?: string;
  readonly spdisplays_mirror?: string;
  readonly spdisplays_online?: string;
}

export function parseMacDisplays(output: string): DisplayLayout {
  let json: { SPDisplaysDataType?: { spdisplays_ndrvs?: SpDisplay[] }[] };
  try {
    json = JSON.parse(output) as typeof json;
  } catch (error) {
    throw new Error(`Expected system_profiler SPDisplaysDataType -json to print JSON, got ${JSON.stringify(output.slice(0, 200))}: ${(error as Error).message}`);
  }
  if (!Array.isArray(json.SPDisplaysDataType)) {
    throw new Error(`Expected an "SPDisplaysDataType" array from system_profiler, got ${JSON.stringify(output.slice(0, 200))}`);
  }
  const found: { display: SpDisplay; width: number; height: number }[] = [];
  let mirrorTaken = false;
  for (const gpu of json.SPDisplaysDataType) {
    for (const display of gpu.spdisplays_ndrvs ?? []) {
      if (display.spdisplays_online === 'spdisplays_no') continue;
      // Mirrored screens show the same pixels: record the set once.
      if (display.spdisplays_mirror === 'spdisplays_on') {
        if (mirrorTaken) continue;
        mirrorTaken = true;
      }
      const size = parseSize(display._spdisplays_resolution ?? display.spdisplays_resolution ?? display._spdisplays_pixels);
      if (size) found.push({ display, ...size });
    }
  }
  if (found.length === 0) throw new Error('system_profiler lists no active display with a resolution: nothing to capture');
  const ordered = [...found.filter((f) => isMain(f.display)), ...found.filter((f) => !isMain(f.display))];
  let x = 0;
  const monitors: Monitor[] = ordered.map((f, i) => {
    const monitor: Monitor = { name: f.display._name ?? `screen ${i}`, primary: isMain(f.display), x, y: 0, width: f.width, height: f.height };
    x += f.width;
    return monitor;
  });
  return { x: 0, y: 0, width: x, height: Math.max(...monitors.map((m) => m.height)), monitors, composedFromMonitors: true };
}

function isMain(display: SpDisplay): boolean {
  return display.spdisplays_main === 'spdisplays_yes';
}

/** "1512 x 982 @ 120.00Hz", "1920 x 1080", "2560 x 1600 Retina" → width and height. */
function parseSize(text: string | undefined): { width: number; height: number } | null {
  const match = text === undefined ? null : /(\d+)\s*x\s*(\d+)/.exec(text);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}
