/** Subscribes to application-menu commands for the life of the component (no-op in the harness). */
import { useEffect, useRef } from 'react';
import type { MenuCommand } from '../../app/contract/operations.js';
import { bridge } from './bridge.js';

export function useMenuCommands(handler: (c: MenuCommand) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const b = bridge();
    if (typeof b.onMenuCommand !== 'function') return undefined;
    return b.onMenuCommand((c) => latest.current(c));
  }, []);
}
