import type { Page } from 'puppeteer-core';

interface Expected {
  method: string;
  path: string;
  status: number;
  /** Any number of such answers (at least one), rather than exactly one. */
  repeats: boolean;
}

/**
 * Everything that goes wrong in a page: console errors and warnings, uncaught exceptions,
 * requests that fail or answer 4xx/5xx. A test declares the refusals it provokes; Chromium's
 * own console line about such a response ("Failed to load resource … 400") is then expected too.
 */
export class PageWatch {
  readonly requestedUrls: string[] = [];
  private readonly console: { text: string; url?: string }[] = [];
  private readonly failures: string[] = [];
  private readonly responses: { method: string; url: string; status: number }[] = [];
  private readonly expected: Expected[] = [];

  constructor(page: Page) {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warn')
        this.console.push({
          text: `${message.type()}: ${message.text()}`,
          url: message.location().url,
        });
    });
    page.on('pageerror', (error) => this.failures.push(`uncaught: ${String(error)}`));
    page.on('request', (request) => this.requestedUrls.push(request.url()));
    page.on('requestfailed', (request) => {
      // Cancelled by the browser (a reload while a poll was in flight), not refused by anyone.
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      this.failures.push(
        `failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`,
      );
    });
    page.on('response', (response) => {
      if (response.status() >= 400)
        this.responses.push({
          method: response.request().method(),
          url: response.url(),
          status: response.status(),
        });
    });
  }

  /**
   * Declares that the page will get a `status` answer to `method path` (a provoked refusal):
   * exactly one, or with `repeats` one or more.
   */
  expect(method: string, path: string, status: number, { repeats = false } = {}): void {
    this.expected.push({ method, path, status, repeats });
  }

  /** What went wrong that no expectation covers. */
  problems(): string[] {
    return this.reconcile().problems;
  }

  /** Declared refusals that never happened (so the test did not provoke what it meant to). */
  unmetExpectations(): string[] {
    return this.reconcile().unmet;
  }

  /** Matches what happened against what was expected; pure, so it can be asked any time. */
  private reconcile(): { problems: string[]; unmet: string[] } {
    const problems = [...this.failures];
    const seen = new Set<Expected>();
    const explained = new Set<string>();
    for (const response of this.responses) {
      const match = this.expected.find(
        (e) =>
          (e.repeats || !seen.has(e)) &&
          e.method === response.method &&
          e.status === response.status &&
          new URL(response.url).pathname === e.path,
      );
      if (match) {
        seen.add(match);
        explained.add(response.url);
      } else problems.push(`${response.method} ${response.url} → ${response.status}`);
    }
    for (const line of this.console) {
      const chromiumNetworkLine =
        line.url !== undefined &&
        explained.has(line.url) &&
        line.text.startsWith('error: Failed to load resource');
      if (!chromiumNetworkLine) problems.push(`console ${line.text} (${line.url ?? 'no url'})`);
    }
    const unmet = this.expected
      .filter((e) => !seen.has(e))
      .map((e) => `${e.method} ${e.path} ${e.status}`);
    return { problems, unmet };
  }
}
