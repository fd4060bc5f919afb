import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DisplayLayout } from '../../domain/displayLayout';
import type { DisplayProbe } from './displayProbe';
import { parseWindowsScreens } from './parseWindowsScreens';

const run = promisify(execFile);

/**
 * Windows: the virtual screen and every monitor through .NET, from Windows PowerShell 5.1 (present
 * on every Windows 10 / Server 2016+ image, AppStream's included). NOT TESTED ON WINDOWS: there is
 * no Windows machine here; the parser is tested on output reconstructed from the documentation.
 *
 * P/Invoke is declared with Reflection.Emit instead of Add-Type, which would start the C#
 * compiler (about a second of CPU) on every probe.
 */
const NATIVE = String.raw`
$asm = [AppDomain]::CurrentDomain.DefineDynamicAssembly((New-Object Reflection.AssemblyName 'SessionRecorderNative'), 'Run')
$type = $asm.DefineDynamicModule('SessionRecorderNative').DefineType('SessionRecorder.Native', 'Public,Class')
foreach ($m in @(@('SetProcessDPIAware', [bool], [Type[]]@()), @('GetSystemMetrics', [int], [Type[]]@([int])))) {
  $method = $type.DefinePInvokeMethod($m[0], 'user32.dll', 'Public,Static,PinvokeImpl', 'Standard', $m[1], $m[2], 'Winapi', 'Auto')
  # Without PreserveSig the call returns 0 (see the DefinePInvokeMethod documentation's example).
  $method.SetImplementationFlags('PreserveSig')
}
$native = $type.CreateType()
# Physical pixels, like gdigrab (which scales the virtual screen by DESKTOPHORZRES/HORZRES).
[void]$native::SetProcessDPIAware()
`;

/** One JSON line: {"VirtualScreen":{X,Y,Width,Height},"Screens":[{DeviceName,Primary,X,Y,Width,Height}]}. */
export const WINDOWS_LAYOUT_SCRIPT = String.raw`$ErrorActionPreference = 'Stop'
${NATIVE}
Add-Type -AssemblyName System.Windows.Forms
$v = [System.Windows.Forms.SystemInformation]::VirtualScreen
$screens = @([System.Windows.Forms.Screen]::AllScreens | ForEach-Object {
  [ordered]@{ DeviceName = $_.DeviceName; Primary = $_.Primary; X = $_.Bounds.X; Y = $_.Bounds.Y; Width = $_.Bounds.Width; Height = $_.Bounds.Height }
})
[ordered]@{ VirtualScreen = [ordered]@{ X = $v.X; Y = $v.Y; Width = $v.Width; Height = $v.Height }; Screens = $screens } | ConvertTo-Json -Depth 4 -Compress
`;

/**
 * Long-running watcher: reads the virtual screen's origin and size and the monitor count
 * (GetSystemMetrics 76-80: no process start, no caching) four times a second and prints
 * "display x,y,w,h,n" when they change; the poller then runs the full probe. It ends by itself
 * when the recorder (parentPid) is gone, so a killed recorder leaves no loop behind.
 */
export function windowsWatchScript(parentPid: number): string {
  return String.raw`$ErrorActionPreference = 'Stop'
${NATIVE}
$last = ''
$tick = 0
while ($true) {
  $now = '{0},{1},{2},{3},{4}' -f $native::GetSystemMetrics(76), $native::GetSystemMetrics(77), $native::GetSystemMetrics(78), $native::GetSystemMetrics(79), $native::GetSystemMetrics(80)
  if ($now -ne $last) { [Console]::Out.WriteLine("display $now"); [Console]::Out.Flush(); $last = $now }
  $tick++
  if ($tick % 4 -eq 0 -and -not (Get-Process -Id ${parentPid} -ErrorAction SilentlyContinue)) { exit 0 }
  Start-Sleep -Milliseconds 250
}
`;
}

/** `-EncodedCommand` takes UTF-16LE in base64: no quoting problems with any script. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

export function powerShellArgs(script: string): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encodePowerShell(script)];
}

export interface WindowsProbeOptions {
  /** Default `powershell.exe` (Windows PowerShell 5.1). */
  readonly powershellPath?: string;
  /** The recorder's PID: the watcher exits when it is gone. */
  readonly parentPid: number;
}

export function createWindowsProbe(options: WindowsProbeOptions): DisplayProbe {
  const powershell = options.powershellPath ?? 'powershell.exe';
  return {
    description: 'Windows virtual screen',
    async probe(): Promise<DisplayLayout> {
      try {
        const { stdout } = await run(powershell, powerShellArgs(WINDOWS_LAYOUT_SCRIPT), { timeout: 15_000, windowsHide: true });
        return parseWindowsScreens(stdout);
      } catch (error) {
        const detail = error instanceof Error ? (error as Error & { stderr?: string }).stderr?.trim() || error.message : String(error);
        throw new Error(`cannot read the Windows screen layout with ${powershell}: ${detail}`, { cause: error });
      }
    },
    notifications: {
      command: powershell,
      args: powerShellArgs(windowsWatchScript(options.parentPid)),
      isNotification: (line) => line.startsWith('display '),
    },
    // A probe is a PowerShell start (~0.3-0.5 s of CPU): the watcher catches every change, so the
    // safety net polls once a minute; without the watcher, every 10 s.
    pollIntervals: { withNotificationsMs: 60_000, withoutNotificationsMs: 10_000 },
  };
}
