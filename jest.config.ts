import type { Config } from 'jest';

// CommonJS throughout: chokidar 4 ships CJS, and Jest 30 on Node 20 cannot require() ESM-only
// packages (see ../shared/facts.md). Integration tests start real Xvfb, FFmpeg and S3 servers, so
// they get generous per-test timeouts and run at most two files at once on this 2-core machine.
const config: Config = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }] },
};

export default config;
