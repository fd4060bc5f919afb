/**
 * The manifest's coverage records (session start, stop request, capture runs, stalls): adding
 * them, and reading them back as the input of computeCoverage. Pure.
 */
import type { CaptureRunRecord, StallRecord } from './captureRuns';
import { computeCoverage, type Coverage, type CoverageBounds, type CoverageInput } from './coverage';
import type { Manifest, ManifestRun, ManifestStall } from './manifest';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The session's start, set once (a successor recorder keeps its predecessor's). */
export function withSessionStart(manifest: Manifest, startedAt: string): Manifest {
  return manifest.startedAt !== undefined ? manifest : { ...manifest, startedAt, runs: manifest.runs ?? [], stalls: manifest.stalls ?? [] };
}

/** The first stop request wins: the session ended then, whatever followed. */
export function withStopRequest(manifest: Manifest, atMs: number): Manifest {
  return manifest.stopRequestedAt !== undefined ? manifest : { ...manifest, stopRequestedAt: iso(atMs) };
}

export function runToJson(run: CaptureRunRecord): ManifestRun {
  return {
    runId: run.runId,
    startedAt: iso(run.startedAtMs),
    firstFrameAt: run.firstFrameAtMs === null ? null : iso(run.firstFrameAtMs),
    endedAt: iso(run.endedAtMs),
    end: run.end,
  };
}

/** Adds a run's record; a run recorded already (same runId) is replaced by the newer record. */
export function withRun(manifest: Manifest, run: CaptureRunRecord): Manifest {
  const runs = (manifest.runs ?? []).filter((r) => r.runId !== run.runId);
  return { ...manifest, runs: [...runs, runToJson(run)] };
}

/** Adds a stall, or closes the open one that started at the same instant. */
export function withStall(manifest: Manifest, stall: StallRecord): Manifest {
  const start = iso(stall.startMs);
  const stalls = (manifest.stalls ?? []).filter((s) => s.start !== start);
  const record: ManifestStall = { start, end: stall.endMs === null ? null : iso(stall.endMs) };
  return { ...manifest, stalls: [...stalls, record].sort((a, b) => a.start.localeCompare(b.start)) };
}

/** The manifest's records as coverage input; null when it has none (a recorder before coverage). */
export function coverageInputOf(manifest: Manifest): CoverageInput | null {
  if (manifest.startedAt === undefined || manifest.runs === undefined) return null;
  return {
    startedAtMs: Date.parse(manifest.startedAt),
    stopRequestedAtMs: manifest.stopRequestedAt === undefined ? null : Date.parse(manifest.stopRequestedAt),
    runs: manifest.runs.map((r) => ({
      runId: r.runId,
      startedAtMs: Date.parse(r.startedAt),
      firstFrameAtMs: r.firstFrameAt === null ? null : Date.parse(r.firstFrameAt),
      endedAtMs: Date.parse(r.endedAt),
      end: r.end,
    })),
    stalls: (manifest.stalls ?? []).map((s) => ({ startMs: Date.parse(s.start), endMs: s.end === null ? null : Date.parse(s.end) })),
    segments: manifest.entries.map((e) => ({ runId: e.runId, startMs: Date.parse(e.start), endMs: Date.parse(e.end), ...(e.noFrames ? { noFrames: true } : {}) })),
  };
}

/** Coverage of the session the manifest describes, or null when it is unknown. */
export function manifestCoverage(manifest: Manifest, bounds?: CoverageBounds): Coverage | null {
  const input = coverageInputOf(manifest);
  return input === null ? null : computeCoverage(input, bounds);
}

/** end.json's `coverage` field: present when the manifest has coverage records. */
export function coverageField(manifest: Manifest): { coverage?: Coverage } {
  const coverage = manifestCoverage(manifest);
  return coverage === null ? {} : { coverage };
}
