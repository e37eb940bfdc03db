/**
 * Finding the Chromium the end-to-end tests drive. It is looked for, never assumed: first the
 * environment (LANDSCAPE_DESK_CHROMIUM, then CHROME_PATH), then these names on the PATH in order.
 * A named browser that does not exist is an error, not a reason to look elsewhere, so a typo is
 * never silently replaced by some other browser.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BROWSER_ENV = ['LANDSCAPE_DESK_CHROMIUM', 'CHROME_PATH'] as const;
export const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'] as const;

export type BrowserLookup = { path: string; from: string } | { error: string };

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const HOW_TO =
  'install Chromium (Debian/Ubuntu: apt-get install chromium) or set LANDSCAPE_DESK_CHROMIUM to the path of a Chromium or Chrome executable';

/** Resolves the browser from an environment (default: this process's). */
export function findChromium(env: NodeJS.ProcessEnv = process.env): BrowserLookup {
  for (const name of BROWSER_ENV) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (isExecutableFile(value)) return { path: value, from: name };
    return { error: `${name} names ${value}, which is not an executable file; ${HOW_TO}` };
  }
  const dirs = (env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  for (const name of BROWSER_NAMES) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return { path: candidate, from: `PATH (${name})` };
    }
  }
  return { error: `no Chromium found (looked for ${BROWSER_NAMES.join(', ')} on the PATH); ${HOW_TO}` };
}
