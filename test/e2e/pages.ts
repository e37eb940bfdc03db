/**
 * Page objects for the end-to-end tests: each wraps one screen of the app behind the actions a
 * user takes, so tests read as user stories. They drive a playwright-core Page, which may be the
 * harness in Chromium here or an Electron window where Electron is available.
 */
import type { Page } from 'playwright-core';

export class StartPage {
  constructor(private readonly page: Page) {}

  async openViaDialog(): Promise<void> {
    await this.page.getByTestId('open-database').click();
  }

  async errorCode(): Promise<string | null> {
    const panel = this.page.locator('.error-panel');
    await panel.waitFor();
    return panel.getAttribute('data-code');
  }

  /** The recent list once it has loaded (it is read from the main process when the screen opens). */
  async recentPaths(): Promise<string[]> {
    await this.page.locator('[data-testid="recent"][aria-busy="false"]').waitFor();
    return this.page.locator('.recent button').allInnerTexts();
  }

  /** Fills the Connect to PostgreSQL dialog and connects (the dialog stays open on failure). */
  async connectPostgres(c: { host: string; port: number; database: string; user: string; sslmode: string; password: string }): Promise<void> {
    await this.page.getByTestId('connect-postgres').click();
    await this.page.getByTestId('pg-host').fill(c.host);
    await this.page.getByTestId('pg-port').fill(String(c.port));
    await this.page.getByTestId('pg-database').fill(c.database);
    await this.page.getByTestId('pg-user').fill(c.user);
    await this.page.getByTestId('pg-sslmode').selectOption(c.sslmode);
    await this.page.getByTestId('pg-password').fill(c.password);
    await this.page.getByTestId('pg-connect').click();
  }
}

export class RunsPage {
  constructor(private readonly page: Page) {}

  async waitForRuns(n: number): Promise<void> {
    await this.page.locator('[data-testid="runs-table"] tbody tr').nth(n - 1).waitFor();
  }

  async runIds(): Promise<string[]> {
    return this.page.locator('[data-testid="runs-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id') ?? ''));
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('run-search').fill(text);
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.getByTestId('status-filter').selectOption(status);
  }

  async openRun(runId: string): Promise<RunPage> {
    await this.page.locator(`tr[data-run-id="${runId}"]`).click();
    await this.page.locator('#run-title').waitFor();
    return new RunPage(this.page);
  }
}

export class RunPage {
  constructor(private readonly page: Page) {}

  /** The run header's "written by" label (ELSPETH line and build). */
  async writer(): Promise<string> {
    return this.page.getByTestId('run-writer').innerText();
  }

  async tab(name: 'Overview' | 'Records' | 'Export' | 'Schema' | 'Diff' | 'Lineage' | 'Payloads'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  async dagNodeCount(): Promise<number> {
    await this.page.locator('svg.dag').waitFor();
    return this.page.locator('svg.dag .dag-node').count();
  }

  async chooseRecordType(type: string): Promise<void> {
    await this.page.getByTestId('record-type').selectOption(type);
  }

  /** "N of M loaded" → [N, M]. */
  async loaded(): Promise<[number, number]> {
    const t = await this.page.getByTestId('records-loaded').innerText();
    const m = /([\d,]+) of ([\d,]+)/.exec(t);
    return m ? [Number(m[1]?.replace(/,/g, '')), Number(m[2]?.replace(/,/g, ''))] : [0, 0];
  }

  async scrollRecordsToEnd(): Promise<void> {
    await this.page.getByTestId('records-grid').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  }

  async selectFirstRecord(): Promise<string> {
    // A click makes a cell current; a double click (or Enter) opens the record.
    await this.page.locator('[data-testid="records-grid"] .vrow').first().dblclick();
    return this.page.getByTestId('json-view').innerText();
  }

  /** Records grid: the names of the columns shown (a header also holds its sort mark and filter button). */
  async columnHeaders(): Promise<string[]> {
    return this.page.locator('[data-testid="records-grid"] [role="columnheader"] .head-name').allInnerTexts();
  }

  /** Column chooser: shows or hides one column, then closes the menu. */
  async setColumnShown(column: string, shown: boolean): Promise<void> {
    await this.page.getByTestId('column-chooser').click();
    await this.page.getByTestId('column-menu').getByLabel(column, { exact: true }).setChecked(shown);
    await this.page.keyboard.press('Escape');
    await this.page.getByTestId('column-menu').waitFor({ state: 'detached' });
  }

  /** Find by id: the JSON of the record shown, or the "no record" note. */
  async findById(id: string): Promise<{ json: string } | { note: string }> {
    await this.page.getByTestId('find-id').fill(id);
    await this.page.getByTestId('find-submit').click();
    const json = this.page.getByTestId('json-view').filter({ hasText: JSON.stringify(id) });
    const note = this.page.getByTestId('find-note');
    await json.or(note).first().waitFor();
    return (await note.isVisible()) ? { note: await note.innerText() } : { json: await json.innerText() };
  }

  /** "Show lineage" of the selected record: the token ids shown and the focused one. */
  async showLineageOfSelected(): Promise<{ tokens: string[]; focused: string | null }> {
    await this.page.getByTestId('show-lineage').click();
    await this.page.getByTestId('lineage-summary').waitFor();
    const tokens = await this.page.getByTestId('lineage-token').evaluateAll((els) => els.map((e) => e.id.replace(/^token-/, '')));
    const focused = await this.page.locator('[data-testid="lineage-token"].focused').getAttribute('id');
    return { tokens, focused: focused?.replace(/^token-/, '') ?? null };
  }

  async selectedTab(): Promise<string> {
    return this.page.locator('[role="tab"][aria-selected="true"]').innerText();
  }

  async chooseDestination(): Promise<string> {
    await this.page.getByTestId('choose-destination').click();
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="destination"]')?.classList.contains('muted'));
    return this.page.getByTestId('destination').innerText();
  }

  async chooseFormat(format: 'json' | 'jsonl' | 'csv'): Promise<void> {
    await this.page.locator(`input[name="format"][value="${format}"]`).check();
  }

  /** Schema tab: the readiness verdict and the codes of the findings shown. */
  async schemaSummary(): Promise<{ verdict: string | null; findings: string[]; fields: number; checks: number }> {
    await this.page.getByTestId('schema-view').waitFor();
    const findings = await this.page.locator('[data-testid="findings"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code') ?? ''));
    return {
      verdict: await this.page.getByTestId('readiness-verdict').getAttribute('data-verdict'),
      findings,
      fields: await this.page.locator('.schema-tree li').count(),
      checks: await this.page.locator('[data-testid="readiness-checks"] tbody tr').count(),
    };
  }

  /** Diff tab: compares with another run; the severities of the change rows ([] for "no changes"). */
  async diffWithRun(runId: string): Promise<string[] | 'no changes'> {
    await this.page.getByTestId('diff-run').selectOption(runId);
    await this.page.locator(`[data-testid="diff-result"][data-target="run:${runId}"]`).waitFor();
    if (await this.page.getByTestId('no-changes').isVisible()) return 'no changes';
    return this.page.locator('[data-testid="change-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity') ?? ''));
  }

  async diffWithFile(): Promise<void> {
    await this.page.getByTestId('diff-file').click();
    await this.page.locator('[data-testid="diff-result"][data-target^="file:"]').waitFor();
  }

  /** Lineage tab: asks for something that matches nothing (or several things); the inline note beside the field. */
  async showLineageProblem(query: string): Promise<string> {
    await this.page.getByTestId('lineage-query').fill(query);
    await this.page.getByTestId('lineage-show').click();
    const note = this.page.locator('[data-testid="lineage-note"][data-tone="problem"]');
    await note.waitFor();
    return note.innerText();
  }

  /** Lineage tab: shows a row (index) or token; the number of tokens and node states shown. */
  async showLineage(query: string): Promise<{ tokens: number; states: number }> {
    await this.page.getByTestId('lineage-query').fill(query);
    await this.page.getByTestId('lineage-show').click();
    await this.page.locator(`[data-testid="lineage-summary"][data-query="${query.trim()}"]`).waitFor();
    return {
      tokens: await this.page.getByTestId('lineage-token').count(),
      states: await this.page.getByTestId('node-state').count(),
    };
  }

  async signWithTypedKey(key: string): Promise<void> {
    await this.page.getByTestId('sign-key').check();
    await this.page.getByTestId('key-input').fill(key);
  }

  async startExport(): Promise<void> {
    await this.page.getByTestId('start-export').click();
  }

  async cancelExport(): Promise<void> {
    // The progress panel re-renders every poll; the button itself does not move.
    await this.page.getByTestId('cancel-export').click({ force: true });
  }

  async waitForResult(): Promise<{ target: string; finalHash: string; sha256: string[] }> {
    await this.page.getByTestId('export-result').waitFor({ timeout: 60_000 });
    return {
      target: await this.page.getByTestId('export-target').innerText(),
      finalHash: await this.page.getByTestId('final-hash').innerText(),
      sha256: await this.page.getByTestId('file-sha256').allInnerTexts(),
    };
  }
}

/** The Verify view: choose an export, a key, run, read the verdict and failures. */
export class VerifyPage {
  constructor(private readonly page: Page) {}

  async openFromHeader(): Promise<void> {
    await this.page.getByTestId('nav-verify').click();
    await this.page.locator('#verify-title').waitFor();
  }

  async target(): Promise<string> {
    return this.page.getByTestId('verify-target').innerText();
  }

  async chooseFile(): Promise<void> {
    await this.page.getByTestId('verify-choose-file').click();
    await this.page.waitForFunction(() => !document.querySelector('[data-testid="verify-target"]')?.classList.contains('muted'));
  }

  async typeKey(key: string): Promise<void> {
    await this.page.getByTestId('verify-key-typed').check();
    await this.page.getByTestId('verify-key-input').fill(key);
  }

  /** Runs verification; the verdict ('pass' or 'fail') once the report is shown. */
  async run(): Promise<string | null> {
    await this.page.getByTestId('verify-run').click();
    await this.page.getByTestId('verify-verdict').waitFor({ timeout: 60_000 });
    return this.page.getByTestId('verify-verdict').getAttribute('data-verdict');
  }

  /** Ticks "Re-check against the open database". */
  async useDatabase(): Promise<void> {
    await this.page.getByTestId('verify-use-db').check();
  }

  /** Starts verifying and waits for the progress bar; the step it names. */
  async startAndWaitForProgress(): Promise<string> {
    await this.page.getByTestId('verify-run').click();
    await this.page.getByTestId('verify-progress').waitFor({ timeout: 30_000 });
    return this.page.getByTestId('progress-step').innerText();
  }

  /** The progress bar's [done, total] as its aria values say (bytes). */
  async progressValues(): Promise<[number, number]> {
    const bar = this.page.getByTestId('verify-progress').getByRole('progressbar');
    return [Number(await bar.getAttribute('aria-valuenow')), Number(await bar.getAttribute('aria-valuemax'))];
  }

  /** Waits for the report after a started verification; its verdict. */
  async waitForVerdict(): Promise<string | null> {
    await this.page.getByTestId('verify-verdict').waitFor({ timeout: 120_000 });
    return this.page.getByTestId('verify-verdict').getAttribute('data-verdict');
  }

  /** Cancels the running verification; the calm note shown instead of a report. */
  async cancel(): Promise<string> {
    // The progress panel re-renders every poll; the button itself does not move.
    await this.page.getByTestId('cancel-verify').click({ force: true });
    await this.page.getByTestId('verify-cancelled').waitFor({ timeout: 60_000 });
    return this.page.getByTestId('verify-cancelled').innerText();
  }

  /** Failure rows: [record index, record type, kind, where, message]. */
  async failures(): Promise<string[][]> {
    return this.page.locator('[data-testid="verify-failures"] tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  }

  async fileStatuses(): Promise<string[]> {
    return this.page.locator('[data-testid="verify-files"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status') ?? ''));
  }
}

/** The History view: the export journal. */
export class HistoryPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-history').click();
    await this.page.locator('#history-title').waitFor();
  }

  /** Outcome of each row, newest first (once the journal is read: the table is aria-busy until then). */
  async outcomes(): Promise<string[]> {
    await this.page.locator('[data-testid="history-table"]:not([aria-busy="true"])').waitFor();
    return this.page.locator('[data-testid="history-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome') ?? ''));
  }

  async exportCsv(): Promise<string> {
    await this.page.getByTestId('journal-export-csv').click();
    return this.page.getByTestId('journal-saved').innerText();
  }

  async verifyAgain(row = 0): Promise<void> {
    await this.page.getByTestId('verify-again').nth(row).click();
    await this.page.locator('#verify-title').waitFor();
  }
}

/** The passphrase prompt of an encrypted database. */
export class PassphrasePage {
  constructor(private readonly page: Page) {}

  async waitFor(): Promise<void> {
    await this.page.getByTestId('passphrase-prompt').waitFor();
  }

  /** The input's type attribute ("password" when masked). */
  async inputType(): Promise<string | null> {
    return this.page.getByTestId('passphrase-input').getAttribute('type');
  }

  async submit(passphrase: string): Promise<void> {
    await this.page.getByTestId('passphrase-input').fill(passphrase);
    await this.page.getByTestId('passphrase-submit').click();
  }

  /** Waits for the inline "wrong passphrase" message; its text. */
  async wrongMessage(): Promise<string> {
    await this.page.getByTestId('passphrase-error').waitFor();
    return this.page.getByTestId('passphrase-error').innerText();
  }

  async cancel(): Promise<void> {
    await this.page.getByTestId('passphrase-cancel').click();
    await this.page.getByTestId('passphrase-prompt').waitFor({ state: 'detached' });
  }
}

/** The Connect dialog as it opens at start to restore a last view on a PostgreSQL database. */
export class ConnectPromptPage {
  constructor(private readonly page: Page) {}

  /** Waits for the dialog and for its reconnect without a typed password to have ended. */
  async waitFor(): Promise<void> {
    await this.page.getByTestId('connect-restoring').waitFor();
    await this.page.getByTestId('connect-reconnecting').waitFor({ state: 'detached' });
  }

  /** The fields as filled in, the password's value and type included. */
  async fields(): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    for (const f of ['host', 'port', 'database', 'user', 'sslmode', 'password']) out[f] = await this.page.getByTestId(`pg-${f}`).inputValue();
    out['passwordType'] = await this.page.getByTestId('pg-password').getAttribute('type');
    return out;
  }

  async submit(password: string): Promise<void> {
    await this.page.getByTestId('pg-password').fill(password);
    await this.page.getByTestId('pg-connect').click();
  }

  /** Waits for the failure shown in the dialog; its code. */
  async errorCode(): Promise<string | null> {
    const panel = this.page.getByTestId('connect-dialog').locator('.error-panel');
    await panel.waitFor();
    return panel.getAttribute('data-code');
  }

  async cancel(): Promise<void> {
    await this.page.getByTestId('pg-cancel').click();
    await this.page.getByTestId('connect-dialog').waitFor({ state: 'detached' });
  }
}
