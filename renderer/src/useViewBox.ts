/**
 * Zoom and pan of an SVG by its viewBox: fit to the content, zoom in and out around a point
 * (buttons, the wheel, the keyboard), and pan by dragging or with the arrow keys. The content is
 * never re-laid out; only the window onto it moves.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent, type RefObject } from 'react';

export interface ViewBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

const MIN_ZOOM = 0.2;
const MAX_ZOOM = 4;
const STEP = 1.25;

export interface ViewBoxControls {
  box: ViewBox;
  /** Content units per viewBox unit compared with the fitted view: 1 when fitted. */
  zoom: number;
  fit(): void;
  zoomBy(factor: number, at?: { x: number; y: number }): void;
  actualSize(): void;
  onKeyDown(e: KeyboardEvent): void;
  onPointerDown(e: ReactPointerEvent<SVGSVGElement>): void;
}

/**
 * `content` is the drawing's size; `svgRef` the element shown. The wheel zooms around the
 * pointer; dragging the background pans (pointer events on nodes are left to them).
 */
export function useViewBox(content: { width: number; height: number }, svgRef: RefObject<SVGSVGElement | null>): ViewBoxControls {
  const fitted = useCallback((): ViewBox => ({ x: 0, y: 0, w: Math.max(1, content.width), h: Math.max(1, content.height) }), [content.width, content.height]);
  const [box, setBox] = useState<ViewBox>(fitted);
  const drag = useRef<{ id: number; x: number; y: number; box: ViewBox } | null>(null);

  useEffect(() => setBox(fitted()), [fitted]);

  const clampScale = useCallback(
    (w: number) => {
      const zoom = content.width / w;
      return zoom < MIN_ZOOM ? content.width / MIN_ZOOM : zoom > MAX_ZOOM ? content.width / MAX_ZOOM : w;
    },
    [content.width],
  );

  const zoomBy = useCallback(
    (factor: number, at?: { x: number; y: number }) => {
      setBox((b) => {
        const w = clampScale(b.w / factor);
        const h = (b.h * w) / b.w;
        const cx = at?.x ?? b.x + b.w / 2;
        const cy = at?.y ?? b.y + b.h / 2;
        // The point under the pointer stays where it is.
        return { x: cx - ((cx - b.x) * w) / b.w, y: cy - ((cy - b.y) * h) / b.h, w, h };
      });
    },
    [clampScale],
  );

  /** Content units per screen pixel, from the element's current transform. */
  const unitsPerPixel = useCallback(() => {
    const ctm = svgRef.current?.getScreenCTM();
    return ctm && ctm.a > 0 ? 1 / ctm.a : 1;
  }, [svgRef]);

  const toContent = useCallback(
    (clientX: number, clientY: number) => {
      const svg = svgRef.current;
      const ctm = svg?.getScreenCTM();
      if (!svg || !ctm) return undefined;
      const p = new DOMPoint(clientX, clientY).matrixTransform(ctm.inverse());
      return { x: p.x, y: p.y };
    },
    [svgRef],
  );

  // React's wheel listeners are passive; zooming must stop the page from scrolling.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return undefined;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      zoomBy(e.deltaY < 0 ? STEP : 1 / STEP, toContent(e.clientX, e.clientY));
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [svgRef, zoomBy, toContent]);

  const onPointerDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (e.button !== 0 || (e.target as Element).closest('.dag-node')) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY, box };
    const svg = e.currentTarget;
    svg.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      const d = drag.current;
      if (!d || ev.pointerId !== d.id) return;
      const k = unitsPerPixel();
      setBox({ ...d.box, x: d.box.x - (ev.clientX - d.x) * k, y: d.box.y - (ev.clientY - d.y) * k });
    };
    const up = (ev: PointerEvent) => {
      if (drag.current?.id !== ev.pointerId) return;
      drag.current = null;
      svg.removeEventListener('pointermove', move);
      svg.removeEventListener('pointerup', up);
      svg.removeEventListener('pointercancel', up);
    };
    svg.addEventListener('pointermove', move);
    svg.addEventListener('pointerup', up);
    svg.addEventListener('pointercancel', up);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const pan = (dx: number, dy: number) => setBox((b) => ({ ...b, x: b.x + dx * b.w, y: b.y + dy * b.h }));
    const actions: Record<string, () => void> = {
      ArrowLeft: () => pan(-0.1, 0),
      ArrowRight: () => pan(0.1, 0),
      ArrowUp: () => pan(0, -0.1),
      ArrowDown: () => pan(0, 0.1),
      '+': () => zoomBy(STEP),
      '=': () => zoomBy(STEP),
      '-': () => zoomBy(1 / STEP),
      '0': () => setBox(fitted()),
    };
    const act = actions[e.key];
    if (act && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      act();
    }
  };

  return {
    box,
    zoom: content.width / box.w,
    fit: () => setBox(fitted()),
    zoomBy,
    // 100 %: one content unit per screen pixel (zooming by the current units per pixel gets there).
    actualSize: () => zoomBy(unitsPerPixel()),
    onKeyDown,
    onPointerDown,
  };
}
