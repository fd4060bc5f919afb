/**
 * A segment FFmpeg has finished writing: its size is final and it will not change again.
 * Everything needed to name and upload it is derivable from the spool on disk alone
 * (the run directory name carries the run's start time), so a later recorder can recover it.
 */
export interface ClosedSegment {
  /** Absolute path of the local file in the spool. */
  readonly path: string;
  /** The capture run (one FFmpeg process) this segment belongs to: the run directory's name. */
  readonly runId: string;
  /** Position of the segment inside its run, from 0. */
  readonly index: number;
  /** Wall-clock start of the segment's first frame, epoch milliseconds. */
  readonly startMs: number;
  /** Wall-clock end of the segment's content, epoch milliseconds. */
  readonly endMs: number;
  readonly bytes: number;
  /** Captured size; 0 when unknown (a recovered partial segment). */
  readonly width: number;
  readonly height: number;
  /**
   * true when FFmpeg listed the segment as complete; false for the last segment of a run that
   * ended without finalising it (FFmpeg killed): still playable thanks to the fragmented container.
   */
  readonly complete: boolean;
  /** true when the file holds no decodable frame (only a header: the disk filled up). */
  readonly noFrames?: boolean;
  /**
   * true when the segment's first frame is not a keyframe: it decodes only after the segment before
   * it in its run (and so on back to one that starts with a keyframe). Absent: it decodes alone.
   */
  readonly continuesPrevious?: boolean;
}

/** A segment that the destination has confirmed, with the checksum it confirmed. */
export type DurableSegment = Omit<ClosedSegment, 'path' | 'complete'> & {
  readonly key: string;
  readonly sha256: string; // hex
};
