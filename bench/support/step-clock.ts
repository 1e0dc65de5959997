/** One timed step of a benchmark run; a step inside another is indented with `↳`. */
export interface Step {
  step: string;
  seconds: number;
}

/**
 * Times the steps of a benchmark run and logs each as it starts and ends, so that the report says where the
 * minutes went.
 *
 * @example
 * const clock = new StepClock((line) => process.stderr.write(`[bench ingest] ${line}\n`));
 * const stack = await clock.time('start the local stack', () => startStackProcess({ dataDir }));
 * clock.steps; // [{ step: 'start the local stack', seconds: 6.2 }]
 */
export class StepClock {
  readonly steps: Step[] = [];
  private depth = 0;

  constructor(private readonly log: (line: string) => void) {}

  async time<T>(step: string, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    const entry: Step = { step: this.depth === 0 ? step : `${'  '.repeat(this.depth - 1)}↳ ${step}`, seconds: Number.NaN };
    this.steps.push(entry);
    this.log(`${step} …`);
    this.depth++;
    try {
      return await work();
    } finally {
      this.depth--;
      entry.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
      this.log(`${step}: ${entry.seconds} s`);
    }
  }
}
