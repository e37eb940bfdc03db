/**
 * Preload script (runs in the sandboxed renderer process, before the page, in an isolated world).
 * It exposes `window.landscape`: one named function per contract operation, each invoking exactly
 * its own IPC channel. The raw ipcRenderer never crosses into the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { bridgeFnName, OP_NAMES, type LandscapeBridge, type OpName } from '../../app/contract/operations.js';

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

contextBridge.exposeInMainWorld('landscape', Object.freeze(bridge) as unknown as LandscapeBridge);
