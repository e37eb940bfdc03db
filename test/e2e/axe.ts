/**
 * Machine-checked accessibility: axe-core (a devDependency) run inside the page on the current
 * view. The source is evaluated through the DevTools protocol, so the page's strict CSP stays as
 * it is. Serious and critical violations fail the test; the rest are returned for the record.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe on the whole page; every violation, worst first. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  const rank = (i: string | null) => ['critical', 'serious', 'moderate', 'minor'].indexOf(i ?? 'minor');
  return result.sort((a, b) => rank(a.impact) - rank(b.impact));
}

/** The serious and critical violations, as readable lines (empty when there are none). */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(' ')}`);
}

/**
 * What axe lets through but reviewers reported: ARIA id references to elements that do not exist
 * (axe accepts a missing `aria-controls` on an unselected tab), and a tree role, whose arrow-key
 * navigation none of our lists implement.
 */
export async function ariaReferenceProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const attr of ['aria-controls', 'aria-labelledby', 'aria-describedby', 'aria-owns', 'aria-activedescendant', 'aria-details', 'aria-errormessage']) {
      for (const el of document.querySelectorAll(`[${attr}]`)) {
        for (const id of (el.getAttribute(attr) ?? '').split(/\s+/).filter(Boolean)) {
          if (!document.getElementById(id)) out.push(`${attr}="${id}" on <${el.tagName.toLowerCase()}> names no element`);
        }
      }
    }
    for (const el of document.querySelectorAll('[role="tree"], [role="treegrid"], [role="treeitem"]')) out.push(`<${el.tagName.toLowerCase()} role="${el.getAttribute('role')}"> without tree keyboard support`);
    return out;
  });
}
