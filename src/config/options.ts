import { defaultKeyframeSeconds } from '../adapters/ffmpegArgs';
import type { Destination } from '../adapters/destination';
import {
  DEFAULT_INSPECT_PORT,
  defaultCaptureSource,
  defaultOcrCacheDir,
  defaultDisplay,
  defaultRunDir,
  defaultSpoolDir,
  sentinelPathFor,
  type CaptureSource,
  type Env,
} from './defaults';
import { boolean, decimal, destination, endpointUrl, integer, localPath, oneOf, port, text, type ParseContext, type ValueSchema } from './valueTypes';

export type CommandName = 'record' | 'end' | 'recover' | 'verify' | 'list' | 'export' | 'view' | 'search';
export type { ChecksumMode } from '../domain/objectStore';
import type { ChecksumMode } from '../domain/objectStore';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type { CaptureSource, Destination };

/** Every option's value once validated. Durations are in seconds, as given. */
export interface RecorderOptions {
  readonly configFile: string | undefined;
  readonly destination: Destination;
  readonly endpoint: string | undefined;
  readonly region: string | undefined;
  readonly checksumMode: ChecksumMode;
  readonly sse: 'AES256' | 'aws:kms' | undefined;
  readonly kmsKeyId: string | undefined;
  readonly objectLockMode: 'GOVERNANCE' | 'COMPLIANCE' | undefined;
  readonly objectLockDays: number | undefined;
  readonly spoolDir: string;
  readonly runDir: string;
  readonly sessionId: string | undefined;
  readonly stack: string | undefined;
  readonly fleet: string | undefined;
  readonly user: string | undefined;
  readonly userSid: string | undefined;
  readonly sentinel: string | undefined;
  readonly display: string;
  readonly captureSource: CaptureSource;
  readonly segmentSeconds: number;
  readonly keyframeSeconds: number;
  readonly frameRate: number;
  readonly drainTimeout: number;
  readonly stopTimeout: number;
  readonly killTimeout: number;
  readonly endTimeout: number;
  readonly ffmpegPath: string;
  readonly screenGrabber: 'damage' | 'x11grab';
  readonly damageGrabberPath: string | undefined;
  readonly tesseractPath: string;
  readonly cacheDir: string;
  readonly minFreeSpaceMb: number;
  readonly logLevel: LogLevel;
  /** undefined: pretty when stderr is a terminal, JSON lines otherwise (see src/logFormat.ts). */
  readonly logFormat: LogFormat | undefined;
  readonly insecure: boolean;
  readonly inspectPort: number | undefined;
  readonly inspectJson: string | undefined;
  readonly maxDuration: number | undefined;
  readonly activity: boolean;
  readonly idleThreshold: number;
  readonly waitForDisplay: number;
  readonly json: boolean;
  readonly gapTolerance: number;
  readonly maxRestartGap: number;
  readonly minCoverage: number;
  readonly maxGap: number;
}

export type OptionName = keyof RecorderOptions;

export interface DefaultContext extends ParseContext {
  readonly env: Env;
  /** Options earlier in the table, already resolved (defaults may depend on them). */
  readonly chosen: Partial<RecorderOptions>;
}

export interface OptionSpec<K extends OptionName = OptionName> {
  readonly name: K;
  /** Commander flag syntax: `--segment-seconds <seconds>`, `--insecure`, `--inspect [port]`. */
  readonly flag: string;
  /** `SESSION_RECORDER_` + the name in UPPER_SNAKE case. */
  readonly env: string;
  /** Key in the JSON config file (the name); absent for `configFile` itself. */
  readonly fileKey?: K;
  readonly commands: readonly CommandName[];
  /** What a valid value looks like, completing "expected ...". */
  readonly expected: string;
  readonly schema: (ctx: ParseContext) => ValueSchema<Exclude<RecorderOptions[K], undefined>>;
  readonly default: (ctx: DefaultContext) => RecorderOptions[K];
  /** The default as the README and --help show it. */
  readonly defaultText: string;
  readonly description: string;
}

const ALL: readonly CommandName[] = ['record', 'end', 'recover', 'verify'];
const RECORD: readonly CommandName[] = ['record'];
const STORE: readonly CommandName[] = ['record', 'recover'];
/** Commands that talk to a store: writing (record, recover) or reading (the auditor's verify, list, export, view). */
const S3_ACCESS: readonly CommandName[] = ['record', 'recover', 'verify', 'list', 'export', 'view', 'search'];
/** Commands that read screen text (OCR): `search` and the viewer's search box. */
const OCR: readonly CommandName[] = ['search', 'view'];
const VERIFY: readonly CommandName[] = ['verify'];
const SESSION: readonly CommandName[] = ['record', 'end'];
const none = (): undefined => undefined;
const seconds = (max: number) => () => decimal(0, max);
const optionalText = () => text();

/**
 * THE table of options. Order matters: a default may depend only on options above it.
 * Flags win over environment variables, which win over the config file, which wins over defaults.
 */
export const optionTable: { readonly [K in OptionName]: OptionSpec<K> } = {
  configFile: {
    name: 'configFile', flag: '--config <file>', env: 'SESSION_RECORDER_CONFIG_FILE', commands: ALL,
    expected: 'a path to a JSON file', schema: localPath, default: none, defaultText: '(none)',
    description: 'JSON file with any of the keys in this table; flags and environment variables override it.',
  },
  destination: {
    name: 'destination', flag: '--destination <url>', env: 'SESSION_RECORDER_DESTINATION', fileKey: 'destination', commands: STORE,
    expected: 's3://bucket/prefix/ or file:///dir', schema: destination,
    default: (ctx) => destination(ctx).parse('file://./recordings'), defaultText: '`file://./recordings`',
    description: 'Where recordings go: an S3 bucket and prefix, or a local directory laid out like the bucket.',
  },
  endpoint: {
    name: 'endpoint', flag: '--endpoint <url>', env: 'SESSION_RECORDER_ENDPOINT', fileKey: 'endpoint', commands: S3_ACCESS,
    expected: 'an http:// or https:// URL without credentials', schema: endpointUrl, default: none, defaultText: 'AWS S3',
    description: 'S3-compatible endpoint (MinIO, Ceph, s3rver...). Credentials come only from the AWS SDK default chain.',
  },
  region: {
    name: 'region', flag: '--region <region>', env: 'SESSION_RECORDER_REGION', fileKey: 'region', commands: S3_ACCESS,
    expected: 'a region name such as us-east-1', schema: () => text(64), default: none, defaultText: 'AWS SDK default chain',
    description: 'S3 region; unset, the AWS SDK resolves it (AWS_REGION, profile).',
  },
  checksumMode: {
    name: 'checksumMode', flag: '--checksum-mode <mode>', env: 'SESSION_RECORDER_CHECKSUM_MODE', fileKey: 'checksumMode', commands: S3_ACCESS,
    expected: 'WHEN_SUPPORTED or WHEN_REQUIRED', schema: () => oneOf(['WHEN_SUPPORTED', 'WHEN_REQUIRED'] as const),
    default: (ctx) => (ctx.chosen.endpoint === undefined ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED'),
    defaultText: '`WHEN_SUPPORTED`; `WHEN_REQUIRED` with `--endpoint`',
    description:
      "The SDK's request/response checksum calculation. Many S3-compatible stores corrupt or refuse streamed bodies with the SDK's default trailing checksums; WHEN_REQUIRED avoids that (uploads still carry their own SHA-256 and Content-MD5).",
  },
  sse: {
    name: 'sse', flag: '--sse <type>', env: 'SESSION_RECORDER_SSE', fileKey: 'sse', commands: STORE,
    expected: 'AES256 or aws:kms', schema: () => oneOf(['AES256', 'aws:kms'] as const), default: none, defaultText: "the bucket's default encryption",
    description: 'Server-side encryption of every uploaded object: AES256 (SSE-S3) or aws:kms (SSE-KMS; see --kms-key-id). See docs/evidence.md.',
  },
  kmsKeyId: {
    name: 'kmsKeyId', flag: '--kms-key-id <id>', env: 'SESSION_RECORDER_KMS_KEY_ID', fileKey: 'kmsKeyId', commands: STORE,
    expected: 'a KMS key id, ARN or alias/name', schema: () => text(2048), default: none, defaultText: "the bucket's or the account's default key",
    description: 'KMS key for --sse aws:kms (only with it); the role then needs kms:GenerateDataKey and kms:Decrypt on it.',
  },
  objectLockMode: {
    name: 'objectLockMode', flag: '--object-lock-mode <mode>', env: 'SESSION_RECORDER_OBJECT_LOCK_MODE', fileKey: 'objectLockMode', commands: STORE,
    expected: 'GOVERNANCE or COMPLIANCE', schema: () => oneOf(['GOVERNANCE', 'COMPLIANCE'] as const), default: none, defaultText: "the bucket's default retention",
    description: 'Object Lock retention mode set on every uploaded object (with --object-lock-days; the bucket needs Object Lock, the role s3:PutObjectRetention).',
  },
  objectLockDays: {
    name: 'objectLockDays', flag: '--object-lock-days <days>', env: 'SESSION_RECORDER_OBJECT_LOCK_DAYS', fileKey: 'objectLockDays', commands: STORE,
    expected: 'a whole number of days from 1 to 36500', schema: () => integer(1, 36_500), default: none, defaultText: "the bucket's default retention",
    description: 'Each object is locked until its upload time plus this many days (with --object-lock-mode).',
  },
  spoolDir: {
    name: 'spoolDir', flag: '--spool-dir <dir>', env: 'SESSION_RECORDER_SPOOL_DIR', fileKey: 'spoolDir', commands: STORE,
    expected: 'a directory path', schema: localPath, default: (ctx) => defaultSpoolDir(ctx.env, ctx.platform),
    defaultText: '`/var/spool/session-recorder`; Windows `%ProgramData%\\session-recorder\\spool`',
    description: 'Local segments wait here until the destination confirms them; root-only (see --insecure).',
  },
  runDir: {
    name: 'runDir', flag: '--run-dir <dir>', env: 'SESSION_RECORDER_RUN_DIR', fileKey: 'runDir', commands: SESSION,
    expected: 'a directory path', schema: localPath, default: (ctx) => defaultRunDir(ctx.env, ctx.platform),
    defaultText: '`/run/session-recorder`; Windows `%ProgramData%\\session-recorder\\run`',
    description: 'Root-only directory holding one subdirectory per session for its sentinel.',
  },
  sessionId: {
    name: 'sessionId', flag: '--session-id <id>', env: 'SESSION_RECORDER_SESSION_ID', fileKey: 'sessionId', commands: SESSION,
    expected: 'non-empty text', schema: optionalText, default: none, defaultText: 'AppStream_Session_ID',
    description: 'Session id; overrides the AppStream metadata.',
  },
  stack: {
    name: 'stack', flag: '--stack <name>', env: 'SESSION_RECORDER_STACK', fileKey: 'stack', commands: RECORD,
    expected: 'non-empty text', schema: optionalText, default: none, defaultText: 'AppStream_Stack_Name',
    description: 'Stack name; overrides the AppStream metadata.',
  },
  fleet: {
    name: 'fleet', flag: '--fleet <name>', env: 'SESSION_RECORDER_FLEET', fileKey: 'fleet', commands: RECORD,
    expected: 'non-empty text', schema: optionalText, default: none, defaultText: 'AppStream_Resource_Name',
    description: 'Fleet name; overrides the AppStream metadata.',
  },
  user: {
    name: 'user', flag: '--user <name>', env: 'SESSION_RECORDER_USER', fileKey: 'user', commands: RECORD,
    expected: 'non-empty text', schema: optionalText, default: none, defaultText: 'AppStream_UserName',
    description: 'User name; overrides the AppStream metadata.',
  },
  userSid: {
    name: 'userSid', flag: '--user-sid <sid>', env: 'SESSION_RECORDER_USER_SID', fileKey: 'userSid', commands: RECORD,
    expected: 'a user SID like S-1-5-21-<domain>-<rid>', schema: () => text(200).refine((s) => /^S-1-5-21(-\d+){1,14}$/.test(s)), default: none,
    defaultText: 'the only user hive holding AppStream variables',
    description: "Windows: the streaming user's SID. Session id, user and stack are read from HKU\\<SID>\\Environment and labelled as the user's environment in the metadata (the Windows hook passes it).",
  },
  sentinel: {
    name: 'sentinel', flag: '--sentinel <file>', env: 'SESSION_RECORDER_SENTINEL', fileKey: 'sentinel', commands: SESSION,
    expected: 'a file path', schema: localPath,
    default: (ctx) => (ctx.chosen.sessionId === undefined || ctx.chosen.runDir === undefined ? undefined : sentinelPathFor(ctx.chosen.runDir, ctx.chosen.sessionId, ctx.platform)),
    defaultText: '`<run-dir>/<session>/end`',
    description: 'File whose appearance ends the recording; the recorder deletes it once drained.',
  },
  display: {
    name: 'display', flag: '--display <display>', env: 'SESSION_RECORDER_DISPLAY', fileKey: 'display', commands: RECORD,
    expected: 'an X display such as :0 (Windows: desktop)', schema: () => text(256), default: (ctx) => defaultDisplay(ctx.env, ctx.platform),
    defaultText: '`$DISPLAY`, else `:0`; Windows `desktop`',
    description: 'What to capture (x11grab display, gdigrab `desktop`, avfoundation device).',
  },
  captureSource: {
    name: 'captureSource', flag: '--capture-source <source>', env: 'SESSION_RECORDER_CAPTURE_SOURCE', fileKey: 'captureSource', commands: RECORD,
    expected: 'x11grab, gdigrab, avfoundation or lavfi', schema: () => oneOf(['x11grab', 'gdigrab', 'avfoundation', 'lavfi'] as const),
    default: (ctx) => defaultCaptureSource(ctx.platform), defaultText: 'x11grab; Windows gdigrab; macOS avfoundation',
    description: 'FFmpeg input device; lavfi records a generated test pattern (demos, tests).',
  },
  segmentSeconds: {
    name: 'segmentSeconds', flag: '--segment-seconds <seconds>', env: 'SESSION_RECORDER_SEGMENT_SECONDS', fileKey: 'segmentSeconds', commands: RECORD,
    expected: 'a whole number of seconds from 1 to 3600', schema: () => integer(1, 3600), default: () => 60, defaultText: '60',
    description: 'Length of each video segment (each is uploaded as soon as it closes).',
  },
  keyframeSeconds: {
    name: 'keyframeSeconds', flag: '--keyframe-seconds <seconds>', env: 'SESSION_RECORDER_KEYFRAME_SECONDS', fileKey: 'keyframeSeconds', commands: RECORD,
    expected: 'a whole number of seconds from 0 to 86400', schema: () => integer(0, 86_400), default: () => defaultKeyframeSeconds, defaultText: String(defaultKeyframeSeconds),
    description: 'Damage grabber only: on a still screen, the longest consecutive segments share one keyframe (a 1080p keyframe is ~130 KB); '
      + 'a busy segment always starts with its own. At most --segment-seconds (0 too): every segment starts with a keyframe and decodes alone.',
  },
  frameRate: {
    name: 'frameRate', flag: '--frame-rate <fps>', env: 'SESSION_RECORDER_FRAME_RATE', fileKey: 'frameRate', commands: RECORD,
    expected: 'frames per second, more than 0 and at most 60', schema: () => decimal(0, 60), default: () => 5, defaultText: '5',
    description: 'Captured frames per second.',
  },
  drainTimeout: {
    name: 'drainTimeout', flag: '--drain-timeout <seconds>', env: 'SESSION_RECORDER_DRAIN_TIMEOUT', fileKey: 'drainTimeout', commands: STORE,
    expected: 'seconds, more than 0', schema: seconds(86_400), default: () => 50, defaultText: '50',
    description: 'Budget to stop FFmpeg and upload what is left once the session ends; the rest stays in the spool (exit 3).',
  },
  stopTimeout: {
    name: 'stopTimeout', flag: '--stop-timeout <seconds>', env: 'SESSION_RECORDER_STOP_TIMEOUT', fileKey: 'stopTimeout', commands: RECORD,
    expected: 'seconds, more than 0', schema: seconds(600), default: () => 5, defaultText: '5',
    description: 'Wait after asking FFmpeg to quit ("q") before sending SIGTERM.',
  },
  killTimeout: {
    name: 'killTimeout', flag: '--kill-timeout <seconds>', env: 'SESSION_RECORDER_KILL_TIMEOUT', fileKey: 'killTimeout', commands: RECORD,
    expected: 'seconds, more than 0', schema: seconds(600), default: () => 3, defaultText: '3',
    description: "Wait after SIGTERM before killing FFmpeg's process tree.",
  },
  endTimeout: {
    name: 'endTimeout', flag: '--timeout <seconds>', env: 'SESSION_RECORDER_END_TIMEOUT', fileKey: 'endTimeout', commands: ['end'],
    expected: 'seconds, more than 0', schema: seconds(86_400), default: () => 55, defaultText: '55',
    description: '`end`: how long to wait for the recorder to drain and delete the sentinel (exit 4 when it does not).',
  },
  ffmpegPath: {
    name: 'ffmpegPath', flag: '--ffmpeg-path <path>', env: 'SESSION_RECORDER_FFMPEG_PATH', fileKey: 'ffmpegPath', commands: [...RECORD, ...OCR],
    expected: 'a command name or path', schema: () => text(4096), default: () => 'ffmpeg', defaultText: '`ffmpeg` (from PATH)',
    description: 'FFmpeg executable.',
  },
  screenGrabber: {
    name: 'screenGrabber', flag: '--screen-grabber <grabber>', env: 'SESSION_RECORDER_SCREEN_GRABBER', fileKey: 'screenGrabber', commands: RECORD,
    expected: 'damage or x11grab', schema: () => oneOf(['damage', 'x11grab'] as const), default: () => 'damage', defaultText: 'damage',
    description: "X11 capture: `damage` reads only what changed on the screen (DAMAGE + a rolling safety scan; built by `npm run build`) and sends FFmpeg only changed frames; `x11grab` is FFmpeg's own grab of every frame. Without a working damage grabber the recorder uses x11grab and logs why once.",
  },
  damageGrabberPath: {
    name: 'damageGrabberPath', flag: '--damage-grabber-path <file>', env: 'SESSION_RECORDER_DAMAGE_GRABBER_PATH', fileKey: 'damageGrabberPath', commands: RECORD,
    expected: 'a file path', schema: localPath, default: none, defaultText: '`dist/native/damage-grab`',
    description: 'The damage grabber executable.',
  },
  tesseractPath: {
    name: 'tesseractPath', flag: '--tesseract-path <path>', env: 'SESSION_RECORDER_TESSERACT_PATH', fileKey: 'tesseractPath', commands: OCR,
    expected: 'a command name or path', schema: () => text(4096), default: () => 'tesseract', defaultText: '`tesseract` (from PATH)',
    description: 'Tesseract executable for reading screen text (Debian: tesseract-ocr and tesseract-ocr-eng); needed only for segments not in the OCR cache.',
  },
  cacheDir: {
    name: 'cacheDir', flag: '--cache-dir <dir>', env: 'SESSION_RECORDER_CACHE_DIR', fileKey: 'cacheDir', commands: OCR,
    expected: 'a directory path', schema: localPath, default: (ctx) => defaultOcrCacheDir(ctx.env, ctx.platform),
    defaultText: '`$XDG_CACHE_HOME/session-recorder/ocr`, else `~/.cache/session-recorder/ocr`; Windows `%LOCALAPPDATA%\\session-recorder\\ocr`',
    description: "OCR cache: each segment's screen text, keyed by the segment's SHA-256, so a segment is read once. Holds screen text: keep it private.",
  },
  minFreeSpaceMb: {
    name: 'minFreeSpaceMb', flag: '--min-free-space-mb <mb>', env: 'SESSION_RECORDER_MIN_FREE_SPACE_MB', fileKey: 'minFreeSpaceMb', commands: RECORD,
    expected: 'a whole number of megabytes (0 or more)', schema: () => integer(0), default: () => 500, defaultText: '500',
    description: 'Free-space floor of the spool file system; below it the recorder warns loudly and never deletes unuploaded segments.',
  },
  logLevel: {
    name: 'logLevel', flag: '--log-level <level>', env: 'SESSION_RECORDER_LOG_LEVEL', fileKey: 'logLevel', commands: ALL,
    expected: 'fatal, error, warn, info, debug, trace or silent',
    schema: () => oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const), default: () => 'info', defaultText: 'info',
    description: 'Log level (log lines go to stderr); debug shows the full FFmpeg command.',
  },
  logFormat: {
    name: 'logFormat', flag: '--log-format <format>', env: 'SESSION_RECORDER_LOG_FORMAT', fileKey: 'logFormat', commands: ALL,
    expected: 'json or pretty',
    schema: () => oneOf(['json', 'pretty'] as const), default: none, defaultText: 'pretty on a terminal, json otherwise',
    description: 'How log lines look on stderr: json (one JSON object a line, for a log shipper) or pretty (one short line a record, for a person).',
  },
  insecure: {
    name: 'insecure', flag: '--insecure', env: 'SESSION_RECORDER_INSECURE', fileKey: 'insecure', commands: STORE,
    expected: 'true or false', schema: boolean, default: () => false, defaultText: 'false',
    description: 'Skip the check that the spool and sentinel directories are owned by this user and not writable by others.',
  },
  inspectPort: {
    name: 'inspectPort', flag: '--inspect [port]', env: 'SESSION_RECORDER_INSPECT_PORT', fileKey: 'inspectPort', commands: RECORD,
    expected: `a TCP port from 0 to 65535 (bare --inspect: ${DEFAULT_INSPECT_PORT})`, schema: () => port(DEFAULT_INSPECT_PORT), default: none,
    defaultText: 'off',
    description: 'Serve the live statechart page on 127.0.0.1:PORT (development aid).',
  },
  inspectJson: {
    name: 'inspectJson', flag: '--inspect-json <file>', env: 'SESSION_RECORDER_INSPECT_JSON', fileKey: 'inspectJson', commands: RECORD,
    expected: 'a file path, or - for standard output', schema: () => text(4096), default: none, defaultText: 'off',
    description: 'Write every statechart transition as a JSON line to this file (- for stdout), and an offline page that replays it beside it (FILE.html).',
  },
  maxDuration: {
    name: 'maxDuration', flag: '--max-duration <seconds>', env: 'SESSION_RECORDER_MAX_DURATION', fileKey: 'maxDuration', commands: RECORD,
    expected: 'seconds, more than 0', schema: seconds(7 * 86_400), default: none, defaultText: 'none (the demo: 20)',
    description: 'Stop and drain by itself after this long, as if the sentinel had appeared (demos, tests, a hard cap).',
  },
  activity: {
    name: 'activity', flag: '--no-activity', env: 'SESSION_RECORDER_ACTIVITY', fileKey: 'activity', commands: RECORD,
    expected: 'true or false', schema: boolean, default: () => true, defaultText: 'on (x11grab and gdigrab captures)',
    description: 'Turn off the activity track (window titles, applications and pids, idle stretches, recorded beside each segment). Window titles can be sensitive: see "The activity track". The variable or config key set to false does the same.',
  },
  idleThreshold: {
    name: 'idleThreshold', flag: '--idle-threshold <seconds>', env: 'SESSION_RECORDER_IDLE_THRESHOLD', fileKey: 'idleThreshold', commands: RECORD,
    expected: 'seconds, more than 0', schema: seconds(86_400), default: () => 60, defaultText: '60',
    description: 'Activity track: no keyboard or pointer input for this long is an idle stretch.',
  },
  waitForDisplay: {
    name: 'waitForDisplay', flag: '--wait-for-display <seconds>', env: 'SESSION_RECORDER_WAIT_FOR_DISPLAY', fileKey: 'waitForDisplay', commands: RECORD,
    expected: 'seconds, more than 0', schema: seconds(86_400), default: () => 120, defaultText: '120',
    description: "How long to wait for the user's display to answer before giving up with exit 2.",
  },
  json: {
    name: 'json', flag: '--json', env: 'SESSION_RECORDER_JSON', fileKey: 'json', commands: VERIFY,
    expected: 'true or false', schema: boolean, default: () => false, defaultText: 'false',
    description: '`verify`: print the report as one JSON object on stdout (for scripts) instead of text.',
  },
  gapTolerance: {
    name: 'gapTolerance', flag: '--gap-tolerance <seconds>', env: 'SESSION_RECORDER_GAP_TOLERANCE', fileKey: 'gapTolerance', commands: VERIFY,
    expected: 'seconds, more than 0', schema: seconds(3600), default: () => 1, defaultText: '1',
    description: '`verify`: inside one FFmpeg run, a jump between consecutive segments larger than this is a hole (a problem).',
  },
  maxRestartGap: {
    name: 'maxRestartGap', flag: '--max-restart-gap <seconds>', env: 'SESSION_RECORDER_MAX_RESTART_GAP', fileKey: 'maxRestartGap', commands: VERIFY,
    expected: 'seconds, more than 0', schema: seconds(86_400), default: () => 10, defaultText: '10',
    description: '`verify`: a gap at an FFmpeg restart or resolution change is listed; longer than this it is a hole (a problem). Sessions with coverage records are judged by --min-coverage and --max-gap instead.',
  },
  minCoverage: {
    name: 'minCoverage', flag: '--min-coverage <percent>', env: 'SESSION_RECORDER_MIN_COVERAGE', fileKey: 'minCoverage', commands: VERIFY,
    expected: 'a percentage, more than 0, at most 100', schema: () => decimal(0, 100), default: () => 99, defaultText: '99',
    description: '`verify`: seconds of video ÷ (session wall time − explained gaps) below this fails the session (exit 7). See docs/evidence.md.',
  },
  maxGap: {
    name: 'maxGap', flag: '--max-gap <seconds>', env: 'SESSION_RECORDER_MAX_GAP', fileKey: 'maxGap', commands: VERIFY,
    expected: 'seconds, more than 0', schema: seconds(86_400), default: () => 2, defaultText: '2',
    description: '`verify`: an unexplained gap in the video (a lost capture, a display stall, a missing segment) longer than this fails the session (exit 7).',
  },
};

export const options: readonly OptionSpec[] = Object.values(optionTable);

export function optionsFor(command: CommandName): readonly OptionSpec[] {
  return options.filter((o) => o.commands.includes(command));
}
