/**
 * A JSON log or metric line made readable for a terminal, for `npm start`: pretty in a TTY, the JSON itself when
 * piped (the caller decides; this only formats). Pure: the same line always gives the same text.
 *
 *   06:00:00.041 INFO  parcelscan-scan-webhook 4bf92f35 scans recorded partnerId=demo outcome=ok accepted=498
 *   06:00:00.042 METRIC parcelscan-scan-webhook 4bf92f35 scans partnerId=demo batchSize=500 accepted=498 …
 */

export interface FormatOptions {
  /** ANSI colours (a TTY without NO_COLOR); plain text otherwise. */
  color: boolean;
}

const ansi = {
  reset: '\u001b[0m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  gray: '\u001b[90m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  red: '\u001b[31m',
  cyan: '\u001b[36m',
  magenta: '\u001b[35m',
} as const;

const levelColours: Readonly<Record<string, string>> = {
  debug: ansi.gray,
  info: ansi.green,
  warn: ansi.yellow,
  error: ansi.red,
};

/** Fields shown in the line's head rather than as `key=value`. */
const headKeys: ReadonlySet<string> = new Set(['level', 'time', 'function', 'requestId', 'traceId', 'msg', 'kind', 'name']);

/** How many trace-id digits are shown: enough to tell traces apart by eye. */
const shortTraceLength = 8;

function paint(text: string, colour: string, options: FormatOptions): string {
  return options.color ? `${colour}${text}${ansi.reset}` : text;
}

/** A value as `key=value` shows it: bare when it is one plain word, JSON otherwise. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** `hh:mm:ss.mmm` of an ISO time (UTC, as written), or the text as it is. */
function clockTime(time: unknown): string {
  if (typeof time !== 'string') return '--:--:--.---';
  return /^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d\.\d{3})/.exec(time)?.[1] ?? time;
}

/**
 * Formats one line: a JSON log line as `time LEVEL function trace msg key=value…`, a metric line as
 * `time METRIC function trace name key=value…`; anything that is not a JSON object is returned unchanged.
 *
 * @example
 * ```ts
 * formatLogLine('{"level":"warn","time":"2025-11-25T06:00:00.041Z","function":"scan-webhook","traceId":"4bf92f3577b34da6a3ce929d0e0e4736","msg":"partner request refused","reason":"bad signature"}', { color: false });
 * // '06:00:00.041 WARN  scan-webhook 4bf92f35 partner request refused reason="bad signature"'
 * ```
 */
export function formatLogLine(line: string, options: FormatOptions): string {
  const text = line.trim();
  if (!text.startsWith('{')) return line;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return line;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return line;
  const fields = json as Record<string, unknown>;

  const isMetric = fields.kind === 'metric';
  const level = typeof fields.level === 'string' ? fields.level : 'info';
  const tag = isMetric ? paint('METRIC', ansi.cyan, options) : paint(level.toUpperCase().padEnd(5), levelColours[level] ?? ansi.reset, options);
  const head = [paint(clockTime(fields.time), ansi.dim, options), tag];
  if (typeof fields.function === 'string') head.push(paint(fields.function, ansi.magenta, options));
  if (typeof fields.traceId === 'string') head.push(paint(fields.traceId.slice(0, shortTraceLength), ansi.dim, options));
  const title = isMetric ? fields.name : fields.msg;
  if (typeof title === 'string') head.push(isMetric ? paint(title, ansi.bold, options) : title);

  const rest = Object.entries(fields)
    .filter(([key]) => !headKeys.has(key))
    .map(([key, value]) => `${paint(`${key}=`, ansi.dim, options)}${showValue(value)}`);
  return [...head, ...rest].join(' ');
}
