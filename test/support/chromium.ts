import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Debian's Chromium (scripts/install-browser.sh installs it) driven by playwright-core, which downloads no
 * browser of its own. playwright-core is loaded at run time by a computed specifier, so the suite typechecks and
 * its browser tests skip cleanly on a machine without it; the interfaces below are the part of its API
 * (https://playwright.dev/docs/api/class-browsertype) the tests use.
 */

export const chromiumPath = '/usr/bin/chromium';

/** Flags for a quiet, reproducible headless run: no sandbox (CI runs as root), GPU, QUIC or background traffic. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export interface Locator {
  count(): Promise<number>;
  nth(index: number): Locator;
  first(): Locator;
  locator(selector: string): Locator;
  isVisible(): Promise<boolean>;
  innerText(): Promise<string>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string): Promise<string | null>;
  fill(value: string): Promise<void>;
  click(): Promise<void>;
}

export interface BrowserPage {
  goto(url: string): Promise<{ status(): number } | null>;
  url(): string;
  title(): Promise<string>;
  locator(selector: string): Locator;
  getByLabel(text: string): Locator;
  getByRole(role: string, options?: { name?: string | RegExp; level?: number }): Locator;
  waitForURL(url: string | RegExp): Promise<void>;
  screenshot(options: { path: string; fullPage?: boolean }): Promise<Buffer>;
}

export interface BrowserContext {
  newPage(): Promise<BrowserPage>;
  close(): Promise<void>;
}

interface LaunchOptions {
  executablePath: string;
  headless: boolean;
  args: readonly string[];
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
  locale: string;
}

interface PlaywrightCore {
  chromium: { launchPersistentContext(userDataDir: string, options: LaunchOptions): Promise<BrowserContext> };
}

/** What is missing for the browser tests, or undefined when they can run. */
export async function missingForBrowserTests(): Promise<string | undefined> {
  if (!existsSync(chromiumPath)) return `${chromiumPath} is missing: run scripts/install-browser.sh`;
  if ((await loadPlaywright()) === undefined) return 'playwright-core is not installed: add it to devDependencies';
  return undefined;
}

async function loadPlaywright(): Promise<PlaywrightCore | undefined> {
  const specifier = 'playwright-core';
  try {
    return (await import(specifier)) as PlaywrightCore;
  } catch {
    return undefined;
  }
}

/** A Chromium with a fresh profile directory, removed again by `close`. */
export interface ChromiumSession {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium headless with a fresh `--user-data-dir` (Playwright's persistent context is how a
 * profile directory is given; it refuses the flag in `args`).
 *
 * @example
 * const chromium = await launchChromium({ width: 390, height: 844 });
 * const page = await chromium.context.newPage();
 */
export async function launchChromium(viewport: { width: number; height: number }): Promise<ChromiumSession> {
  const playwright = await loadPlaywright();
  if (playwright === undefined) throw new Error('playwright-core is not installed');
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'parcelscan-chromium-'));
  try {
    const context = await playwright.chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumArgs,
      viewport,
      deviceScaleFactor: 1,
      locale: 'en-US',
    });
    return {
      context,
      close: async () => {
        await context.close();
        await rm(userDataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}

/** The width and height a PNG file declares in its IHDR chunk, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
