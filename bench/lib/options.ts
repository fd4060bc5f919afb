/** `npm run bench -- [--quick] [--runs N] [--only a,b] [--variants a,b] [--out DIR] [--baseline DIR]` */

export const sectionNames = ['sessions', 'live', 'offline', 'drain', 'soak', 'display', 'crash', 'cut', 'manifest', 'quality', 'density', 'follow', 'activity', 'search', 'overhead', 'grabber', 'grabpath', 'idlebytes', 'keyint'] as const;
export type SectionName = (typeof sectionNames)[number];

export interface BenchOptions {
  readonly quick: boolean;
  /** Repetitions behind each median. */
  readonly runs: number;
  readonly sections: readonly SectionName[];
  /** Encoder variants of the offline matrix (default: all; quick: original, ours, previous). */
  readonly variants: readonly string[] | undefined;
  readonly outDir: string;
  readonly frameRate: number;
  /** Another build of the recorder (a checkout with `npm run build` done) that section overhead compares against. */
  readonly baseline: string | undefined;
  /** Section quality: the candidates to sweep (default: all; see bench/lib/qualityCandidates.ts). */
  readonly candidates: readonly string[] | undefined;
}

export const usage = `npm run bench -- [options]
  --quick            short version (1 run each, short durations, ~4 min); the full run takes ~15 min
  --runs N           runs behind each median (default 3; quick 1)
  --only a,b         sections: ${sectionNames.join(', ')}
  --variants a,b     encoder variants of the offline matrix (see bench/lib/encoders.ts)
  --out DIR          where the JSON and Markdown results go (default bench/results)
  --baseline DIR     section overhead: another checkout, built (npm run build), run alternately with this one
  --candidates a,b   section quality: the encoder candidates to sweep (see bench/lib/qualityCandidates.ts; default all)`;

export function parseOptions(argv: readonly string[], defaultOut: string): BenchOptions {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`Expected a value after --${name}\n${usage}`);
    return v;
  };
  const known = new Set(['--quick', '--runs', '--only', '--variants', '--out', '--baseline', '--candidates', '--help']);
  for (const a of argv) {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`Unknown option ${a}\n${usage}`);
  }
  if (argv.includes('--help')) {
    console.log(usage);
    process.exit(0);
  }
  const quick = argv.includes('--quick');
  const runsText = value('runs');
  const runs = runsText === undefined ? (quick ? 1 : 3) : Number(runsText);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`Expected --runs to be a positive integer, got "${runsText}"`);
  const only = value('only')?.split(',');
  for (const s of only ?? []) {
    if (!(sectionNames as readonly string[]).includes(s)) throw new Error(`Unknown section "${s}"; expected some of ${sectionNames.join(', ')}`);
  }
  const variantsText = value('variants');
  return {
    quick,
    runs,
    sections: only ? (only as SectionName[]) : [...sectionNames],
    variants: variantsText ? variantsText.split(',') : quick ? ['original', 'ours', 'previous'] : undefined,
    outDir: value('out') ?? defaultOut,
    frameRate: 5,
    baseline: value('baseline'),
    candidates: value('candidates')?.split(','),
  };
}
