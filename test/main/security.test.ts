/** Security predicates and policy values of the desktop shell, as tables of inputs. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contentSecurityPolicy, isAllowedNavigation, isSafeExternalUrl, isTrustedSender, mainWindowOptions, secureWebPreferences } from '../../main/security.js';

describe('isSafeExternalUrl', () => {
  const allowed = ['https://github.com/tachyon-beep/elspeth', 'http://example.org/', 'https://example.org:8443/a?b=c#d', 'HTTPS://EXAMPLE.ORG'];
  const refused: unknown[] = [
    'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'vbscript:msgbox', 'smb://server/share',
    'ms-msdt:/id', 'ftp://example.org', 'mailto:a@b.c', 'about:blank', 'chrome://settings', 'https://user:pass@example.org/',
    'https://', 'https:/example.org', '//example.org', 'example.org', ' https://example.org', 'https://exa mple.org',
    'https://example.org/\n', 'https://example.org/\u0000', `https://e.org/${'a'.repeat(2100)}`, '', null, undefined, 42, {}, ['https://e.org'],
  ];
  for (const u of allowed) test(`allows ${u}`, () => assert.equal(isSafeExternalUrl(u), true));
  for (const u of refused) test(`refuses ${JSON.stringify(u)?.slice(0, 60)}`, () => assert.equal(isSafeExternalUrl(u), false));
});

describe('window options', () => {
  test('every window isolates, sandboxes and disables Node', () => {
    const o = mainWindowOptions('/app/preload.cjs');
    assert.equal(o.webPreferences.contextIsolation, true);
    assert.equal(o.webPreferences.sandbox, true);
    assert.equal(o.webPreferences.nodeIntegration, false);
    assert.equal(o.webPreferences.nodeIntegrationInSubFrames, false);
    assert.equal(o.webPreferences.webSecurity, true);
    assert.equal(o.webPreferences.allowRunningInsecureContent, false);
    assert.equal(o.webPreferences.webviewTag, false);
    assert.equal(o.webPreferences.preload, '/app/preload.cjs');
    assert.deepEqual(secureWebPreferences('/p'), { ...o.webPreferences, preload: '/p' });
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
  test('denies by default and allows scripts only from self, without eval or inline', () => {
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'self'");
    assert.ok(!csp.includes('unsafe-inline'));
    assert.ok(!csp.includes('unsafe-eval'));
    assert.ok(!csp.includes('*'));
  });
  test('blocks plugins, framing, base and form targets; no network in Electron', () => {
    for (const d of ['object-src', 'base-uri', 'form-action', 'frame-ancestors', 'frame-src']) assert.equal(directives.get(d), "'none'", d);
    assert.equal(directives.get('connect-src'), "'none'");
    assert.ok(contentSecurityPolicy("'self'").includes("connect-src 'self'"));
  });
  test('matches the meta tag of renderer/index.html', async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const norm = (s: string) => s.split(';').map((d) => d.trim()).filter((d) => !d.startsWith('frame-ancestors')).sort();
    assert.deepEqual(norm(meta), norm(csp));
  });
});

describe('navigation and sender checks', () => {
  const app = 'file:///opt/app/dist/renderer/index.html';
  const table: Array<[string, boolean]> = [
    [app, true],
    [`${app}#x`, true],
    ['file:///opt/app/dist/renderer/other.html', false],
    ['file:///etc/passwd', false],
    ['https://evil.example/', false],
    ['not a url', false],
  ];
  for (const [url, ok] of table) test(`navigation to ${url} → ${ok}`, () => assert.equal(isAllowedNavigation(url, app), ok));

  test('accepts only our top frame on our page', () => {
    const ours = new Set([7]);
    assert.equal(isTrustedSender({ senderId: 7, isTopFrame: true, frameUrl: app }, ours, app), true);
    assert.equal(isTrustedSender({ senderId: 8, isTopFrame: true, frameUrl: app }, ours, app), false);
    assert.equal(isTrustedSender({ senderId: 7, isTopFrame: false, frameUrl: app }, ours, app), false);
    assert.equal(isTrustedSender({ senderId: 7, isTopFrame: true, frameUrl: 'https://evil.example/' }, ours, app), false);
  });
});
