/**
 * Focus across view changes: a new view puts the focus on its heading (so a screen reader says
 * where the reviewer is and Tab starts from the top of it), and going back returns the focus to
 * the element it was on before, found again by a stable selector (its id, a run row's run id, or
 * its test id) once the view has rendered it.
 */

/** A selector that finds `el` again after its view is rendered anew, or null. */
export function describeFocus(el: Element | null): string | null {
  if (!el || el === document.body) return null;
  if (el.id) return `#${CSS.escape(el.id)}`;
  const run = el.getAttribute('data-run-id');
  if (run) return `[data-run-id="${CSS.escape(run)}"]`;
  const testId = el.getAttribute('data-testid');
  return testId ? `[data-testid="${CSS.escape(testId)}"]` : null;
}

let attempt = 0;

/**
 * Once the new view has rendered (polled over a few frames: views load their data first), focuses
 * the element `restore` selects, or else the view's heading.
 */
export function focusView(restore: string | null): void {
  const mine = ++attempt;
  const started = performance.now();
  const tick = () => {
    if (mine !== attempt) return;
    const target = (restore ? document.querySelector<HTMLElement>(restore) : null) ?? document.querySelector<HTMLElement>('main h1');
    if (target && (!restore || target.matches(restore) || performance.now() - started > 1500)) {
      if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus();
      return;
    }
    if (performance.now() - started < 3000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}
