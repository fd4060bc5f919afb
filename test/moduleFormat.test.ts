// Settles the module format in the first commit: every runtime dependency must load under Jest.
import { createActor, setup } from 'xstate';
import chokidar from 'chokidar';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import treeKill from 'tree-kill';
import { Command } from 'commander';
import { z } from 'zod';
import pino from 'pino';

test('every runtime dependency loads under ts-jest (CommonJS)', () => {
  expect(typeof createActor).toBe('function');
  expect(typeof setup).toBe('function');
  expect(typeof chokidar.watch).toBe('function');
  expect(typeof S3Client).toBe('function');
  expect(typeof Upload).toBe('function');
  expect(typeof treeKill).toBe('function');
  expect(typeof Command).toBe('function');
  expect(z.number().parse(1)).toBe(1);
  expect(typeof pino).toBe('function');
});
