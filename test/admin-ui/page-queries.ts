import type { Page } from 'puppeteer-core';

// The callbacks below run in the browser. The project's TypeScript has no DOM library (it is
// Node code), so this file names the little of the DOM they use, for this file only.
interface PageNode {
  id: string;
  hidden: boolean;
  value: string;
  outerHTML: string;
  textContent: string | null;
  labels?: { length: number } | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  cookie: string;
  activeElement: PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};
declare const sessionStorage: Record<string, string>;
declare const localStorage: { length: number };

/** The text of the first element matching `selector` ('' when there is none). */
export function text(page: Page, selector: string): Promise<string> {
  return page.evaluate((s) => document.querySelector(s)?.textContent ?? '', selector);
}

/** The texts of every element matching `selector`, in document order. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(
    (s) => Array.from(document.querySelectorAll(s), (node) => node.textContent ?? ''),
    selector,
  );
}

export function count(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => document.querySelectorAll(s).length, selector);
}

export function isHidden(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((s) => document.querySelector(s)?.hidden === true, selector);
}

export function value(page: Page, selector: string): Promise<string> {
  return page.evaluate((s) => document.querySelector(s)?.value ?? '', selector);
}

export function attribute(page: Page, selector: string, name: string): Promise<string | null> {
  return page.evaluate(
    (s, n) => document.querySelector(s)?.getAttribute(n) ?? null,
    selector,
    name,
  );
}

/** The id of the element that has the keyboard focus. */
export function focusedId(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.id);
}

/** Resolves once the element's text contains `expected` (or equals it, with `exact`). */
export async function waitForText(
  page: Page,
  selector: string,
  expected: string,
  { exact = false } = {},
): Promise<void> {
  await page.waitForFunction(
    (s, e, whole) => {
      const content = document.querySelector(s)?.textContent;
      return typeof content === 'string' && (whole ? content === e : content.includes(e));
    },
    {},
    selector,
    expected,
    exact,
  );
}

/** Resolves once exactly `n` elements match `selector`. */
export async function waitForCount(page: Page, selector: string, n: number): Promise<void> {
  await page.waitForFunction(
    (s, want) => document.querySelectorAll(s).length === want,
    {},
    selector,
    n,
  );
}

/** What the page keeps in the browser: session storage, local storage size, cookies. */
export function browserStorage(
  page: Page,
): Promise<{ session: string; localItems: number; cookie: string }> {
  return page.evaluate(() => ({
    session: JSON.stringify(sessionStorage),
    localItems: localStorage.length,
    cookie: document.cookie,
  }));
}

/** Form controls with neither a <label> nor an aria-label (ids, or markup when unnamed). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('input, select, textarea'))
      .filter((control) => control.labels?.length === 0 && !control.getAttribute('aria-label'))
      .map((control) => control.id || control.outerHTML),
  );
}
