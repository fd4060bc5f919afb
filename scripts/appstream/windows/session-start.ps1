<#
.SYNOPSIS
AppStream 2.0 SessionStart hook (system context, SYSTEM) for session-recorder on Windows.

.DESCRIPTION
Returns in a few seconds. The waiting and the recording happen in scheduled tasks that run as
SYSTEM under the Task Scheduler service, outside the hook's process tree (AppStream stops a hook
after WaitingTime and may stop what it started):

  Hook      (this call)  makes the state dirs SYSTEM/Administrators-only, then starts the task
                         \session-recorder\launcher (one instance at a time) and returns.
  Launcher  (task)       until DisplayWaitSeconds after the last hook call, looks every 2 s for
                         logged-on users whose registry Environment has an AppStream_Session_ID and
                         starts \session-recorder\rec-<safe id> for each session not yet recorded.
  Record    (task)       starts `node cli.js record ...` as SYSTEM inside the user's Windows session
                         (gdigrab must run in the session it captures; as SYSTEM the user cannot
                         stop it), waits for it, and ends it (sentinel) if the user logs off first.

Why not PsExec: a third-party binary to ship and keep trusted; it does the same token trick
(SYSTEM token, TokenSessionId = the user's session, CreateProcessAsUser) that Record does here.
Why not Start-Process: it can only start in the caller's session (session 0 for the hook), and
its child stays in the hook's process tree.

NOT RUN ON THE MACHINE THIS WAS WRITTEN ON: see INSTALL.md, "What was not tested".

Exit codes (Hook): 0 launcher running; 1 it could not be started (message on stdout).
#>
[CmdletBinding()]
param(
    [ValidateSet('Hook', 'Launcher', 'Record')] [string]$Stage = 'Hook',
    [string]$InstallDir = 'C:\Program Files\session-recorder',
    [string]$NodeExe = 'C:\Program Files\nodejs\node.exe',
    [string]$StateDir = 'C:\ProgramData\session-recorder',
    [ValidateRange(10, 3600)] [int]$DisplayWaitSeconds = 300,
    # Record stage only (set by the launcher; both validated).
    [string]$UserSid = '',
    [int]$WtsSession = -1
)
. (Join-Path $PSScriptRoot 'common.ps1')
$script:SrProg = "session-start[$Stage]"

$CliJs = Join-Path $InstallDir 'dist\cli.js'
$Dirs = @{
    State = $StateDir
    Run = Join-Path $StateDir 'run'       # the recorder's --run-dir: <safe id>\end, pid, status
    Spool = Join-Path $StateDir 'spool'   # the recorder's --spool-dir, shared: recover finds every session's leftovers
    Logs = Join-Path $StateDir 'logs'
}
$EnvFile = Join-Path $StateDir 'recorder.env'
$TouchFile = Join-Path $StateDir 'launcher.touch'
$PowerShellExe = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'

function Register-SrTask([string]$Name, [string]$Arguments, [TimeSpan]$Limit) {
    $action = New-ScheduledTaskAction -Execute $PowerShellExe -Argument $Arguments -WorkingDirectory $env:SystemRoot
    $principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
    $settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit $Limit `
        -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -Priority 4
    Register-ScheduledTask -TaskPath $script:SrTaskPath -TaskName $Name -Action $action -Principal $principal `
        -Settings $settings -Force | Out-Null
}

function Get-SrPsArgs([string[]]$Extra) {
    $base = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', $PSCommandPath,
        '-InstallDir', $InstallDir, '-NodeExe', $NodeExe, '-StateDir', $StateDir, '-DisplayWaitSeconds', "$DisplayWaitSeconds")
    return Join-SrCommandLine ($base + $Extra)
}

function Invoke-Hook {
    foreach ($d in $Dirs.Values) { Initialize-SrPrivateDir $d }
    foreach ($f in @($NodeExe, $CliJs)) { if (-not (Test-Path -LiteralPath $f)) { throw "missing $f (see INSTALL.md)" } }
    [System.IO.File]::WriteAllText($TouchFile, [DateTime]::UtcNow.ToString('o'))
    Register-SrTask 'launcher' (Get-SrPsArgs @('-Stage', 'Launcher')) ([TimeSpan]::FromSeconds($DisplayWaitSeconds + 120))
    Start-ScheduledTask -TaskPath $script:SrTaskPath -TaskName 'launcher'
    Write-SrLog "launcher task: $(Get-SrTaskState 'launcher'); recorders start when the user's session appears (log: $($Dirs.Logs))"
}

function Invoke-Launcher {
    $script:SrLogFile = Join-Path $Dirs.Logs 'launcher.log'
    while ($true) {
        $lastTouch = (Get-Item -LiteralPath $TouchFile).LastWriteTimeUtc
        foreach ($s in @(Get-SrUserSessions)) {
            $name = "rec-$($s.Safe)"
            if (Test-Path -LiteralPath (Join-Path $Dirs.Run "$($s.Safe)\ended")) { continue }
            if ((Get-SrTaskState $name) -eq 'Running') { continue }
            Register-SrTask $name (Get-SrPsArgs @('-Stage', 'Record', '-UserSid', $s.Sid, '-WtsSession', "$($s.WtsSession)")) ([TimeSpan]::Zero)
            Start-ScheduledTask -TaskPath $script:SrTaskPath -TaskName $name
            Write-SrLog "session $($s.Safe): started task $name for Windows session $($s.WtsSession)"
        }
        if ([DateTime]::UtcNow -gt $lastTouch.AddSeconds($DisplayWaitSeconds)) { break }
        Start-Sleep -Seconds 2
    }
}

function Invoke-Record {
    if ($UserSid -notmatch '^S-1-5-21(-\d+){1,14}$' -or $WtsSession -lt 1) { throw "Record needs -UserSid S-1-5-21-... and -WtsSession N" }
    $sessionId = Get-SrUserEnv $UserSid 'AppStream_Session_ID'
    if (-not $sessionId) { throw "no AppStream_Session_ID for $UserSid" }
    # Get-SrSafeName hashes anything odd: an odd id (the user can write it) is recorded, never refused.
    $safe = Get-SrSafeName $sessionId
    if (-not (Test-SrSessionId $sessionId)) { Write-SrLog "session ${safe}: AppStream_Session_ID of $UserSid is odd (control characters or over 256 characters): recording it under a sanitized id; the metadata flags it" }
    $sessionId = $safe   # for this script's log lines only: the recorder reads the raw value itself
    $sessDir = Join-Path $Dirs.Run $safe
    Initialize-SrPrivateDir $sessDir
    $sentinel = Join-Path $sessDir 'end'
    $statusFile = Join-Path $sessDir 'status'
    $logFile = Join-Path $Dirs.Logs "$safe.log"
    $script:SrLogFile = Join-Path $Dirs.Logs "$safe.task.log"   # the recorder holds $logFile open
    Remove-Item -LiteralPath $sentinel -ErrorAction SilentlyContinue

    # Session id, user and stack live in the user-writable HKU\<SID>\Environment: the recorder reads
    # them there itself (--user-sid), so the metadata says they came from the user's environment,
    # not from a flag the admin set, and an odd value is flagged instead of refused.
    $argv = @($NodeExe, $CliJs, 'record', '--user-sid', $UserSid, '--spool-dir', $Dirs.Spool, '--run-dir', $Dirs.Run,
        '--sentinel', $sentinel, '--capture-source', 'gdigrab', '--display', 'desktop',
        '--ffmpeg-path', (Join-Path $InstallDir 'ffmpeg\bin\ffmpeg.exe'))
    # SYSTEM's environment (machine context: AppStream_Resource_Name, ...) + recorder.env + FFmpeg on PATH.
    $envVars = [ordered]@{}
    foreach ($e in [Environment]::GetEnvironmentVariables().GetEnumerator()) { $envVars[[string]$e.Key] = [string]$e.Value }
    foreach ($e in (Read-SrEnvFile $EnvFile).GetEnumerator()) { $envVars[$e.Key] = $e.Value }
    $envVars['PATH'] = (Join-Path $InstallDir 'ffmpeg\bin') + ';' + $envVars['PATH']
    $block = (($envVars.Keys | Sort-Object | ForEach-Object { "$_=$($envVars[$_])" }) -join "`0") + "`0`0"

    $expectedUser = [SrNative]::SessionUser($WtsSession)
    $procId = 0
    $h = [SrNative]::StartAsSystemInSession($WtsSession, (Join-SrCommandLine $argv), $InstallDir, $block, $logFile, [ref]$procId)
    Set-Content -LiteralPath (Join-Path $sessDir 'pid') -Value $procId
    Set-Content -LiteralPath $statusFile -Value "recording Windows session $WtsSession as SYSTEM (pid $procId)"
    Write-SrLog "session ${sessionId}: recorder pid $procId in Windows session $WtsSession ($expectedUser)"
    $code = -1; $endedAt = $null
    try {
        while (($code = [SrNative]::WaitExit($h, 2000)) -lt 0) {
            # The user logged off without the termination hook ending the recording (multi-session
            # fleets): end it as the hook would, then give the drain its budget, then stop it.
            if ($null -eq $endedAt -and [SrNative]::SessionUser($WtsSession) -ne $expectedUser) {
                [System.IO.File]::WriteAllText($sentinel, '')
                $endedAt = [DateTime]::UtcNow
                Write-SrLog "session ${sessionId}: $expectedUser left Windows session ${WtsSession}: sentinel written"
            }
            if ($null -ne $endedAt -and [DateTime]::UtcNow -gt $endedAt.AddSeconds(70)) { [SrNative]::Kill($h) }
        }
    } finally { [SrNative]::Close($h) }
    Set-Content -LiteralPath $statusFile -Value "recorder exited $code at $([DateTime]::UtcNow.ToString('o'))"
    if ($code -lt 0 -or $code -gt 255) { $code = 1 }
    exit ([int]$code)
}

try {
    switch ($Stage) {
        'Hook' { Invoke-Hook; exit 0 }
        'Launcher' { Invoke-Launcher; exit 0 }
        'Record' { Invoke-Record }
    }
} catch {
    Write-SrLog "error: $($_.Exception.Message)"
    exit 1
}
