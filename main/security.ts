/**
 * Security policy of the desktop shell as pure values and predicates, so each is unit-tested in
 * plain Node: the window's web preferences, the Content Security Policy, the external-link
 * predicate and the IPC sender check. main/index.ts applies them to the real Electron objects.
 */

/** Web preferences of every window (Electron security checklist). */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  } as const;
}

/** Options of the main window (no preload-independent features). */
export function mainWindowOptions(preloadPath: string) {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Landscape Desk',
    backgroundColor: '#1b1e23',
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/**
 * The Content Security Policy of the renderer. Scripts and styles only from our own origin, no
 * eval, no inline script, no plugins, no framing. `connect` is 'self' for the test harness (which
 * serves the bridge over HTTP on its own origin) and 'none' in Electron (the bridge is IPC).
 */
export function contentSecurityPolicy(connect: "'self'" | "'none'" = "'none'"): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
  ].join('; ');
}

/** Longest URL we hand to the operating system. */
export const MAX_EXTERNAL_URL = 2048;

/**
 * Whether a URL may be opened in the user's browser: http or https only, with a host, no
 * credentials, no control characters or whitespace. Everything else (file:, javascript:, custom
 * schemes that launch programs, smb: shares …) is refused.
 */
export function isSafeExternalUrl(raw: unknown): boolean {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f]/.test(raw)) return false;
  // The WHATWG parser repairs forms like `https:/host`; we accept only the plain spelling.
  if (!/^https?:\/\/[^/\\]/i.test(raw)) return false;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  if (!u.hostname || u.username || u.password) return false;
  return true;
}

/**
 * Whether an in-app navigation may proceed: only to the exact page the window was loaded with
 * (reloads). Everything else is denied; links go through the external wrapper instead.
 */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  try {
    const t = new URL(target);
    const a = new URL(appUrl);
    return t.protocol === a.protocol && t.host === a.host && t.pathname === a.pathname;
  } catch {
    return false;
  }
}

/** What the sender check needs to know about an IPC event. */
export interface SenderInfo {
  /** webContents id of the sender. */
  senderId: number;
  /** Whether the frame is the top frame of its page (no sub-frame may call the bridge). */
  isTopFrame: boolean;
  /** URL of the sending frame. */
  frameUrl: string;
}

/** Accepts only our window's top frame showing our own page. */
export function isTrustedSender(s: SenderInfo, ourWebContentsIds: ReadonlySet<number>, appUrl: string): boolean {
  return ourWebContentsIds.has(s.senderId) && s.isTopFrame && isAllowedNavigation(s.frameUrl, appUrl);
}

/**
 * Whether "Show in folder" may reveal `target`: only an absolute, NUL-free path that this session
 * itself exported to (an export target or its receipt), compared after normalisation, so the
 * renderer cannot make the file manager open arbitrary places.
 */
export function isShowableExport(target: unknown, exported: ReadonlySet<string>, resolve: (p: string) => string): boolean {
  if (typeof target !== 'string' || target.length === 0 || target.length > 4096 || target.includes('\0')) return false;
  if (!(target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target) || target.startsWith('\\\\'))) return false;
  return exported.has(resolve(target));
}
