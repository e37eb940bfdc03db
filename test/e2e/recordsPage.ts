/**
 * Page object of the records grid for the end-to-end tests, driven by the keyboard wherever a
 * reviewer would use it. Every key goes through `keys`, which counts presses (a typed text counts
 * one per character), so a test can say how many key presses a task took.
 */
import type { Page } from 'playwright-core';

/** The keyboard, counting every press. */
export class CountingKeyboard {
  presses = 0;
  constructor(private readonly page: Page) {}

  async press(key: string): Promise<void> {
    this.presses++;
    await this.page.keyboard.press(key);
  }

  async type(text: string): Promise<void> {
    this.presses += [...text].length;
    await this.page.keyboard.type(text);
  }
}

export class RecordsGridPage {
  readonly keys: CountingKeyboard;
  constructor(private readonly page: Page) {
    this.keys = new CountingKeyboard(page);
  }

  grid() {
    return this.page.getByTestId('records-grid');
  }

  /** The element that has the focus, described for assertions. */
  async focused(): Promise<{ tag: string; testId: string | null; id: string; role: string | null; text: string }> {
    return this.page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { tag: el?.tagName ?? '', testId: el?.getAttribute('data-testid') ?? null, id: el?.id ?? '', role: el?.getAttribute('role') ?? null, text: (el?.innerText ?? '').slice(0, 80) };
    });
  }

  /** "N of M type records": [N, M]. */
  async counts(): Promise<[number, number]> {
    const loaded = this.page.getByTestId('records-loaded');
    await this.page.waitForFunction(() => !/Counting/.test(document.querySelector('[data-testid="records-loaded"]')?.textContent ?? 'Counting'));
    const m = /([\d,]+) of ([\d,]+)/.exec(await loaded.innerText());
    return m ? [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))] : [0, 0];
  }

  /** Waits until the grid shows `n` matching records. */
  async waitForCount(n: number): Promise<void> {
    await this.page.waitForFunction((want) => new RegExp(`^${want.toLocaleString('en-US')} of`).test(document.querySelector('[data-testid="records-loaded"]')?.textContent ?? ''), n);
  }

  /** The values of one column in the rows rendered now (loaded ones), top to bottom. */
  async columnValues(column: string): Promise<string[]> {
    await this.waitForRows();
    return this.grid().locator(`[role="row"][aria-rowindex] [data-column="${column}"]`).evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  }

  /**
   * Waits until the list is counted and every row the grid shows has its record (the grid is
   * aria-busy while a page is on its way: its cells are empty meanwhile).
   */
  async waitForRows(): Promise<void> {
    await this.page.waitForFunction(() => {
      const loaded = document.querySelector('[data-testid="records-loaded"]')?.textContent ?? '';
      const grid = document.querySelector('[data-testid="records-grid"]');
      return !loaded.startsWith('Counting') && grid !== null && grid.getAttribute('aria-busy') !== 'true';
    });
  }

  /** Active cell as the grid reports it: [record position, column]. */
  async activeCell(): Promise<[number, string]> {
    const g = this.grid();
    return [Number(await g.getAttribute('data-active-row')), (await g.getAttribute('data-active-column')) ?? ''];
  }

  /** Waits until the grid reports this active row (and column, when given); keys and clicks move it asynchronously. */
  async waitForActive(row: number, column?: string): Promise<void> {
    await this.page.waitForFunction(
      ([r, c]) => {
        const g = document.querySelector('[data-testid="records-grid"]');
        return g?.getAttribute('data-active-row') === String(r) && (c === null || g.getAttribute('data-active-column') === c);
      },
      [row, column ?? null] as const,
    );
  }

  /** Waits until the row at a position is rendered with its values; the text of one of its cells. */
  async cellAt(index: number, column: string): Promise<string> {
    const cell = this.grid().locator(`[role="row"][aria-rowindex="${index + 2}"] [data-column="${column}"]`);
    await this.page.waitForFunction(
      ([i, c]) => {
        const el = document.querySelector(`[data-testid="records-grid"] [role="row"][aria-rowindex="${Number(i) + 2}"] [data-column="${c}"]`);
        return el !== null && el.querySelector('.loading') === null;
      },
      [index, column] as const,
      { timeout: 60_000 },
    );
    return cell.innerText();
  }

  async headerWidth(column: string): Promise<number> {
    return (await this.grid().locator(`[role="columnheader"]:has(.head-name:text-is("${column}"))`).boundingBox())?.width ?? 0;
  }

  async openFilterWithMouse(column: string): Promise<void> {
    await this.grid().getByRole('button', { name: `Filter ${column}`, exact: true }).click();
    await this.page.getByTestId('filter-input').waitFor();
  }

  async typeFilter(text: string): Promise<void> {
    await this.page.getByTestId('filter-input').fill(text);
    await this.page.getByTestId('filter-input').press('Enter');
  }

  async chips(): Promise<string[]> {
    return this.page.getByTestId('filter-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-field') ?? ''));
  }
}
