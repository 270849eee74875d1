import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { body, command, openManagementRoom } from '../e2e/e2e-helpers';
import type { TestMatrixClient } from '../harness/matrix-test-client';
import { startApiFixture, type ApiFixture } from './api-fixture';

jest.setTimeout(120_000);

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * The web page in a real browser (Debian's headless Chromium driven by playwright-core): a
 * user signs in with the link the bot sends for `web`, logs in to the example network through
 * the form and the live QR code, sees the login's bridge state, logs out and signs out.
 * Elements are found by role and label, as assistive technology finds them.
 */
describe('web page in Chromium', () => {
  let f: ApiFixture;
  let dana: TestMatrixClient;
  let browser: Browser;
  let page: Page;
  let link: string;
  const errors: string[] = [];

  beforeAll(async () => {
    // The example QR code "scans itself" after the reply delay: long enough to see it on the page.
    [f, browser] = await Promise.all([
      startApiFixture(2_000),
      chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
    ]);
    dana = await f.h.user('dana');
    page = await browser.newPage({ viewport: { width: 900, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await f?.stop();
  });

  it('signs in with the one-time link from the `web` command', async () => {
    const mgmt = await openManagementRoom(dana, f.h.bridge.botUserId);
    const reply = body(await command(dana, mgmt, f.h.bridge.botUserId, 'web', 'web page'));
    link = /(http\S+)/.exec(reply)?.[1] ?? '';
    await page.goto(link);
    await page.getByText(`Signed in as ${dana.userId}`).waitFor();
    // The spent code is gone from the address bar.
    expect(page.url()).not.toContain('code=');
    await page.getByRole('heading', { name: 'Example' }).waitFor();
    expect(await page.getByRole('article', { name: 'Example' }).innerText()).toContain('Not logged in.');
  });

  it('logs in to the example network: the form, a clear error, the live QR code, then the login', async () => {
    await page.getByRole('button', { name: 'Log in to Example' }).click();
    await page.getByLabel('Username').fill('D!');
    await page.getByLabel('Token (ex-…)').fill('ex-browsertoken');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByText('That does not look like a valid Username').waitFor();
    await page.getByLabel('Username').fill('dana');
    await page.getByRole('button', { name: 'Continue' }).click();
    const qr = page.getByRole('img', { name: /QR code to scan/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.getByText('Scan this QR code').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-page-qr.png'), fullPage: true });
    await page.getByRole('status').getByText('Logged in to Example as dana.').waitFor({ timeout: 15_000 });
    expect(await qr.count()).toBe(0);
  });

  it('shows the bridge state of the login', async () => {
    const card = page.getByRole('article', { name: 'Example' });
    // The list refreshes by itself; the session reports connected right after the login.
    await card.getByText('Connected', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await card.innerText()).toContain('dana: Connected');
    const rows = await f.h.bridge.store.logins.list({ userId: dana.userId });
    expect(rows.map((l) => [l.remoteId, l.state])).toEqual([['dana', 'connected']]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-page.png'), fullPage: true });
  });

  it('logs out of the network, then signs out of the page', async () => {
    await page.getByRole('button', { name: 'Log out dana' }).click();
    await page.getByRole('status').getByText('Logged out of Example (dana).').waitFor();
    await page.getByRole('article', { name: 'Example' }).getByText('Not logged in.').waitFor();
    expect(await f.h.bridge.store.logins.list({ userId: dana.userId })).toEqual([]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Your networks' }).isVisible()).toBe(false);
  });

  it('refuses the same link twice, saying what to do', async () => {
    await page.goto(link);
    await page.getByRole('alert').getByText('send `web` to the bridge bot for a new one').waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
  });

  it('ran without script errors', () => {
    // The browser logs the answers to the bad username (400) and the spent link (401) it was
    // made to send; anything else is a fault of the page.
    expect(errors.filter((e) => !/status of (400|401)/.test(e))).toEqual([]);
  });
});
