<#
.SYNOPSIS
AppStream 2.0 SessionTermination hook (system context, SYSTEM) for session-recorder on Windows.

.DESCRIPTION
Runs `node cli.js end --sentinel <file> --timeout <TimeoutSeconds>`: `end` writes the session's
sentinel and waits until the recorder has drained (stopped FFmpeg, uploaded the rest, written the
manifest and end marker) and deleted it. `end` is killed 1 s after its own timeout, so this hook
returns before AppStream's 60 s limit even when something hangs.

Which session: -SessionId, else $env:AppStream_Session_ID, else the only session being recorded.
With several recorded sessions and no id, nothing is ended here (exit 2): each recorder's task
ends it when its user logs off (see session-start.ps1, Record stage).

NOT RUN ON THE MACHINE THIS WAS WRITTEN ON: see INSTALL.md, "What was not tested".

Exit codes: 0 drained; 1 no recorder running for the session; 2 bad usage / ambiguous session;
3 drained but something is left in the spool (as `end` reports); 4 the drain did not finish in time.
#>
[CmdletBinding()]
param(
    [string]$SessionId = '',
    [string]$InstallDir = 'C:\Program Files\session-recorder',
    [string]$NodeExe = 'C:\Program Files\nodejs\node.exe',
    [string]$StateDir = 'C:\ProgramData\session-recorder',
    [ValidateRange(1, 3600)] [int]$TimeoutSeconds = 55
)
. (Join-Path $PSScriptRoot 'common.ps1')
$script:SrProg = 'session-end'
$CliJs = Join-Path $InstallDir 'dist\cli.js'
$RunDir = Join-Path $StateDir 'run'

function Get-RecordedSafeNames {
    $tasks = @(Get-ScheduledTask -TaskPath $script:SrTaskPath -ErrorAction SilentlyContinue |
            Where-Object { $_.TaskName -like 'rec-*' -and $_.State -eq 'Running' })
    return @($tasks | ForEach-Object { $_.TaskName.Substring(4) })
}

try {
    if (-not $SessionId -and $env:AppStream_Session_ID) { $SessionId = $env:AppStream_Session_ID }
    if ($SessionId) {
        # The same rule as session-start.ps1: an odd id (the user can write it) was recorded under
        # its hashed safe name, so it is ended under that name too, never refused.
        $safe = Get-SrSafeName $SessionId
        if (-not (Test-SrSessionId $SessionId)) { Write-SrLog "session ${safe}: the session id is odd (control characters or over 256 characters): ending it under its sanitized id" }
    } else {
        $running = @(Get-RecordedSafeNames)
        if ($running.Count -eq 0) { Write-SrLog 'no session is being recorded on this instance'; exit 1 }
        if ($running.Count -gt 1) {
            Write-SrLog "error: $($running.Count) sessions are being recorded and no -SessionId was given: ending none (each ends when its user logs off)"
            exit 2
        }
        $safe = $running[0]
    }
    $sessDir = Join-Path $RunDir $safe
    if ((Get-SrTaskState "rec-$safe") -ne 'Running') {
        Write-SrLog "no recorder is running for session $safe (status: $(Get-Content -LiteralPath (Join-Path $sessDir 'status') -ErrorAction SilentlyContinue))"
        exit 1
    }
    # Tell the launcher not to start this session again while its user is still logged on.
    [System.IO.File]::WriteAllText((Join-Path $sessDir 'ended'), [DateTime]::UtcNow.ToString('o'))

    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $NodeExe
    $psi.Arguments = Join-SrCommandLine @($CliJs, 'end', '--sentinel', (Join-Path $sessDir 'end'), '--timeout', "$TimeoutSeconds")
    $psi.UseShellExecute = $false
    $psi.CreateNoWindow = $true
    $started = [DateTime]::UtcNow
    $p = [System.Diagnostics.Process]::Start($psi)
    if (-not $p.WaitForExit(($TimeoutSeconds + 1) * 1000)) {
        $p.Kill()
        Write-SrLog "error: session ${safe}: ``end`` did not return within $($TimeoutSeconds + 1)s: killed"
        exit 4
    }
    $code = $p.ExitCode
    Write-SrLog "session ${safe}: end exited $code after $([int]([DateTime]::UtcNow - $started).TotalSeconds)s"
    exit $code
} catch {
    Write-SrLog "error: $($_.Exception.Message)"
    exit 1
}
