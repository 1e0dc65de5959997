import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, missingForBrowserTests, pngSize, type BrowserPage, type ChromiumSession } from '../support/chromium.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { createOrderThroughGateway, recordScansThroughGateway, scanOf } from '../support/through-gateway.ts';

/**
 * The tracking page as a person sees it: the local stack of `npm start`, an order and its scans posted through
 * the signed webhooks, and the page opened in Debian's headless Chromium. Needs playwright-core and
 * /usr/bin/chromium (scripts/install-browser.sh); without them the suite is skipped and says why.
 */

const missing = await missingForBrowserTests();
const screenshots = path.resolve(import.meta.dirname, '__screenshots__');
const phone = { width: 390, height: 844 };

describe.skipIf(missing !== undefined)(`the tracking page in Chromium${missing === undefined ? '' : ` — skipped: ${missing}`}`, () => {
  let tracking: TestStack;
  let chromium: ChromiumSession;
  let page: BrowserPage;
  let waybillNo: string;

  beforeAll(async () => {
    tracking = await startTestStack();
    waybillNo = await createOrderThroughGateway(tracking.gatewayUrl, {
      partnerOrderId: `e2e-${Date.now()}`,
      sender: { name: 'Acme Store', phone: '021-58889999', address: { province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号' } },
      receiver: { name: '張三', phone: '13812345678', address: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号 502 室' } },
      weightGrams: 1250,
      items: [{ name: 'books', quantity: 2 }],
    });
    // Sent out of order, in two requests: the page must show them by time.
    await recordScansThroughGateway(tracking.gatewayUrl, [
      scanOf(waybillNo, 'e-4', 'OUT_FOR_DELIVERY', '2025-11-26T09:30:00+08:00', { facilityCode: 'HZ-XH-01', facilityName: 'Hangzhou Xihu hub' }),
      scanOf(waybillNo, 'e-1', 'PICKED_UP', '2025-11-25T14:03:00+08:00', { facilityName: 'Shanghai Pudong branch' }),
    ]);
    await recordScansThroughGateway(tracking.gatewayUrl, [
      scanOf(waybillNo, 'e-3', 'EXCEPTION', '2025-11-26T07:00:00+08:00', { facilityCode: 'HZ-XH-01', remark: "<script>document.title='pwned'</script> box dented" }),
      scanOf(waybillNo, 'e-2', 'ARRIVED', '2025-11-26T06:10:00+08:00', { facilityCode: 'HZ-XH-01', facilityName: 'Hangzhou Xihu hub' }),
    ]);
    chromium = await launchChromium(phone);
    page = await chromium.context.newPage();
  });

  afterAll(async () => {
    await chromium?.close();
    await tracking?.close();
  });

  it('shows the status and every scan, in time order', async () => {
    const response = await page.goto(`${tracking.gatewayUrl}/track/${waybillNo}`);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Parcel ${waybillNo}`);
    const status = page.locator('.status');
    expect(await status.isVisible()).toBe(true);
    expect(await status.innerText()).toBe('Out for delivery');

    const items = page.locator('ol.timeline > li');
    expect(await items.count()).toBe(4);
    for (let index = 0; index < 4; index++) expect(await items.nth(index).isVisible()).toBe(true);
    const titles = await page.locator('ol.timeline > li .event-title').allInnerTexts();
    expect(titles).toEqual(['Picked up', 'Arrived at facility', 'Exception reported', 'Out for delivery']);
  });

  it('shows a <script> remark as text without running it', async () => {
    expect(await page.locator('.event-remark').innerText()).toBe("<script>document.title='pwned'</script> box dented");
    expect(await page.title()).toBe(`Parcel ${waybillNo}: Out for delivery`);
  });

  it('shows the receiver masked, and no street address', async () => {
    const facts = await page.locator('dl.facts').innerText();
    expect(facts).toContain('張*');
    expect(facts).toContain('138****5678');
    expect(facts).toContain('浙江省 杭州市 西湖区');
    expect(facts).not.toMatch(/張三|13812345678|文三路/u);
  });

  it('looks right on a phone: a screenshot of the viewport and one of the whole page', async () => {
    await mkdir(screenshots, { recursive: true });
    const viewportShot = path.join(screenshots, 'tracking-page.png');
    await page.screenshot({ path: viewportShot });
    expect(pngSize(await readFile(viewportShot))).toEqual(phone);
    const fullShot = path.join(screenshots, 'tracking-page-full.png');
    await page.screenshot({ path: fullShot, fullPage: true });
    const full = pngSize(await readFile(fullShot));
    expect(full?.width).toBe(phone.width);
    expect(full?.height).toBeGreaterThan(phone.height);
  });

  it('takes a number typed into the search form, spaces and all, to its page', async () => {
    await page.goto(`${tracking.gatewayUrl}/track`);
    await page.getByLabel('Waybill number').fill(`${waybillNo.slice(0, 4)} ${waybillNo.slice(4, 8)} ${waybillNo.slice(8)}`);
    await page.getByRole('button', { name: 'Track' }).click();
    await page.waitForURL(new RegExp(`/track/${waybillNo}$`, 'u'));
    expect(await page.locator('.status').innerText()).toBe('Out for delivery');
  });

  it('explains a mistyped number next to the field and keeps what was typed', async () => {
    const mistyped = `${waybillNo.slice(0, 14)}${(Number(waybillNo[14]) + 1) % 10}`;
    await page.goto(`${tracking.gatewayUrl}/track`);
    await page.getByLabel('Waybill number').fill(mistyped);
    await page.getByRole('button', { name: 'Track' }).click();
    await page.waitForURL(new RegExp(`/track/${mistyped}$`, 'u'));
    const field = page.getByLabel('Waybill number');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('value')).toBe(mistyped);
    expect(await page.locator('#waybill-error').innerText()).toContain('check digit does not match');
    await page.screenshot({ path: path.join(screenshots, 'tracking-page-invalid.png') });
  });
});
