import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { HTTPResponse, Page } from 'puppeteer-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BridgeHarness, parsePayload, startHarness } from '../support/bridge-harness';
import { addRoomModule } from '../support/sim-fixtures';
import { CHROMIUM, hasChromium, launchChromium } from './chromium';
import {
  attribute,
  browserStorage,
  focusedId,
  isHidden,
  text,
  texts,
  unlabelledControls,
  value,
  waitForCount,
  waitForText,
} from './page-queries';
import { PageWatch } from './page-watch';

if (!hasChromium)
  console.warn(
    `Skipping the admin page browser test: ${CHROMIUM} is missing (apt-get install chromium).`,
  );

const hmac = (secret: string, text: string) =>
  createHmac('sha256', secret).update(text).digest('hex');

/**
 * The /admin/ page driven in headless Chromium against the whole bridge: an operator signs in,
 * writes a rule with a live preview, and the broker's retained state follows; disabling,
 * re-ordering, editing and deleting go through the page too. Nothing may go wrong in the
 * browser on the way: no console error, no failed request beyond the refusals provoked.
 */
describe.skipIf(!hasChromium)('admin page in a browser', () => {
  let h: BridgeHarness;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let watch: PageWatch;
  let sys: string;
  const booking = { title: 'Budget review', host: { email: 'alice@example.com', name: 'Alice' } };
  const hashed = () => hmac(h.secrets[0], booking.host.email);

  const api = () => request(h.bridge.app.getHttpServer());
  const bookingTopic = () =>
    h.recorders[0]
      .topics()
      .find((t) => t.includes(`/${sys}/`) && t.endsWith('/Bookings/1/current'));
  const retainedEmail = () => {
    const topic = bookingTopic();
    const payload = topic ? h.recorders[0].latest.get(topic) : undefined;
    return payload ? (parsePayload(payload).value as typeof booking).host.email : undefined;
  };
  const waitForRetainedEmail = (email: string, what: string) =>
    h.recorders[0].waitFor(() => retainedEmail() === email, 10_000, what);
  const savedRules = async () =>
    (
      await api()
        .get('/api/v1/rules')
        .set({ authorization: `Bearer ${h.adminToken}` })
        .expect(200)
    ).body.items as Array<{ name: string; enabled: boolean; description?: string }>;
  const documented = async (path: string) =>
    path in (await api().get('/api/docs-json').expect(200)).body.paths;
  const fill = (selector: string, text: string) => page.locator(selector).fill(text);
  const click = (selector: string) => page.locator(selector).click();
  const previewBookingValue = async () => {
    await fill('#preview-topic', bookingTopic()!);
    await fill('#preview-value', JSON.stringify(booking));
  };

  beforeAll(async () => {
    h = await startHarness();
    const room = addRoomModule(h.sim.world, 'Board room', 'Bookings');
    sys = room.sys;
    h.sim.world.setState(room.mod, 'current', booking);
    await h.recorders[0].waitFor(
      () => retainedEmail() === booking.host.email,
      20_000,
      'plain value',
    );
    chromium = await launchChromium();
    page = await chromium.browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    watch = new PageWatch(page);
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
    await h?.close();
  });

  it('serves the page under a strict Content-Security-Policy', async () => {
    const response = (await page.goto(`${h.bridge.url}/admin/`)) as HTTPResponse;
    expect(response.status()).toBe(200);
    const csp = response.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await page.locator('#token').wait();
  });

  it('signs in with the typed token, kept in this tab only and never in a URL', async () => {
    watch.expect('GET', '/api/v1/rules', 401);
    await fill('#token', 'not-the-token');
    await click('#sign-in-form button[type=submit]');
    await waitForText(page, '#sign-in-error', 'The bridge did not accept this token.');
    await fill('#token', h.adminToken);
    await click('#sign-in-form button[type=submit]');
    await page.locator('#no-rules').wait();
    const stored = await browserStorage(page);
    expect(stored.session).toContain(h.adminToken);
    expect(stored).toMatchObject({ localItems: 0, cookie: '' });
    expect(watch.requestedUrls.some((url) => url.includes(h.adminToken))).toBe(false);
    await waitForText(page, '#broker-summary', '1 of 1 broker connected', { exact: true });
  });

  it('stays signed in across a reload of the tab', async () => {
    await page.reload();
    await page.locator('#no-rules').wait();
    expect(await isHidden(page, '#sign-in')).toBe(true);
  });

  it('previews a draft rule and creates it; the broker then holds the hashed value', async () => {
    await click('#new-rule');
    await fill('#rule-name', 'hash-emails');
    await fill('#rule-topic', 'placeos/+/state/#');
    await page.select('#rule-match-kind', 'detector');
    await page.select('#rule-detector', 'email');
    await page.select('#rule-action', 'hash');
    await previewBookingValue();
    await waitForText(page, '#preview-result pre', hashed());
    await click('#rule-form button[type=submit]');
    await waitForCount(page, '#rule-rows tr', 1);
    expect(await texts(page, '#rule-rows .rule-name')).toEqual(['hash-emails']);
    await waitForRetainedEmail(hashed(), 'the hashed e-mail');
  });

  it("shows the API's validation messages next to the fields they concern", async () => {
    // An invalid draft is refused by the preview as it is typed, and then by the save.
    watch.expect('POST', '/api/v1/rules/preview', 400, { repeats: true });
    watch.expect('POST', '/api/v1/rules', 400);
    await click('#new-rule');
    await fill('#rule-name', 'bad/name');
    await page.select('#rule-match-kind', 'regex');
    await fill('#rule-regex', 'room-[0-9]+');
    await fill('#rule-flags', 'z');
    await waitForText(page, '#preview-result ul.error', 'flags');
    await click('#rule-form button[type=submit]');
    await page.locator('#form-errors').wait();
    expect(await text(page, '#rule-name-error')).toContain('may contain only');
    expect(await text(page, '#rule-flags-error')).toContain('flags');
    expect(await text(page, '#rule-regex-error')).toBe('');
    expect(await attribute(page, '#rule-name', 'aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('form-errors');
    await click('#cancel-edit');
    expect((await savedRules()).map((r) => r.name)).toEqual(['hash-emails']);
  });

  it('disables a rule: the broker gets the plain value back', async () => {
    await click('[aria-label="Enable rule hash-emails"]');
    await waitForRetainedEmail(booking.host.email, 'the plain value');
    expect((await savedRules())[0].enabled).toBe(false);
    await click('[aria-label="Enable rule hash-emails"]');
    await waitForRetainedEmail(hashed(), 'the hashed value again');
  });

  it('re-orders rules by priority', async () => {
    await click('#new-rule');
    await fill('#rule-name', 'replace-titles');
    await page.select('#rule-match-kind', 'none');
    await fill('#rule-keys', 'title');
    await page.select('#rule-action', 'replace');
    await click('#rule-form button[type=submit]');
    await waitForCount(page, '#rule-rows tr', 2);
    expect(await texts(page, '#rule-rows .rule-name')).toEqual(['hash-emails', 'replace-titles']);
    await click('[aria-label="Move up rule replace-titles"]');
    await waitForText(page, '#rule-rows .rule-name', 'replace-titles', { exact: true });
    expect((await savedRules()).map((r) => r.name)).toEqual(['replace-titles', 'hash-emails']);
  });

  it('edits a rule in place', async () => {
    await click('[aria-label="Edit rule hash-emails"]');
    expect(await value(page, '#rule-name')).toBe('hash-emails');
    await fill('#rule-description', 'Booking hosts and attendees');
    await previewBookingValue();
    // Both saved rules and the edited draft act on the previewed value.
    await waitForText(page, '#preview-result pre', '[redacted]');
    await waitForText(page, '#preview-result pre', hashed());
    if (process.env.UPDATE_SCREENSHOT === '1') {
      mkdirSync('docs', { recursive: true });
      await page.screenshot({
        path: 'docs/admin-page.png',
        clip: { x: 0, y: 0, width: 1440, height: 1000 },
      });
    }
    await click('#rule-form button[type=submit]');
    await waitForText(page, '#rule-rows .rule-description', 'Booking hosts and attendees');
    const edited = (await savedRules()).find((r) => r.name === 'hash-emails');
    expect(edited?.description).toBe('Booking hosts and attendees');
  });

  it('deletes a rule after confirmation', async () => {
    await click('[aria-label="Delete rule replace-titles"]');
    await click('#confirm-delete-button');
    await waitForCount(page, '#rule-rows tr', 1);
    expect((await savedRules()).map((r) => r.name)).toEqual(['hash-emails']);
  });

  it('shows the impact of a draft on current state, when the bridge offers it', async () => {
    if (!(await documented('/api/v1/rules/impact'))) {
      expect(await isHidden(page, '#show-impact')).toBe(true);
      return;
    }
    await click('#new-rule');
    await fill('#rule-name', 'drop-bookings');
    await fill('#rule-topic', bookingTopic()!);
    await page.select('#rule-match-kind', 'none');
    await page.select('#rule-action', 'drop');
    await click('#show-impact');
    await waitForText(page, '#impact-result', 'Broker default');
    expect(await text(page, '#impact-result')).toMatch(/[1-9]\d* dropped/);
    await click('#cancel-edit');
    expect((await savedRules()).map((r) => r.name)).toEqual(['hash-emails']);
  });

  it('registers and removes a data subject, showing only its fingerprint', async () => {
    if (!(await documented('/api/v1/subjects'))) {
      expect(await isHidden(page, '#subjects')).toBe(true);
      return;
    }
    await fill('#subject-value', booking.host.email);
    await click('#subject-form button[type=submit]');
    await waitForCount(page, '#subject-rows tr', 1);
    expect(await text(page, '#subject-rows')).not.toContain(booking.host.email);
    expect(await value(page, '#subject-value')).toBe('');
    await click('#subject-rows button');
    await waitForCount(page, '#subject-rows tr', 0);
  });

  it('shows optional panels exactly when the bridge documents their endpoints', async () => {
    const paths = Object.keys((await api().get('/api/docs-json').expect(200)).body.paths);
    expect(await isHidden(page, '#findings')).toBe(!paths.includes('/api/v1/findings'));
    expect(await isHidden(page, '#subjects')).toBe(!paths.includes('/api/v1/subjects'));
    expect(await isHidden(page, '#show-impact')).toBe(!paths.includes('/api/v1/rules/impact'));
  });

  it('labels every form control', async () => {
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('had no console error and no failed request beyond the provoked refusals', () => {
    expect(watch.problems()).toEqual([]);
    expect(watch.unmetExpectations()).toEqual([]);
  });
});
