/**
 * Preload script (runs in the sandboxed renderer process, before the page, in an isolated world).
 * It exposes `window.landscape`: one named function per contract operation, each invoking exactly
 * its own IPC channel. The raw ipcRenderer never crosses into the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { bridgeFnName, OP_NAMES, RUN_TABS, type LandscapeBridge, type MenuCommand, type OpName } from '../../app/contract/operations.js';

const MENU_COMMANDS = new Set(['open', 'openPath', 'openSample', 'export', 'verify', 'history', 'close', 'tab', 'find', 'goto', 'shortcuts']);

/** Only well-formed menu commands reach the page (main is trusted, but the shape is fixed). */
function menuCommand(v: unknown): MenuCommand | null {
  if (!v || typeof v !== 'object') return null;
  const c = (v as { command?: unknown }).command;
  if (typeof c !== 'string' || !MENU_COMMANDS.has(c)) return null;
  if (c === 'openPath') {
    const p = (v as { path?: unknown }).path;
    return typeof p === 'string' ? { command: 'openPath', path: p } : null;
  }
  if (c === 'tab') {
    const i = (v as { index?: unknown }).index;
    return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < RUN_TABS.length ? { command: 'tab', index: i } : null;
  }
  return { command: c } as MenuCommand;
}

function invoker(op: OpName) {
  // The channel is fixed per function: the page cannot choose which channel it talks to.
  return (input: unknown) => ipcRenderer.invoke(op, input);
}

const bridge: Record<string, unknown> = {};
for (const op of OP_NAMES) bridge[bridgeFnName(op)] = invoker(op);
bridge['pathForFile'] = (file: unknown): string | null => {
  try {
    const p = webUtils.getPathForFile(file as File);
    return p || null;
  } catch {
    return null;
  }
};

bridge['onMenuCommand'] = (listener: (c: MenuCommand) => void): (() => void) => {
  // The page gets the command only, never the IPC event (which would expose the sender).
  const fn = (_e: unknown, v: unknown) => {
    const c = menuCommand(v);
    if (c) listener(c);
  };
  ipcRenderer.on('menu:command', fn);
  return () => void ipcRenderer.removeListener('menu:command', fn);
};

contextBridge.exposeInMainWorld('landscape', Object.freeze(bridge) as unknown as LandscapeBridge);
