import type { Config } from 'jest';

// CommonJS throughout: chokidar 4 ships CJS, and Jest 30 on Node 20 cannot require() ESM-only
// packages (see ../shared/facts.md).
//
// Three projects; `npm test` runs them one after the other (unit, integration, serial):
// - unit: pure logic and in-process work on temp files (the statechart with fake actors and a
//   simulated clock, parsers, argument builders, config, manifest, verify on a local store). No
//   child process, X server, FFmpeg, S3 server, browser or listening socket. Parallel; seconds.
//   `npm run test:unit` is the inner loop.
// - integration: everything else (real Xvfb/Xvnc, FFmpeg, s3rver on 127.0.0.1, Chromium, the
//   hooks), several files at once (`--maxWorkers` in package.json). Most of these wait on the
//   wall clock (a 20 s recording takes 20 s), not on the CPU: one such file uses a few tenths of a
//   core. Each file owns what it starts: X servers pick a free display (-displayfd), servers
//   listen on port 0, work dirs are mkdtemp'd, the hook tests' users have their own uids.
// - serial: the integration files whose OUTCOME depends on CPU being there when it is needed
//   (SERIAL below: coverage thresholds across restarts, display-change restarts and flapping,
//   segment cut times, notification grouping). One file at a time (`--runInBand`), after the
//   others, so no test file competes with them.
// Deadlines in the integration tests catch hangs; they never measure speed.
// A new test file is integration unless it is listed in UNIT or SERIAL.
const UNIT = [
  'machines/',
  'domain/',
  'config/',
  'verify/',
  'export/(exportPlan|progressLine)\\.test\\.ts$',
  'viewer/(timeline|activityLane|activityReader|liveness|sessionWatch|fmp4Join|segmentChain|chainMedia)\\.test\\.ts$',
  'search/searchPure\\.test\\.ts$',
  'bench/',
  'search/changedBands\\.test\\.ts$',
  'auditor/',
  'adapters/(checksums|damageGrabArgs|destination|ffmpegAllocator|ffmpegArgs|ffmpegStderr|fileWatch|localStore|localStoreLinks|permissions|segmentList|spoolRun|stillMarks|storeFailure|startupBounds)\\.test\\.ts$',
  'adapters/display/(parse|x11Ping|randrMonitors)',
  'adapters/activity/(x11Properties|windowsActivityLines)\\.test\\.ts$',
  'actors/activityCutter\\.test\\.ts$',
  'adapters/metadata/(appstreamSources|resolveMetadata|shellAssignments|userEnvironmentProvenance)\\.test\\.ts$',
  'recording/(spoolSpaceWatch|startSession)\\.test\\.ts$',
  'recovery/recoverSpool\\.test\\.ts$',
  'deploy/cloudformation\\.test\\.ts$',
  'inspector/(graphLayout|guardNames|inspectionStream|machineGraph)\\.test\\.ts$',
  '(readme|moduleFormat|statechartDoc|logFormat)\\.test\\.ts$',
].map(testPath);

/**
 * Integration files whose outcome depends on CPU being available at the moment it is needed: each
 * runs alone. Why each is here:
 * - e2e/coverageAttacks: coverage ≥ 85 % across 5 forced restarts; exactly one stall counted. (Its
 *   own four scenarios run side by side, each on its own Xvfb: together about a quarter of a core.)
 * - e2e/coverageClean: coverage ≥ 99 % with a layout-change restart (bounded at 5 s). (Its two
 *   sessions record side by side, each on its own X server.)
 * - e2e/displayChanges: restarts per layout, at most 5 runs out of 10 flapping resizes.
 * - actors/captureRun: segment cut times and file durations against the wall clock (±200 ms). (Its
 *   three tests run side by side, each with its own spool: together about a quarter of a core.)
 * - actors/displayPoller, e2e/displayDetection: a burst of notifications (one write, one xrandr
 *   call) grouped by a 200 ms debounce into exactly one probe and one event (a starved xrandr
 *   splits its burst: seen with 3 files at once at load 20, one resize reported twice).
 * - e2e/stillScreen: coverage ≥ 99 % with unchanged frames dropped.
 * - actors/displayWatchdog: exactly one stall for one grab (a round trip starved past the 2 s
 *   stall threshold would be a second one).
 * - e2e/activityTrack: window events within ±1 s of when the test mapped, focused or retitled a
 *   window (the event's time is when the recorder read it: a starved recorder reads it late).
 * - native/damageGrab: the grabber's frame times against the wall clock (a change within a tick
 *   + 1 s, the heartbeat's median gap 400 ± 50 ms): a starved grabber ticks late.
 * - e2e/damageChange: the recorded video's first changed frame within a tick + 1 s of the change,
 *   heartbeat gaps under 0.7 s, coverage ≥ 99 %.
 */
const SERIAL = [
  'e2e/coverageAttacks\\.test\\.ts$',
  'e2e/coverageClean\\.test\\.ts$',
  'e2e/displayChanges\\.test\\.ts$',
  'actors/captureRun\\.test\\.ts$',
  'actors/displayPoller\\.test\\.ts$',
  'e2e/displayDetection\\.test\\.ts$',
  'e2e/stillScreen\\.test\\.ts$',
  'e2e/activityTrack\\.test\\.ts$',
  'actors/displayWatchdog\\.test\\.ts$',
  'native/damageGrab\\.test\\.ts$',
  'e2e/damageChange\\.test\\.ts$',
].map(testPath);

function testPath(path: string): string {
  return `/test/${path}${path.endsWith('$') ? '' : '.*\\.test\\.ts$'}`;
}

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // tsconfig.jest.json: isolatedModules, so ts-jest compiles each file alone instead of type-checking
  // the same sources again in every worker; `npm test` type-checks everything once (pretest).
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: { warnOnly: false } }] },
} satisfies Config;

const config: Config = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testRegex: UNIT },
    { ...common, displayName: 'integration', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...UNIT, ...SERIAL] },
    { ...common, displayName: 'serial', testRegex: SERIAL },
  ],
};

export default config;
