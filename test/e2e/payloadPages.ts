/**
 * Page objects of the payload features: the payload panels of a selected record and of the
 * lineage view, the store bar, and the payload audit panel.
 */
import type { Locator, Page } from 'playwright-core';

export class PayloadPanels {
  constructor(private readonly page: Page) {}

  /** The payload panel of one ref column, within `scope` (the record pane, the lineage view …). */
  panel(table: string, column: string, scope: Locator | Page = this.page): Locator {
    return scope.locator(`[data-testid="payload-${table}-${column}"]`);
  }

  /** Waits until the panel has verified (or failed to) and returns its status. */
  async status(table: string, column: string, scope: Locator | Page = this.page): Promise<string> {
    const done = scope.locator(`[data-testid="payload-${table}-${column}"][data-status]`).first();
    await done.waitFor();
    return (await done.getAttribute('data-status')) ?? '';
  }

  /** The field table of a verified source row: [name, value] pairs. */
  async fields(scope: Locator | Page = this.page): Promise<Array<[string, string]>> {
    const rows = this.panel('rows', 'source_data_ref', scope).locator('[data-testid="payload-fields"] tbody tr');
    return rows.evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? ''] as [string, string]));
  }
}

export class AuditPanel {
  constructor(private readonly page: Page) {}

  async storePath(): Promise<string> {
    return this.page.getByTestId('store-path').innerText();
  }

  async chooseStore(): Promise<void> {
    await this.page.getByTestId('store-choose').click();
  }

  /** Starts the audit and waits for its result; the counts shown. */
  async run(): Promise<Record<string, number>> {
    await this.page.getByTestId('audit-start').click();
    await this.page.getByTestId('audit-result').waitFor({ timeout: 60_000 });
    const out: Record<string, number> = {};
    for (const k of ['referenced', 'verified', 'missing', 'corrupt']) {
      out[k] = Number((await this.page.getByTestId(`audit-${k}`).innerText()).replace(/,/g, ''));
    }
    return out;
  }

  async verdict(): Promise<string | null> {
    return this.page.getByTestId('audit-result').getAttribute('data-verdict');
  }

  /** Problem rows: [status, ref, table.column, id]. */
  async problems(): Promise<string[][]> {
    return this.page.locator('[data-testid="audit-problems"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent ?? '')));
  }

  async exportCsv(): Promise<string> {
    await this.page.getByTestId('audit-export-csv').click();
    return this.page.getByTestId('audit-saved').innerText();
  }
}
