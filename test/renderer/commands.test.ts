/**
 * The keyboard shortcuts' key table (renderer/src/commands.ts): Alt+1 … Alt+N reach exactly the
 * run tabs the contract lists (RUN_TABS), by the physical key or the typed digit; digits past the
 * last tab, Alt with Ctrl, and plain `/` or `?` typed into a field are no commands.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUN_TABS } from '../../app/contract/operations.js';
import { commandOfKey } from '../../renderer/src/commands.js';

const press = (key: string, more: Partial<Parameters<typeof commandOfKey>[0]> = {}) =>
  commandOfKey({ key, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, target: null, ...more });

test('Alt+digit names each run tab in order, by key code or by character, and nothing past the last', () => {
  for (let n = 1; n <= 9; n++) {
    const want = n <= RUN_TABS.length ? { kind: 'tab', index: n - 1 } : null;
    assert.deepEqual(press(String(n), { altKey: true, code: `Digit${n}` }), want, `Alt+${n} (US layout)`);
    // A layout where Alt+digit types another character: the physical key decides.
    assert.deepEqual(press('&', { altKey: true, code: `Digit${n}` }), want, `Alt+${n} by key code`);
    assert.deepEqual(press(String(n), { altKey: true }), want, `Alt+${n} by character`);
  }
  assert.equal(press('0', { altKey: true, code: 'Digit0' }), null);
  assert.equal(press('1', { altKey: true, ctrlKey: true, code: 'Digit1' }), null, 'Ctrl+Alt+1 is no tab');
  assert.equal(press('1', { code: 'Digit1' }), null, 'a plain digit is typed');
});

test('find, go-to and the shortcut list; / and ? only outside text fields', () => {
  assert.deepEqual(press('f', { ctrlKey: true }), { kind: 'find' });
  assert.deepEqual(press('G', { metaKey: true }), { kind: 'goto' });
  assert.deepEqual(press('/'), { kind: 'find' });
  assert.deepEqual(press('?'), { kind: 'shortcuts' });
  const field = { tagName: 'INPUT', type: 'text', isContentEditable: false } as unknown as EventTarget;
  assert.equal(press('/', { target: field }), null);
  assert.equal(press('?', { target: { tagName: 'TEXTAREA', isContentEditable: false } as unknown as EventTarget }), null);
  assert.deepEqual(press('?', { target: { tagName: 'INPUT', type: 'checkbox', isContentEditable: false } as unknown as EventTarget }), { kind: 'shortcuts' });
});
