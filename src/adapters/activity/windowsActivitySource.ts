/**
 * The Windows activity source: a long-running Windows PowerShell 5.1 helper that reads the
 * foreground window (GetForegroundWindow, GetWindowText, GetWindowThreadProcessId), the visible
 * top-level windows (EnumWindows) and the idle time (GetLastInputInfo), and prints JSON lines
 * (windowsActivityLines.ts parses them). Windows has no cheap event for a retitled window without
 * a message loop, so the helper polls twice a second and prints only when something changed; the
 * idle time every 5 s. It must run in the user's interactive session, like the gdigrab capture
 * (GetForegroundWindow from session 0 sees no user desktop). It exits when the recorder is gone.
 *
 * NOT RUN HERE: there is no Windows machine; the line parser is unit-tested.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ActivitySourceHandle, ConnectActivitySource } from './activitySource';
import { powerShellArgs } from '../display/windowsProbe';
import { parseWindowsActivityLine } from './windowsActivityLines';

export function windowsActivityScript(parentPid: number): string {
  return String.raw`$ErrorActionPreference = 'Stop'
# Titles are Unicode: the console's default OEM code page would mangle them.
[Console]::OutputEncoding = [Text.Encoding]::UTF8
Add-Type -TypeDefinition @'
using System; using System.Text; using System.Collections.Generic; using System.Runtime.InteropServices;
public static class SrActivity {
  [StructLayout(LayoutKind.Sequential)] struct LASTINPUTINFO { public uint cbSize; public uint dwTime; }
  [DllImport("user32.dll")] static extern IntPtr GetForegroundWindow();
  [DllImport("user32.dll", CharSet = CharSet.Unicode)] static extern int GetWindowTextW(IntPtr h, StringBuilder s, int n);
  [DllImport("user32.dll")] static extern int GetWindowTextLengthW(IntPtr h);
  [DllImport("user32.dll")] static extern uint GetWindowThreadProcessId(IntPtr h, out uint pid);
  [DllImport("user32.dll")] static extern bool IsWindowVisible(IntPtr h);
  [DllImport("user32.dll")] static extern IntPtr GetWindow(IntPtr h, uint cmd);
  delegate bool EnumProc(IntPtr h, IntPtr p);
  [DllImport("user32.dll")] static extern bool EnumWindows(EnumProc f, IntPtr p);
  [DllImport("user32.dll")] static extern bool GetLastInputInfo(ref LASTINPUTINFO i);
  public static string Title(IntPtr h) { int n = Math.Min(GetWindowTextLengthW(h), 1024); var s = new StringBuilder(n + 1); GetWindowTextW(h, s, n + 1); return s.ToString(); }
  public static uint Pid(IntPtr h) { uint p; GetWindowThreadProcessId(h, out p); return p; }
  public static IntPtr Foreground() { return GetForegroundWindow(); }
  public static List<IntPtr> Visible() {
    var l = new List<IntPtr>();
    EnumWindows((h, p) => { if (IsWindowVisible(h) && GetWindow(h, 4) == IntPtr.Zero && GetWindowTextLengthW(h) > 0) l.Add(h); return l.Count < 256; }, IntPtr.Zero);
    l.Reverse(); // EnumWindows goes top to bottom; the track lists the top last
    return l;
  }
  public static long IdleMs() { var i = new LASTINPUTINFO(); i.cbSize = (uint)Marshal.SizeOf(i); GetLastInputInfo(ref i); return (long)(uint)(Environment.TickCount - (int)i.dwTime); }
}
'@
$apps = @{}
function Info([IntPtr]$h) {
  if ($h -eq [IntPtr]::Zero) { return $null }
  $procId = [SrActivity]::Pid($h)
  if (-not $apps.ContainsKey($procId)) { $apps[$procId] = (Get-Process -Id $procId -ErrorAction SilentlyContinue).ProcessName }
  [ordered]@{ hwnd = ('0x{0:x}' -f $h.ToInt64()); title = [SrActivity]::Title($h); pid = [int]$procId; app = $apps[$procId] }
}
$last = ''
$tick = 0
while ($true) {
  $at = [DateTime]::UtcNow.ToString('o')
  $view = [ordered]@{ t = 'view'; at = $at; fg = (Info ([SrActivity]::Foreground())); windows = @([SrActivity]::Visible() | ForEach-Object { Info $_ }) }
  $key = ($view.fg | ConvertTo-Json -Compress) + ($view.windows | ConvertTo-Json -Compress)
  if ($key -ne $last) { [Console]::Out.WriteLine(($view | ConvertTo-Json -Depth 4 -Compress)); [Console]::Out.Flush(); $last = $key }
  if ($tick % 10 -eq 0) {
    [Console]::Out.WriteLine(([ordered]@{ t = 'idle'; at = $at; idleMs = [SrActivity]::IdleMs() } | ConvertTo-Json -Compress)); [Console]::Out.Flush()
    if (-not (Get-Process -Id ${parentPid} -ErrorAction SilentlyContinue)) { exit 0 }
  }
  $tick++
  Start-Sleep -Milliseconds 500
}
`;
}

export function windowsActivitySource(powershell = 'powershell.exe'): ConnectActivitySource {
  return async (handlers) => {
    const child = spawn(powershell, powerShellArgs(windowsActivityScript(process.pid)), { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let closed = false;
    let lastIdle: { atMs: number; idleMs: number } | undefined;
    let stderrTail = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderrTail = (stderrTail + d).slice(-500);
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (closed || line.trim() === '') return;
      try {
        const parsed = parseWindowsActivityLine(line);
        if (parsed.kind === 'idle') lastIdle = { atMs: Date.now(), idleMs: parsed.idleMs };
        else handlers.changed(parsed.view, 'windows-foreground', parsed.atMs);
      } catch (e) {
        if (!closed) {
          closed = true;
          child.kill();
          handlers.lost((e as Error).message);
        }
      }
    });
    const gone = (why: string): void => {
      if (closed) return;
      closed = true;
      handlers.lost(`the Windows activity helper ${why}${stderrTail ? `: ${stderrTail.trim().split('\n').pop() ?? ''}` : ''}`);
    };
    child.on('error', (e) => gone(`could not run (${e.message})`));
    child.on('exit', (code, signal) => gone(`exited (code ${String(code)}, signal ${String(signal)})`));
    const handle: ActivitySourceHandle = {
      idleMs: async () => (lastIdle === undefined ? null : lastIdle.idleMs + (Date.now() - lastIdle.atMs)),
      close: () => {
        closed = true;
        child.kill();
      },
    };
    return handle;
  };
}
