import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markdownTable } from './results.ts';

/**
 * Reads V8 CPU profiles (`node --cpu-prof`, one file per thread) and says where the time went: self time per
 * function, and per "area" (a package under node_modules, a directory of this repository, or V8's own entries
 * such as `(garbage collector)`), so a benchmark can name what limits it.
 *
 * Usage: node --import tsx bench/support/cpu-profile.ts <profile or directory> [top]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time, idle excluded. */
  busyMs: number;
  idleMs: number;
  areas: ProfileEntry[];
  functions: ProfileEntry[];
}

/** `node_modules/<package>`, a repository directory two levels deep, or V8's own frame name. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.replace(/^file:\/\//, '');
  const nodeModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (nodeModules?.[1] !== undefined) return nodeModules[1];
  if (path.startsWith('node:')) return 'node: (core)';
  const repository = /\/(layers\/core\/src\/[^/]+|infra\/local\/[^/]+|functions\/[^/]+|bench\/[^/]+|dist\/functions\/[^/]+|dist\/layer)\//.exec(path);
  if (repository?.[1] !== undefined) return repository[1];
  return path.split('/').slice(-2).join('/');
}

function top(totals: Map<string, number>, busyMs: number, count: number): ProfileEntry[] {
  return [...totals]
    .sort(([, a], [, b]) => b - a)
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), share: busyMs > 0 ? ms / busyMs : 0 }));
}

export function summariseProfile(file: string, count = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    const where = frame.url === '' ? '' : ` ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
    const name = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
  }
  return { file, busyMs: Math.round(busyMs), idleMs: Math.round(idleMs), areas: top(areas, busyMs, count), functions: top(functions, busyMs, count) };
}

/** Every profile in `directory`, busiest first. */
export function summariseProfiles(directory: string, count = 15): ProfileSummary[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => summariseProfile(join(directory, name), count))
    .sort((a, b) => b.busyMs - a.busyMs);
}

/** A summary as text: busy time, then the areas and the functions with their share of it. */
export function renderProfileSummary(summary: ProfileSummary): string {
  const lines = (entries: ProfileEntry[]) => entries.map(({ name, ms, share }) => `    ${(share * 100).toFixed(1).padStart(5)}%  ${String(ms).padStart(6)} ms  ${name}`);
  return [
    `${summary.file}: ${summary.busyMs} ms busy, ${summary.idleMs} ms idle`,
    '  by area (self time):',
    ...lines(summary.areas),
    '  by function (self time):',
    ...lines(summary.functions),
  ].join('\n');
}

/** A benchmark report's section on its `--profile` run: the busiest threads' areas and functions, as Markdown. */
export function profileMarkdown(profiles: readonly ProfileSummary[], threads = 3, rows = 10): string[] {
  if (profiles.length === 0) return [];
  const lines = [
    '## Where the stack spent its CPU (`--profile`)',
    '',
    'Self time of the busiest threads of the stack process over its whole life, start-up included (V8 CPU profiles, one',
    'per thread; a function instance is a worker thread).',
    '',
  ];
  for (const profile of profiles.slice(0, threads)) {
    lines.push(`**${profile.file.split('/').at(-1) ?? profile.file}**: ${profile.busyMs} ms busy, ${profile.idleMs} ms idle`, '');
    lines.push(markdownTable(['area', 'ms', 'share'], profile.areas.slice(0, rows).map((area) => [area.name, area.ms, `${(area.share * 100).toFixed(1)}%`])), '');
    lines.push(markdownTable(['function', 'ms', 'share'], profile.functions.slice(0, rows).map((fn) => [fn.name, fn.ms, `${(fn.share * 100).toFixed(1)}%`])), '');
  }
  return lines;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [target, count] = process.argv.slice(2);
  if (target === undefined) throw new Error('usage: cpu-profile.ts <profile or directory> [top]');
  const summaries = target.endsWith('.cpuprofile') ? [summariseProfile(target, Number(count ?? 15))] : summariseProfiles(target, Number(count ?? 15));
  console.log(summaries.map(renderProfileSummary).join('\n\n'));
}
