/**
 * Shared setup of the end-to-end tests: fixture databases in a temp folder, a fresh renderer
 * build, the harness, and Debian's Chromium with every console error and page error recorded.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../../scripts/harness.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { findChromium } from './browser.js';

export const SHOTS = path.join(REPO_ROOT, 'test-results');

/** The browser to drive; one clear line when there is none (see browser.ts). */
function chromiumPath(): string {
  const found = findChromium();
  if ('error' in found) throw new Error(found.error);
  return found.path;
}

/** Builds the renderer, unless the e2e entry (scripts/e2e.ts) already did for this run. */
export function buildRenderer(): void {
  if (process.env['LANDSCAPE_DESK_RENDERER_BUILT'] === '1') return;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle.mjs'), '--renderer-only'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`renderer build failed:\n${r.stderr}`);
}

export interface App {
  harness: Harness;
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the harness and the browser. If anything fails on the way, whatever was already started
 * is closed before the error propagates, so a failed launch ends the test process promptly
 * instead of leaving a listening server that keeps it alive.
 */
export async function launchApp(env: NodeJS.ProcessEnv = {}, opts: { userDataDir?: string } = {}): Promise<App> {
  const executablePath = chromiumPath();
  // `userDataDir` of an earlier harness simulates a restart.
  const harness = await startHarness({ env, ...(opts.userDataDir ? { userDataDir: opts.userDataDir } : {}) });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath,
      timeout: 60_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    return await openPage(harness, browser);
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await harness.close();
    const first = String((e as Error).message ?? e).split('\n')[0];
    throw new Error(`could not start the browser ${executablePath}: ${first}`);
  }
}

async function openPage(harness: Harness, browser: Browser): Promise<App> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(harness.url);
  // The start screen, or the last view when the user data has one.
  await page.getByTestId('open-database').or(page.locator('#run-title')).first().waitFor();
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    harness,
    browser,
    page,
    errors,
    shot: async (name) => void (await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })),
    async close() {
      await browser.close();
      await harness.close();
    },
  };
}

/** The last view main keeps in a user-data folder (see main/windowState.ts). */
export function lastViewFile(userDataDir: string): string {
  return path.join(userDataDir, 'last-view.json');
}

/**
 * Waits until main has stored a last view `want` accepts (the app saves it shortly after a
 * change); its text as stored.
 */
export async function waitForLastView(app: App, want: (v: Record<string, unknown>) => boolean): Promise<string> {
  const file = lastViewFile(app.harness.userDataDir);
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const v = text ? (JSON.parse(text) as Record<string, unknown> | null) : null;
    if (v && want(v)) return text;
    await app.page.waitForTimeout(50);
  }
}

/** POSTs to the harness like the test seam does (or like a hostile local process would). */
export async function post(h: Harness, route: string, body: unknown, token: string | null = h.token): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${h.origin}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { 'x-landscape-token': token } : {}) },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* plain-text refusal */
  }
  return { status: r.status, json };
}
