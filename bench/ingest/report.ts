import { machineLines, settingsLine, type Machine } from '../support/machine.ts';
import type { CpuUse } from '../support/process-cpu.ts';
import { profileMarkdown, type ProfileSummary } from '../support/cpu-profile.ts';
import { markdownTable, textTable, type Cell } from '../support/results.ts';
import type { Step } from '../support/step-clock.ts';
import type { StackLogCounts } from '../support/local-stack.ts';
import type { CpuStep } from './handler-cpu.ts';
import type { QueueMeasurement } from './queue-load.ts';
import type { WebhookMeasurement } from './webhook-load.ts';

/** The ingestion benchmark's results as written to bench/results/ingest.json, and their Markdown and text forms. */

export const TARGETS = {
  handlerCpuRatio: 6,
  eventsPerSecond: 20_000,
  webhookP99Ms: 25,
} as const;

export interface PayloadSizes {
  bytesPerEvent: number;
  webhookBodyBytes: number;
  queueMessageBodyBytes: number;
}

export interface TargetCheck {
  check: string;
  measured: string;
  target: string;
  met: boolean;
}

export interface IngestReport {
  machine: Machine;
  settings: Record<string, number | string | boolean | null>;
  payloads: PayloadSizes;
  handlerCpu: CpuStep[];
  webhook: WebhookMeasurement[];
  queue: QueueMeasurement;
  stackLog: StackLogCounts;
  targets: TargetCheck[];
  profiles: ProfileSummary[];
  steps: Step[];
  totalSeconds: number;
}

const fixed = (value: number, digits: number): number => Number(value.toFixed(digits));
const cores = (value: number | null | undefined): string => (value === null || value === undefined ? '?' : value.toFixed(2));

function floorOf(steps: readonly CpuStep[], path: CpuStep['path']): number {
  return steps.find((step) => step.path === path && step.role === 'floor')?.microsPerEvent ?? Number.NaN;
}

export function checkTargets(handlerCpu: readonly CpuStep[], webhook: readonly WebhookMeasurement[], queue: QueueMeasurement): TargetCheck[] {
  const checks: TargetCheck[] = handlerCpu
    .filter((step) => step.role === 'pipeline')
    .map((step) => {
      const ratio = step.microsPerEvent / floorOf(handlerCpu, step.path);
      return {
        check: `${step.path}: ${step.step}, CPU per event vs JSON.parse`,
        measured: `${ratio.toFixed(1)}× (${step.microsPerEvent.toFixed(2)} vs ${floorOf(handlerCpu, step.path).toFixed(2)} µs)`,
        target: `≤ ${TARGETS.handlerCpuRatio}×`,
        met: ratio <= TARGETS.handlerCpuRatio,
      };
    });
  const best = [...webhook].sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0];
  if (best !== undefined) {
    checks.push({
      check: `webhook end to end, best level (${best.partners} partners), events/s`,
      measured: `${Math.round(best.eventsPerSecond).toLocaleString('en-US')} (${((best.eventsPerSecond / TARGETS.eventsPerSecond) * 100).toFixed(1)}%)`,
      target: `≥ ${TARGETS.eventsPerSecond.toLocaleString('en-US')}`,
      met: best.eventsPerSecond >= TARGETS.eventsPerSecond,
    });
    checks.push({
      check: `webhook p99 at that level`,
      measured: `${best.p99Ms.toFixed(1)} ms`,
      target: `≤ ${TARGETS.webhookP99Ms} ms`,
      met: best.p99Ms <= TARGETS.webhookP99Ms,
    });
  }
  checks.push({
    check: 'MNS end to end (sent → all in Tablestore), events/s',
    measured: `${Math.round(queue.eventsPerSecond).toLocaleString('en-US')} (${((queue.eventsPerSecond / TARGETS.eventsPerSecond) * 100).toFixed(1)}%)`,
    target: `≥ ${TARGETS.eventsPerSecond.toLocaleString('en-US')}`,
    met: queue.eventsPerSecond >= TARGETS.eventsPerSecond,
  });
  return checks;
}

function cpuRows(report: IngestReport): Cell[][] {
  return report.handlerCpu.map((step) => {
    const floor = floorOf(report.handlerCpu, step.path);
    return [
      step.path,
      step.role,
      step.step,
      fixed(step.microsPerEvent, 2),
      step.role === 'floor' ? '—' : `${(step.microsPerEvent / floor).toFixed(1)}×`,
      Math.round(1e6 / step.microsPerEvent),
      step.rounds.map((round) => round.toFixed(2)).join(' / '),
    ];
  });
}

const CPU_HEADER = ['path', 'role', 'step', 'µs/event', 'vs JSON.parse', 'events/s per core', 'rounds µs/event'];

/** Stack CPU per event in µs, whole and split as `total (main + other threads)`. */
function cpuPerEvent(stackCpu: CpuUse | null, eventsPerSecond: number): string {
  if (stackCpu === null || eventsPerSecond === 0) return '?';
  const micros = (used: number): string => Math.round((used * 1e6) / eventsPerSecond).toString();
  return `${micros(stackCpu.cores)} (${micros(stackCpu.mainThreadCores)} + ${micros(stackCpu.otherThreadsCores)})`;
}

function webhookRows(report: IngestReport): Cell[][] {
  return report.webhook.map((level) => [
    level.partners,
    fixed(level.callsPerSecond, 1),
    Math.round(level.eventsPerSecond),
    fixed(level.p50Ms, 1),
    fixed(level.p99Ms, 1),
    fixed(level.maxMs, 1),
    `${cores(level.stackCpu?.cores)} (${cores(level.stackCpu?.mainThreadCores)} + ${cores(level.stackCpu?.otherThreadsCores)})`,
    cpuPerEvent(level.stackCpu, level.eventsPerSecond),
    cores(level.clientCores),
    level.eventsPerStackCoreSecond === null ? '?' : Math.round(level.eventsPerStackCoreSecond),
    cores(level.otherCores),
    Object.entries(level.failures).map(([reason, count]) => `${reason}: ${count}`).join(', ') || 'none',
  ]);
}

const WEBHOOK_HEADER = [
  'partners',
  'requests/s',
  'events/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'stack cores (main + other threads)',
  'stack CPU µs/event (main + other)',
  'client cores',
  'events/s per stack core',
  'other load',
  'failures',
];

function queueRows(queue: QueueMeasurement): Cell[][] {
  return [
    [
      queue.senders,
      queue.messages,
      fixed(queue.sendSeconds, 2),
      Math.round(queue.sentPerSecond),
      fixed(queue.allStoredSeconds, 2),
      fixed(queue.resolutionSeconds, 2),
      Math.round(queue.eventsPerSecond),
      `${queue.invocations} × ${queue.messagesPerInvocation.toFixed(1)}`,
      `${cores(queue.stackCpu?.cores)} (${cores(queue.stackCpu?.mainThreadCores)} + ${cores(queue.stackCpu?.otherThreadsCores)})`,
      cpuPerEvent(queue.stackCpu, queue.eventsPerSecond),
      cores(queue.clientCores),
      queue.eventsPerStackCoreSecond === null ? '?' : Math.round(queue.eventsPerStackCoreSecond),
      cores(queue.otherCores),
      queue.deadLettered,
    ],
  ];
}

const QUEUE_HEADER = [
  'senders',
  'messages',
  'send s',
  'sent/s',
  'all stored s',
  'resolution s',
  'events/s',
  'invocations × messages',
  'stack cores (main + other threads)',
  'stack CPU µs/event (main + other)',
  'client cores',
  'events/s per stack core',
  'other load',
  'dead-lettered',
];

function targetRows(report: IngestReport): Cell[][] {
  return report.targets.map((check) => [check.check, check.measured, check.target, check.met ? 'met' : 'not met']);
}

/**
 * Where the stack's CPU went at the webhook level with the most events/s, in µs per event, and the ceiling that puts
 * on ingestion on this machine whatever the concurrency: computed from the measurements above.
 */
function reading(report: IngestReport): string[] {
  const best = [...report.webhook].sort((a, b) => b.eventsPerSecond - a.eventsPerSecond)[0];
  if (best === undefined || best.stackCpu === null || best.eventsPerSecond === 0) return [];
  const micros = (used: number): number => Math.round((used * 1e6) / best.eventsPerSecond);
  const handler = report.handlerCpu.find((step) => step.path === 'webhook' && step.role === 'context' && step.step.includes('handleScanWebhook'));
  const total = micros(best.stackCpu.cores);
  return [
    '## Reading',
    '',
    `At ${best.partners} partners (the most events/s) the stack used ${total} µs of CPU per event: ${micros(best.stackCpu.mainThreadCores)} µs on its main thread`,
    `(the gateway, the Tablestore and MNS servers) and ${micros(best.stackCpu.otherThreadsCores)} µs in its other threads (the function instances, plus V8's`,
    `and libuv's helpers). Of the instances' share, the handler's own work is ${handler === undefined ? '?' : handler.microsPerEvent.toFixed(0)} µs (part (a), whole handler, no storage); the`,
    'rest is the Tablestore SDK building and parsing rows and its HTTP calls, the local runtime\'s hand-off to the worker',
    'thread, and garbage collection. In this workload every event costs three row operations (its scan row, its parcel',
    `row read, its parcel row written back). With ${report.machine.cpuCount} cores for the stack and the senders together, CPU alone caps the stack near`,
    `${Math.round((report.machine.cpuCount * 1e6) / total).toLocaleString('en-US')} events/s here.`,
    '',
    ...queueReading(report.queue, report.machine.cpuCount),
  ];
}

/** The queue trigger's pace: its consumers each deliver a batch at a time, so a batch's round trip counts as well as CPU. */
function queueReading(queue: QueueMeasurement, cpuCount: number): string[] {
  if (queue.invocations === 0 || queue.stackCpu === null) return [];
  return [
    `Through MNS the local queue trigger runs s.yaml's runOptions.maximumTasks consumers, capped at the machine's ${cpuCount} cores, each a batch at a time:`,
    `${queue.invocations} batches of ${queue.messagesPerInvocation.toFixed(0)} messages in ${queue.allStoredSeconds.toFixed(1)} s, one every ${((queue.allStoredSeconds * 1000) / queue.invocations).toFixed(0)} ms`,
    `(receiving 16 at a time, the invocation, deleting 16 at a time), while the stack used ${queue.stackCpu.cores.toFixed(2)} of the ${cpuCount} cores.`,
    '',
  ];
}

export function renderMarkdown(report: IngestReport): string {
  const { machine, settings, payloads } = report;
  return [
    '# Ingestion benchmark',
    '',
    'Written by `npm run bench -- ingest`, overwritten by every run. Three parts, all in one run:',
    '',
    '- **(a) handler CPU per event**, measured in the benchmark process with `process.cpuUsage` around each step of the',
    '  handlers, with no storage behind them (an in-memory stand-in that answers at once and keeps the parcels\' states, so',
    '  every fold starts from the stored state as against Tablestore). The floor is `JSON.parse` of the same payload. The',
    '  median of the rounds counts.',
    '- **(b) webhook end to end**: signed `POST /v1/scans` of new events through the local gateway of the local stack',
    '  (`startLocalStack` with a data directory, in its own process), from several partners at once in a closed loop.',
    '  Latency is the whole HTTP round trip seen by the sender.',
    '- **(c) MNS end to end**: scan events sent with the official `@alicloud/mns` SDK (batchSendMessage, one event per',
    '  message, bodies from `encodeScanMessage`), consumed by scan-consumer through the queue trigger; the clock stops',
    '  when polling the parcels rows finds every scan counted (**resolution**: the moment lies up to this much earlier).',
    '',
    '**stack cores** is the CPU the stack process used (its main thread runs the gateway, the Tablestore and MNS servers and',
    'the queue trigger; the other threads are the function instances, plus V8 and libuv helpers); **client cores** is the',
    'senders\' own; **other load** is what other processes of the machine used meanwhile (well above 0: a shared machine).',
    '',
    ...machineLines(machine),
    `- payloads: ${payloads.bytesPerEvent} bytes of JSON per scan event on average; webhook body of ${settings.batchEvents} events ${payloads.webhookBodyBytes} bytes; MNS message body ${payloads.queueMessageBodyBytes} bytes (base64 of one event)`,
    settingsLine(settings),
    '',
    '## Targets',
    '',
    markdownTable(['check', 'measured', 'target', ''], targetRows(report)),
    '',
    '## (a) Handler CPU per event, in process, no storage',
    '',
    markdownTable(CPU_HEADER, cpuRows(report)),
    '',
    '## (b) Webhook through the local gateway',
    '',
    markdownTable(WEBHOOK_HEADER, webhookRows(report)),
    '',
    '## (c) MNS through the queue trigger',
    '',
    markdownTable(QUEUE_HEADER, queueRows(report.queue)),
    '',
    ...reading(report),
    `The stack logged ${report.stackLog.logRecords} records over the run: ${report.stackLog.warnings} warnings, ${report.stackLog.errors} errors, ${report.stackLog.coldStarts} cold starts.`,
    '',
    ...profileMarkdown(report.profiles),
    '## Time taken',
    '',
    markdownTable(['step', 'seconds'], [...report.steps.map((step): Cell[] => [step.step, step.seconds]), ['total', report.totalSeconds]]),
  ].join('\n');
}

export function renderText(report: IngestReport): string {
  return [
    textTable(['check', 'measured', 'target', ''], targetRows(report)),
    '',
    textTable(CPU_HEADER, cpuRows(report)),
    '',
    textTable(WEBHOOK_HEADER, webhookRows(report)),
    '',
    textTable(QUEUE_HEADER, queueRows(report.queue)),
  ].join('\n');
}
