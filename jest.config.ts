import type { Config } from 'jest';

// CommonJS throughout: chokidar 4 ships CJS, and Jest 30 on Node 20 cannot require() ESM-only
// packages (see ../shared/facts.md).
//
// Two projects, run by `npm test` one after the other:
// - unit: pure logic and in-process work on temp files (the statechart with fake actors and a
//   simulated clock, parsers, argument builders, config, manifest, verify on a local store). No
//   child process, X server, FFmpeg, S3 server, browser or listening socket. Parallel; seconds.
//   `npm run test:unit` is the inner loop.
// - integration: everything else (real Xvfb/Xvnc, FFmpeg, s3rver on 127.0.0.1, Chromium, the
//   hooks). One file at a time (`--runInBand` in package.json) so no test competes with another
//   for the 2 cores; deadlines in these tests catch hangs, they never measure speed.
// A new test file is integration unless it is listed here.
const UNIT = [
  'machines/',
  'domain/',
  'config/',
  'verify/',
  'export/(exportPlan|progressLine)\\.test\\.ts$',
  'viewer/(timeline|activityLane|activityReader|liveness|sessionWatch)\\.test\\.ts$',
  'auditor/',
  'adapters/(checksums|destination|ffmpegArgs|ffmpegStderr|fileWatch|localStore|localStoreLinks|permissions|segmentList|spoolRun|storeFailure|startupBounds)\\.test\\.ts$',
  'adapters/display/(parse|x11Ping)',
  'adapters/activity/(x11Properties|windowsActivityLines)\\.test\\.ts$',
  'actors/activityCutter\\.test\\.ts$',
  'adapters/metadata/(appstreamSources|resolveMetadata|shellAssignments|userEnvironmentProvenance)\\.test\\.ts$',
  'recording/(spoolSpaceWatch|startSession)\\.test\\.ts$',
  'recovery/recoverSpool\\.test\\.ts$',
  'deploy/cloudformation\\.test\\.ts$',
  'inspector/(graphLayout|guardNames|inspectionStream|machineGraph)\\.test\\.ts$',
  '(readme|moduleFormat|statechartDoc|logFormat)\\.test\\.ts$',
].map((path) => `/test/${path}${path.endsWith('$') ? '' : '.*\\.test\\.ts$'}`);

const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
} satisfies Config;

const config: Config = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testRegex: UNIT },
    { ...common, displayName: 'integration', testMatch: ['**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...UNIT] },
  ],
};

export default config;
