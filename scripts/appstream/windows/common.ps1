# Shared by session-start.ps1 and session-end.ps1 (dot-sourced). Windows PowerShell 5.1.
#
# NOT RUN ON THE MACHINE THIS WAS WRITTEN ON (Linux, no PowerShell): see INSTALL.md, "What was
# not tested". Everything the streaming user controls (their registry Environment values) is
# data: validated, never evaluated, and quoted as one argument with the MSVCRT rules.

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

$script:SrTaskPath = '\session-recorder\'

$script:SrLogFile = $null

function Write-SrLog([string]$Message) {
    # One line per message: AppStream keeps the hook's stdout (S3LogEnabled); the tasks' stdout is
    # lost, so they also append to $script:SrLogFile.
    $line = '{0} {1}: {2}' -f [DateTime]::UtcNow.ToString('yyyy-MM-ddTHH:mm:ssZ'), $script:SrProg, $Message
    Write-Output $line
    if ($script:SrLogFile) { Add-Content -LiteralPath $script:SrLogFile -Value $line -ErrorAction SilentlyContinue }
}

# Same rule as the Linux hooks: ids outside [A-Za-z0-9_-] become "x." + a hash.
function Get-SrSafeName([string]$Id) {
    if ($Id -cmatch '^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$') { return $Id }
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hash = $sha.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Id))
    return 'x.' + (-join ($hash | ForEach-Object { $_.ToString('x2') })).Substring(0, 32)
}

function Test-SrSessionId([string]$Id) {
    return ($Id.Length -ge 1 -and $Id.Length -le 256 -and $Id -notmatch '[\x00-\x1f\x7f]')
}

# One argument for a Windows command line (CommandLineToArgvW / MSVCRT rules).
function ConvertTo-SrArg([string]$Arg) {
    if ($Arg.Length -gt 0 -and $Arg -notmatch '[\s"]') { return $Arg }
    $sb = New-Object System.Text.StringBuilder
    [void]$sb.Append('"')
    $backslashes = 0
    foreach ($c in $Arg.ToCharArray()) {
        if ($c -eq '\') { $backslashes++; continue }
        if ($c -eq '"') {
            [void]$sb.Append('\' * ($backslashes * 2 + 1)); [void]$sb.Append('"')
        } else {
            [void]$sb.Append('\' * $backslashes); [void]$sb.Append($c)
        }
        $backslashes = 0
    }
    [void]$sb.Append('\' * ($backslashes * 2)); [void]$sb.Append('"')
    return $sb.ToString()
}

function Join-SrCommandLine([string[]]$Argv) { return (($Argv | ForEach-Object { ConvertTo-SrArg $_ }) -join ' ') }

# Root-only equivalent: SYSTEM and Administrators, nothing inherited (so no Users/Everyone).
function Initialize-SrPrivateDir([string]$Path) {
    if (-not (Test-Path -LiteralPath $Path)) { New-Item -ItemType Directory -Path $Path -Force | Out-Null }
    $out = & icacls.exe $Path /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' 2>&1
    if ($LASTEXITCODE -ne 0) { throw "icacls $Path failed: $out" }
}

# KEY=VALUE lines, '#' comments, optional matching quotes around VALUE. Never executed.
function Read-SrEnvFile([string]$Path) {
    $vars = [ordered]@{}
    if (-not (Test-Path -LiteralPath $Path)) { return $vars }
    foreach ($line in [System.IO.File]::ReadAllLines($Path)) {
        if ($line -match '^\s*(#|$)') { continue }
        if ($line -notmatch '^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$') { throw "$Path : expected KEY=VALUE, got: $line" }
        $key = $Matches[1]; $value = $Matches[2]
        if ($value -match '^"(.*)"$' -or $value -match "^'(.*)'$") { $value = $Matches[1] }
        $vars[$key] = $value
    }
    return $vars
}

# The AppStream user-context values of a logged-on user, from their registry Environment
# (HKU\<SID>\Environment). The user can write there: values are data, validated by the caller.
function Get-SrUserEnv([string]$Sid, [string]$Name) {
    if ($Sid -notmatch '^S-1-5-21(-\d+){1,14}$') { throw "not a user SID: $Sid" }
    $key = "Registry::HKEY_USERS\$Sid\Environment"
    try { return [string](Get-ItemProperty -LiteralPath $key -Name $Name -ErrorAction Stop).$Name } catch { return $null }
}

# Interactive user sessions that carry an AppStream session id: one entry per Windows session.
function Get-SrUserSessions {
    $seen = @{}
    foreach ($p in @(Get-CimInstance Win32_Process -Filter "Name='explorer.exe'")) {
        if ($p.SessionId -eq 0 -or $seen.ContainsKey([int]$p.SessionId)) { continue }
        $owner = Invoke-CimMethod -InputObject $p -MethodName GetOwnerSid
        if ($owner.ReturnValue -ne 0 -or $owner.Sid -notmatch '^S-1-5-21(-\d+){1,14}$') { continue }
        $id = Get-SrUserEnv $owner.Sid 'AppStream_Session_ID'
        # An odd id (control characters, absurd length: the user can write it) is still recorded,
        # under its hashed safe name; only a missing one means "no AppStream session here".
        if (-not $id) { continue }
        $seen[[int]$p.SessionId] = $true
        [pscustomobject]@{ WtsSession = [int]$p.SessionId; Sid = $owner.Sid; SessionId = $id; Safe = (Get-SrSafeName $id) }
    }
}

function Get-SrTaskState([string]$Name) {
    $t = Get-ScheduledTask -TaskPath $script:SrTaskPath -TaskName $Name -ErrorAction SilentlyContinue
    if ($null -eq $t) { return 'Missing' }
    return [string]$t.State
}

# Start a process as SYSTEM inside another Windows session (what `psexec -s -i N -d` does): the
# user sees no window and cannot stop it (it is not theirs). Its stdout/stderr go to LogPath.
if (-not ('SrNative' -as [type])) {
    Add-Type -TypeDefinition @'
using System;
using System.ComponentModel;
using System.Runtime.InteropServices;

public static class SrNative {
    [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
    struct STARTUPINFO {
        public int cb; public string lpReserved; public string lpDesktop; public string lpTitle;
        public int dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
        public short wShowWindow, cbReserved2; public IntPtr lpReserved2, hStdInput, hStdOutput, hStdError;
    }
    [StructLayout(LayoutKind.Sequential)]
    struct PROCESS_INFORMATION { public IntPtr hProcess, hThread; public int dwProcessId, dwThreadId; }
    [StructLayout(LayoutKind.Sequential)]
    struct SECURITY_ATTRIBUTES { public int nLength; public IntPtr lpSecurityDescriptor; public bool bInheritHandle; }

    [DllImport("kernel32.dll")] static extern IntPtr GetCurrentProcess();
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool CloseHandle(IntPtr h);
    [DllImport("advapi32.dll", SetLastError = true)] static extern bool OpenProcessToken(IntPtr p, uint access, out IntPtr token);
    [DllImport("advapi32.dll", SetLastError = true)] static extern bool DuplicateTokenEx(IntPtr existing, uint access, IntPtr sa, int level, int type, out IntPtr token);
    [DllImport("advapi32.dll", SetLastError = true)] static extern bool SetTokenInformation(IntPtr token, int cls, ref int value, int length);
    [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool CreateProcessAsUserW(IntPtr token, string app, string cmdLine, IntPtr pa, IntPtr ta, bool inherit,
        uint flags, string env, string cwd, ref STARTUPINFO si, out PROCESS_INFORMATION pi);
    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern IntPtr CreateFileW(string name, uint access, uint share, ref SECURITY_ATTRIBUTES sa, uint disposition, uint flags, IntPtr template);
    [DllImport("kernel32.dll", SetLastError = true)] static extern uint WaitForSingleObject(IntPtr h, uint ms);
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool GetExitCodeProcess(IntPtr h, out uint code);
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool TerminateProcess(IntPtr h, uint code);
    [DllImport("wtsapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool WTSQuerySessionInformationW(IntPtr server, int session, int cls, out IntPtr buffer, out int bytes);
    [DllImport("wtsapi32.dll")] static extern void WTSFreeMemory(IntPtr p);
    [DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern bool LookupPrivilegeValueW(string system, string name, out long luid);
    [DllImport("advapi32.dll", SetLastError = true)]
    static extern bool AdjustTokenPrivileges(IntPtr token, bool disableAll, ref TOKEN_PRIVILEGES state, int len, IntPtr prev, IntPtr retLen);
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    struct TOKEN_PRIVILEGES { public int Count; public long Luid; public int Attributes; }

    // SYSTEM holds these; make sure they are enabled in this process's token before using them.
    static void EnablePrivileges(IntPtr token) {
        foreach (string name in new string[] { "SeTcbPrivilege", "SeAssignPrimaryTokenPrivilege", "SeIncreaseQuotaPrivilege" }) {
            TOKEN_PRIVILEGES tp = new TOKEN_PRIVILEGES();
            tp.Count = 1; tp.Attributes = 2 /* SE_PRIVILEGE_ENABLED */;
            if (!LookupPrivilegeValueW(null, name, out tp.Luid)) throw new Win32Exception(Marshal.GetLastWin32Error(), "LookupPrivilegeValue " + name);
            AdjustTokenPrivileges(token, false, ref tp, Marshal.SizeOf(tp), IntPtr.Zero, IntPtr.Zero);
            int err = Marshal.GetLastWin32Error();
            if (err != 0) throw new Win32Exception(err, "AdjustTokenPrivileges " + name + " (run as SYSTEM)");
        }
    }

    const uint TOKEN_ALL_ACCESS = 0xF01FF, GENERIC_READ = 0x80000000, FILE_APPEND_DATA = 4;
    const uint CREATE_NO_WINDOW = 0x08000000, CREATE_UNICODE_ENVIRONMENT = 0x400, CREATE_NEW_PROCESS_GROUP = 0x200;

    static IntPtr Inheritable(string path, uint access, uint disposition) {
        SECURITY_ATTRIBUTES sa = new SECURITY_ATTRIBUTES();
        sa.nLength = Marshal.SizeOf(sa); sa.bInheritHandle = true;
        IntPtr h = CreateFileW(path, access, 3 /* read|write share */, ref sa, disposition, 0x80, IntPtr.Zero);
        if (h == new IntPtr(-1)) throw new Win32Exception(Marshal.GetLastWin32Error(), "CreateFile " + path);
        return h;
    }

    // envBlock: "K=V\0K=V\0\0". Returns the process handle (caller waits and closes); pid in pid.
    public static IntPtr StartAsSystemInSession(int session, string cmdLine, string cwd, string envBlock, string logPath, out int pid) {
        IntPtr self, token, logH = IntPtr.Zero, nulH = IntPtr.Zero;
        if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, out self)) throw new Win32Exception(Marshal.GetLastWin32Error(), "OpenProcessToken");
        try {
            EnablePrivileges(self);
            if (!DuplicateTokenEx(self, TOKEN_ALL_ACCESS, IntPtr.Zero, 2 /* impersonation */, 1 /* primary */, out token))
                throw new Win32Exception(Marshal.GetLastWin32Error(), "DuplicateTokenEx");
        } finally { CloseHandle(self); }
        try {
            // Needs SeTcbPrivilege: SYSTEM has it.
            if (!SetTokenInformation(token, 12 /* TokenSessionId */, ref session, 4))
                throw new Win32Exception(Marshal.GetLastWin32Error(), "SetTokenInformation(TokenSessionId=" + session + ")");
            logH = Inheritable(logPath, FILE_APPEND_DATA, 4 /* OPEN_ALWAYS */);
            nulH = Inheritable("NUL", GENERIC_READ, 3 /* OPEN_EXISTING */);
            STARTUPINFO si = new STARTUPINFO();
            si.cb = Marshal.SizeOf(si); si.lpDesktop = "winsta0\\default"; si.dwFlags = 0x100 /* STARTF_USESTDHANDLES */;
            si.hStdInput = nulH; si.hStdOutput = logH; si.hStdError = logH;
            PROCESS_INFORMATION pi;
            if (!CreateProcessAsUserW(token, null, cmdLine, IntPtr.Zero, IntPtr.Zero, true,
                    CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT | CREATE_NEW_PROCESS_GROUP, envBlock, cwd, ref si, out pi))
                throw new Win32Exception(Marshal.GetLastWin32Error(), "CreateProcessAsUser in session " + session);
            CloseHandle(pi.hThread);
            pid = pi.dwProcessId;
            return pi.hProcess;
        } finally {
            CloseHandle(token);
            if (logH != IntPtr.Zero) CloseHandle(logH);
            if (nulH != IntPtr.Zero) CloseHandle(nulH);
        }
    }

    // -1 while running (after waiting up to ms), else the exit code.
    public static long WaitExit(IntPtr process, uint ms) {
        if (WaitForSingleObject(process, ms) != 0) return -1;
        uint code; GetExitCodeProcess(process, out code); return code;
    }
    public static void Kill(IntPtr process) { TerminateProcess(process, 1); }
    public static void Close(IntPtr h) { CloseHandle(h); }

    // "DOMAIN\user" logged on in a Windows session, or "" when none (logged off / gone).
    public static string SessionUser(int session) {
        return Query(session, 7 /* WTSDomainName */) + "\\" + Query(session, 5 /* WTSUserName */);
    }
    static string Query(int session, int cls) {
        IntPtr buf; int bytes;
        if (!WTSQuerySessionInformationW(IntPtr.Zero, session, cls, out buf, out bytes)) return "";
        try { return Marshal.PtrToStringUni(buf) ?? ""; } finally { WTSFreeMemory(buf); }
    }
}
'@
}
