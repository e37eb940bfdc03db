/** The client size of an element, kept current as it is resized (the grid's rows in view, the drawing's frame). */
import { useLayoutEffect, useState, type RefObject } from 'react';

export interface ClientSize {
  width: number;
  height: number;
}

/**
 * The element's `clientWidth` and `clientHeight`, `initial` until it is mounted. Measured before
 * paint, so the first frame is laid out for the real size, then on every resize.
 */
export function useClientSize(ref: RefObject<HTMLElement | null>, initial: ClientSize): ClientSize {
  const [size, setSize] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => setSize((s) => (s.width === el.clientWidth && s.height === el.clientHeight ? s : { width: el.clientWidth, height: el.clientHeight }));
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, [ref]);
  return size;
}
