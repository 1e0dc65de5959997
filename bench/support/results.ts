import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench/results/, wherever the benchmark is started from. */
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes bench/results/<name>.json and <name>.md, replacing the previous run's; returns their paths. */
export function writeResults(name: string, json: unknown, markdown: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = `${RESULTS_DIR}${name}.json`;
  const markdownPath = `${RESULTS_DIR}${name}.md`;
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(markdownPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [jsonPath, markdownPath];
}

export type Cell = string | number;

/** A table as aligned plain text, for stdout. Numbers are right-aligned. */
export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => String(row[column] ?? '').length)));
  const line = (row: readonly Cell[]): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return typeof cell === 'number' ? String(cell).padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as GitHub Markdown. */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (row: readonly Cell[]): string => `| ${row.map(String).join(' | ')} |`;
  const align = header.map((_, column) => (rows.some((row) => typeof row[column] === 'number') ? '---:' : '---'));
  return [line(header), `|${align.join('|')}|`, ...rows.map(line)].join('\n');
}
