/**
 * The uploader actor: metadata first, then closed segments in FIFO order, each hashed, put with
 * its checksums and, only once the store confirmed it, chained into the manifest (persisted in
 * the spool, then uploaded) and deleted locally. Retries forever with capped, jittered backoff;
 * `uploader.finalize` writes manifest.json and end.json within a bounded time and reports what
 * is left in the spool. The state of the work lives in UploadWorker (uploadWorker.ts).
 * Everything comes from `deps` (no input); `sendBack` carries upload.* events to the parent.
 */
import { fromCallback } from 'xstate';
import type { CallbackActorLogic } from 'xstate';
import type { UploaderCommand } from '../machines/recorderEvents';
import { UploadWorker, type UploaderDeps } from './uploadWorker';

export type { RetryPolicy } from './retryTiming';
export { DEFAULT_RETRY, backoffDelay } from './retryTiming';
export type { UploaderClock, UploaderDeps } from './uploadWorker';

export function createUploader(deps: UploaderDeps): CallbackActorLogic<UploaderCommand, undefined> {
  return fromCallback<UploaderCommand, undefined>(({ sendBack, receive }) => {
    const worker = new UploadWorker(deps, sendBack);
    receive((command) => {
      switch (command.type) {
        case 'uploader.enqueue':
          worker.enqueue(command.segment);
          break;
        case 'uploader.drain':
          worker.drain();
          break;
        case 'uploader.finalize':
          worker.finalize(command.reason);
          break;
        case 'uploader.stopRequested':
          worker.capture(() => worker.captureLog.stopRequested());
          break;
        case 'uploader.runEnded':
          worker.capture(() => worker.captureLog.runEnded(command.run));
          break;
        case 'uploader.stall':
          worker.capture(() => worker.captureLog.stall(command.stall));
          break;
        default:
          command satisfies never;
      }
    });
    worker.start();
    return () => worker.stop();
  });
}
