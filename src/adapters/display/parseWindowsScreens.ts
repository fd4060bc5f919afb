import { z } from 'zod';
import type { DisplayLayout, Monitor } from '../../domain/displayLayout';

/**
 * Pure part of the Windows probe: the JSON printed by WINDOWS_LAYOUT_SCRIPT (windowsProbe.ts),
 * `SystemInformation.VirtualScreen` and every `Screen.AllScreens` entry, in physical pixels (the
 * script makes itself DPI-aware first). The virtual screen is what gdigrab grabs
 * (`-offset_x/-offset_y/-video_size`); its origin is negative when a monitor sits left of or
 * above the primary one.
 */
const rect = { X: z.number().int(), Y: z.number().int(), Width: z.number().int().positive(), Height: z.number().int().positive() };
const screenSchema = z.object({ DeviceName: z.string(), Primary: z.boolean(), ...rect });
const layoutSchema = z.object({
  VirtualScreen: z.object(rect),
  // Windows PowerShell 5.1 may print a one-element array as a bare object: accept both.
  Screens: z.union([z.array(screenSchema), screenSchema]),
});

export function parseWindowsScreens(output: string): DisplayLayout {
  const start = output.indexOf('{');
  let json: unknown;
  try {
    json = JSON.parse(start < 0 ? output : output.slice(start));
  } catch (error) {
    throw new Error(`Expected the Windows display probe to print JSON, got ${JSON.stringify(output.slice(0, 200))}: ${(error as Error).message}`);
  }
  const result = layoutSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Expected {VirtualScreen, Screens} from the Windows display probe, but "${issue?.path.join('.') || '(root)'}" is invalid: ${issue?.message ?? 'unknown'}`);
  }
  const { VirtualScreen: v, Screens } = result.data;
  const screens = Array.isArray(Screens) ? Screens : [Screens];
  const monitors: Monitor[] = screens.map((s) => ({ name: s.DeviceName, primary: s.Primary, x: s.X, y: s.Y, width: s.Width, height: s.Height }));
  return { x: v.X, y: v.Y, width: v.Width, height: v.Height, monitors };
}
