/** The machine a run was measured on, and the code it measured. */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface MachineInfo {
  readonly cores: number;
  readonly cpuModel: string;
  readonly ramGiB: number;
  readonly kernel: string;
  readonly os: string;
  readonly node: string;
  readonly ffmpeg: string;
  /** 1-minute load average when the run started: other work on a shared machine shows here. */
  readonly loadAtStart: number;
  readonly gitCommit: string;
  readonly gitDirty: boolean;
  readonly distBuiltAt: string;
}

const sh = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
};

export function machineInfo(root: string): MachineInfo {
  let os = '?';
  try {
    os = /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '?';
  } catch {
    /* not Linux */
  }
  let distBuiltAt = 'missing';
  try {
    distBuiltAt = statSync(join(root, 'dist', 'cli.js')).mtime.toISOString();
  } catch {
    /* not built */
  }
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    os,
    node: process.version,
    ffmpeg: sh('ffmpeg', ['-version']).split('\n')[0]?.split(' ')[2] ?? '?',
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    gitCommit: sh('git', ['-C', root, 'rev-parse', '--short', 'HEAD']),
    gitDirty: sh('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no']) !== '',
    distBuiltAt,
  };
}
