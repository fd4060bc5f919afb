/**
 * A graceful stop of FFmpeg as states, shared by `restarting` and `draining`:
 * "q" on stdin → (stopTimeout) SIGTERM → (killTimeout) SIGKILL of the tree → (killTimeout) give up
 * waiting. Whichever way FFmpeg exits, the segment watcher is asked to settle that run, and the
 * machine moves on to `next` (a sibling state name).
 */
export function stopCaptureStates<const TNext extends string>(next: TNext) {
  const onExit = {
    'ffmpeg.exited': { guard: 'isCurrentRun', target: next, actions: [{ type: 'reportRunEnded', params: { how: 'asked' } }, 'recordRunEnded', 'askWatcherToSettleRun'] },
  } as const;
  return {
    stopping: {
      description: 'Asked FFmpeg to quit ("q" on stdin) so it finalizes its last segment.',
      entry: { type: 'sendToFfmpeg', params: { command: 'ffmpeg.finish' } },
      on: onExit,
      after: { stopTimeout: 'terminating' },
    },
    terminating: {
      description: 'FFmpeg did not quit in time: SIGTERM (it still finalizes the segment).',
      entry: { type: 'sendToFfmpeg', params: { command: 'ffmpeg.terminate' } },
      on: onExit,
      after: { killTimeout: 'killing' },
    },
    killing: {
      description: 'FFmpeg ignored SIGTERM: SIGKILL of its whole process tree.',
      entry: { type: 'sendToFfmpeg', params: { command: 'ffmpeg.kill' } },
      on: onExit,
      after: { killTimeout: { target: next, actions: 'abandonRun' } },
    },
  } as const;
}
