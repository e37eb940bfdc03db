/**
 * Page objects for the run overview (failure panel, outcome counts, pipeline drawing, chosen
 * step), the filtered Records view, the readable JSON pane and the lineage box. Geometry checks
 * read the drawn SVG from the DOM.
 */
import type { Page } from 'playwright-core';
import { RunPage, RunsPage, StartPage } from './pages.js';
import type { App } from './support.js';

/** Opens a fixture database through the (test-answered) open dialog and waits for its runs. */
export async function openDatabase(app: App, file: string, runs: number): Promise<RunsPage> {
  app.harness.queueDialog(file);
  await new StartPage(app.page).openViaDialog();
  const page = new RunsPage(app.page);
  await page.waitForRuns(runs);
  return page;
}

/** Opens a run from wherever the app is (back to the runs list first when a run is shown). */
export async function openRun(page: Page, runId: string): Promise<RunPage> {
  if (await page.locator('#run-title').count()) await page.getByRole('button', { name: '← Runs' }).click();
  return new RunsPage(page).openRun(runId);
}

export class OverviewPage {
  constructor(private readonly page: Page) {}

  /** The failure panel's status, causes and the steps listed with failures. */
  async failure(): Promise<{ status: string | null; causes: string[]; last: string | null; nodes: Array<[string, string]> }> {
    const panel = this.page.getByTestId('failure-panel');
    await panel.waitFor();
    const last = this.page.getByTestId('failure-last');
    return {
      status: await panel.getAttribute('data-status'),
      causes: await this.page.getByTestId('failure-cause').allInnerTexts(),
      last: (await last.count()) ? await last.innerText() : null,
      nodes: await this.page.locator('[data-testid="failure-nodes"] tbody tr').evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-node-id') ?? '', r.querySelector('td:nth-child(2)')?.textContent ?? ''] as [string, string]),
      ),
    };
  }

  async showFirstCauseRecord(): Promise<void> {
    await this.page.getByTestId('failure-cause').first().getByRole('button', { name: 'Show the record' }).click();
  }

  async showFailedStatesOf(nodeId: string): Promise<void> {
    await this.page.locator(`[data-testid="failure-nodes"] tr[data-node-id="${nodeId}"] td:nth-child(2) button`).click();
  }

  /** Outcome rows as shown: [outcome, sink ('' for none), count]. */
  async outcomes(): Promise<Array<[string, string, number]>> {
    await this.page.getByTestId('outcome-counts').waitFor();
    return this.page.locator('[data-testid="outcome-counts"] tr[data-outcome]').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-outcome') ?? '', r.getAttribute('data-sink') ?? '', Number((r.querySelector('[data-testid="outcome-count"]')?.textContent ?? '').replace(/,/g, ''))] as [string, string, number]),
    );
  }

  async openOutcome(outcome: string, sink: string): Promise<void> {
    await this.page.locator(`[data-testid="outcome-counts"] tr[data-outcome="${outcome}"][data-sink="${sink}"] [data-testid="outcome-count"]`).first().click();
  }
}

/** The Records grid as another view opened it: the request's words, its filter chips and the count. */
export class FilteredRecords {
  constructor(private readonly page: Page) {}

  /** Waits until the grid has counted the filtered records; the request's words and filters, and that count. */
  async all(): Promise<{ filter: string; found: number }> {
    await this.page.getByTestId('records-filter').waitFor();
    await this.page.waitForFunction(() => / of [\d,]+ \w+ records/.test(document.querySelector('[data-testid="records-loaded"]')?.textContent ?? ''));
    const loaded = await this.page.getByTestId('records-loaded').innerText();
    const chips = await this.page.locator('[data-testid="filter-chip"] button.link').allInnerTexts();
    return { filter: `${await this.page.getByTestId('records-filter').innerText()}: ${chips.join(' and ')}`, found: Number(loaded.split(' ')[0]!.replace(/,/g, '')) };
  }

  /** Opens the first listed record (a double click, as Enter does); the JSON pane's text. */
  async selectFirst(): Promise<string> {
    await this.page.locator('[data-testid="records-grid"] [role="row"][aria-rowindex="2"] [role="gridcell"]:not(:has(.loading))').first().waitFor();
    return new RunPage(this.page).selectFirstRecord();
  }
}

/** The readable JSON pane of the selected record. */
export class JsonPane {
  constructor(private readonly page: Page) {}

  private field(name: string) {
    return this.page.locator(`[data-testid="json-view"] .j-text-field[data-field="${name}"]`);
  }

  /** Scrolls the pane to a field. */
  async reveal(name: string): Promise<void> {
    await this.field(name).scrollIntoViewIfNeeded();
  }

  /** The text of a JSON-text field as shown readable (one line per value). */
  async readable(name: string): Promise<string> {
    return this.field(name).locator('.j-children').first().innerText();
  }

  async showStored(name: string): Promise<string> {
    await this.field(name).getByTestId('show-raw').click();
    return this.field(name).getByTestId('raw-text').innerText();
  }

  async showReadable(name: string): Promise<void> {
    await this.field(name).getByRole('button', { name: 'Readable' }).click();
  }

  /** Presses the copy-path button of the line of `key` inside field `name`; the path it names. */
  async copyPath(name: string, key: string): Promise<string> {
    // The line whose own key (a direct child) is `key`, not a line that merely contains it
    // (XPath 1 string literals cannot hold a single quote: keys used here have none).
    const keyText = `${JSON.stringify(key)}:`;
    const line = this.field(name).locator(`xpath=.//li[contains(@class, 'j-line')][span[contains(@class, 'j-key')][normalize-space(.) = '${keyText}']]`).first();
    const button = line.locator('> .copy-path');
    await line.hover();
    await button.click();
    return (await button.getAttribute('aria-label'))?.replace(/^Copy path /, '') ?? '';
  }
}

export interface Crossing {
  edge: string;
  node: string;
}

/** The pipeline drawing. */
export class DagPage {
  constructor(private readonly page: Page) {}

  async viewBox(): Promise<number[]> {
    const vb = await this.page.getByTestId('dag').getAttribute('viewBox');
    return (vb ?? '').split(' ').map(Number);
  }

  async zoomText(): Promise<string> {
    return this.page.getByTestId('dag-zoom').innerText();
  }

  /**
   * From the DOM: every edge path sampled along its length, every node's box in the drawing's
   * coordinates; the (edge, node) pairs where a path point lies strictly inside a box that is not
   * one of the edge's ends.
   */
  async crossings(): Promise<{ edges: number; nodes: number; crossings: Crossing[] }> {
    return this.page.getByTestId('dag').evaluate((svg) => {
      const s = svg as SVGSVGElement;
      const toSvg = s.getScreenCTM()!.inverse();
      const boxes = [...s.querySelectorAll<SVGGElement>('.dag-node')].map((g) => {
        const rect = g.querySelector<SVGRectElement>('rect.box')!;
        const m = toSvg.multiply(rect.getScreenCTM()!);
        const b = rect.getBBox();
        const a = new DOMPoint(b.x, b.y).matrixTransform(m);
        const c = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
        return { id: g.getAttribute('data-node-id')!, x1: Math.min(a.x, c.x), y1: Math.min(a.y, c.y), x2: Math.max(a.x, c.x), y2: Math.max(a.y, c.y) };
      });
      const crossings: Array<{ edge: string; node: string }> = [];
      const groups = [...s.querySelectorAll<SVGGElement>('.dag-edge-g')];
      for (const g of groups) {
        const path = g.querySelector<SVGPathElement>('path.dag-edge')!;
        const from = g.getAttribute('data-from');
        const to = g.getAttribute('data-to');
        const len = path.getTotalLength();
        const m = toSvg.multiply(path.getScreenCTM()!);
        for (const b of boxes) {
          if (b.id === from || b.id === to) continue;
          for (let d = 0; d <= len; d += 1) {
            const p = path.getPointAtLength(d).matrixTransform(m);
            if (p.x > b.x1 + 0.5 && p.x < b.x2 - 0.5 && p.y > b.y1 + 0.5 && p.y < b.y2 - 0.5) {
              crossings.push({ edge: `${from}→${to}`, node: b.id });
              break;
            }
          }
        }
      }
      return { edges: groups.length, nodes: boxes.length, crossings };
    });
  }

  /** Whether every node box is inside the visible frame. */
  async allNodesVisible(): Promise<boolean> {
    return this.page.getByTestId('dag').evaluate((svg) => {
      const frame = svg.getBoundingClientRect();
      return [...svg.querySelectorAll('.dag-node rect.box')].every((r) => {
        const b = r.getBoundingClientRect();
        return b.left >= frame.left - 1 && b.right <= frame.right + 1 && b.top >= frame.top - 1 && b.bottom <= frame.bottom + 1;
      });
    });
  }

  /** Drags the background by (dx, dy) screen pixels. */
  async drag(dx: number, dy: number): Promise<void> {
    const box = (await this.page.getByTestId('dag').boundingBox())!;
    // The top-left corner is background in a fitted drawing (the pad).
    const x = box.x + 4;
    const y = box.y + 4;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx, y + dy, { steps: 5 });
    await this.page.mouse.up();
  }

  async wheel(deltaY: number): Promise<void> {
    const box = (await this.page.getByTestId('dag').boundingBox())!;
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.mouse.wheel(0, deltaY);
  }

  async selectNode(nodeId: string): Promise<void> {
    await this.page.locator(`.dag-node[data-node-id="${nodeId}"]`).click();
    await this.page.locator(`[data-testid="node-panel"][data-node-id="${nodeId}"]`).waitFor();
  }
}

/** The lineage box: what it shows for typed text. */
export class LineageBox {
  constructor(private readonly page: Page) {}

  /** Types `text` and asks; the row shown (or null) and the note beside the field. */
  async lookup(text: string): Promise<{ row: number | null; note: string; tone: string }> {
    await this.page.getByTestId('lineage-query').fill(text);
    await this.page.getByTestId('lineage-show').click();
    const shown = this.page.locator(`[data-testid="lineage-summary"][data-query="${text.trim().replace(/"/g, '\\"')}"]`);
    const problem = this.page.locator('[data-testid="lineage-note"][data-tone="problem"]');
    await shown.or(problem).first().waitFor();
    const note = this.page.getByTestId('lineage-note');
    if (await problem.isVisible()) return { row: null, note: await note.innerText(), tone: 'problem' };
    const head = await shown.locator('strong').innerText();
    return { row: Number(head.replace(/^Row /, '')), note: await note.innerText(), tone: (await note.getAttribute('data-tone')) ?? '' };
  }
}
