import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { waybillNoSchema, type ParcelTracking } from '../../../layers/core/src/domain/index.ts';
import {
  formatOccurredAt,
  renderInvalidWaybillPage,
  renderParcelNotFoundPage,
  renderSearchPage,
  renderTrackingPage,
  trackingPageContentSecurityPolicy,
} from '../../../layers/core/src/http/tracking-page-html.ts';

const waybillNo = waybillNoSchema.parse('773061155005900');

const tracking: ParcelTracking = {
  waybillNo,
  status: 'ARRIVED',
  exception: { active: true, reason: 'box <b>damaged</b>' },
  lastEvent: { type: 'ARRIVED', occurredAt: '2025-11-26T06:10:00+08:00', facilityCode: 'HZ-XH-01', facilityName: 'Hangzhou "Xihu" hub' },
  events: [
    { type: 'PICKED_UP', occurredAt: '2025-11-25T14:03:00+08:00', facilityCode: 'SH-PD-01', facilityName: 'Shanghai Pudong branch' },
    { type: 'DEPARTED', occurredAt: '2025-11-25T20:45:00+08:00', facilityCode: 'SH-PD-01', nextFacilityCode: 'HZ-XH-01' },
    { type: 'EXCEPTION', occurredAt: '2025-11-26T01:00:00Z', facilityCode: 'HZ-XH-01', remark: '<script>alert("pwned")</script>' },
    { type: 'ARRIVED', occurredAt: '2025-11-26T06:10:00+08:00', facilityCode: 'HZ-XH-01', facilityName: 'Hangzhou "Xihu" hub' },
  ],
  order: {
    receiver: { name: '張*', phone: '138****5678', province: '浙江省', city: '杭州市', district: '<img src=x onerror=alert(1)>' },
    weightGrams: 1250,
  },
};

function count(haystack: string, needle: RegExp): number {
  return haystack.match(new RegExp(needle.source, `${needle.flags.replace('g', '')}g`))?.length ?? 0;
}

describe('the tracking page', () => {
  const page = renderTrackingPage(tracking);

  it('escapes a <script> in a remark, so it shows as text and never runs', () => {
    expect(page).not.toMatch(/<script/iu);
    expect(page).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
  });

  it('escapes every other value too: facility names, exception reasons, order fields', () => {
    expect(page).toContain('Hangzhou &quot;Xihu&quot; hub');
    expect(page).toContain('box &lt;b&gt;damaged&lt;/b&gt;');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<b>');
  });

  it('declares its language and a viewport for phones', () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/u);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('has banner, main and footer landmarks, one h1 and a heading per section', () => {
    expect(page).toContain('<header class="site">');
    expect(page).toContain('<main id="main">');
    expect(page).toContain('<footer class="site">');
    expect(count(page, /<h1[ >]/u)).toBe(1);
    expect(count(page, /<h2 id=/u)).toBe(4);
    expect(count(page, /<section aria-labelledby=|<section class="summary" aria-labelledby=/u)).toBe(4);
  });

  it('shows the timeline as an ordered list, oldest first, the latest marked as the current step', () => {
    const list = /<ol class="timeline" role="list">([\s\S]*?)<\/ol>/u.exec(page)?.[1] ?? '';
    const types = [...list.matchAll(/<li [^>]*data-type="([A-Z_]+)"/gu)].map((match) => match[1]);
    expect(types).toEqual(['PICKED_UP', 'DEPARTED', 'EXCEPTION', 'ARRIVED']);
    expect(list).toMatch(/<li class="event latest" data-type="ARRIVED" aria-current="step">/u);
    expect(list).toContain('<time datetime="2025-11-25T14:03:00+08:00">2025-11-25 14:03 (UTC+08:00)</time>');
  });

  it('shows the status, a standing exception and the masked receiver', () => {
    expect(page).toContain('<p class="status" data-status="ARRIVED">Arrived at facility</p>');
    expect(page).toContain('<p class="alert" role="note"><strong>Exception:</strong> box &lt;b&gt;damaged&lt;/b&gt;</p>');
    expect(page).toContain('<dt>Receiver</dt><dd>張*</dd>');
    expect(page).toContain('<dt>Phone</dt><dd>138****5678</dd>');
    expect(page).toContain('<dt>Weight</dt><dd>1.25 kg</dd>');
  });

  it('does not show an exception that a later scan cleared', () => {
    const cleared = renderTrackingPage({ ...tracking, exception: { active: false, reason: 'box damaged' } });
    expect(cleared).not.toContain('class="alert"');
  });

  it('says an order without scans awaits pickup', () => {
    const waiting = renderTrackingPage({ waybillNo, status: null, lastEvent: null, events: [], order: { receiver: { name: '張*' } } });
    expect(waiting).toContain('Order created, awaiting pickup');
    expect(waiting).toContain('<p>No scan yet.</p>');
  });

  it('has a labelled search field and loads nothing from anywhere: no script, no link, no image, no URL', () => {
    expect(page).toContain('<label for="waybillNo">Waybill number</label>');
    expect(page).toMatch(/<input id="waybillNo" name="waybillNo"[^>]*aria-describedby="waybill-hint"/u);
    expect(page).not.toMatch(/<(script|link|img|iframe)\b|\ssrc="|https?:/iu);
  });

  it('is styled only by its inline style sheet, which the Content-Security-Policy names by hash', () => {
    const styles = /<style>([\s\S]*?)<\/style>/u.exec(page)?.[1] ?? '';
    const hash = createHash('sha256').update(styles).digest('base64');
    expect(trackingPageContentSecurityPolicy).toContain(`style-src 'sha256-${hash}'`);
    expect(trackingPageContentSecurityPolicy).toContain("default-src 'none'");
  });

  it('keeps parcel pages out of search engines but not the search form', () => {
    expect(page).toContain('<meta name="robots" content="noindex">');
    expect(renderSearchPage()).not.toContain('noindex');
  });
});

describe('the error pages', () => {
  it('give a malformed number back in the form, escaped, with the rule it breaks tied to the field', () => {
    const page = renderInvalidWaybillPage('"><script>alert(1)</script>', 'must be 15 digits');
    expect(page).not.toMatch(/<script/iu);
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).toMatch(/aria-describedby="waybill-hint waybill-error" aria-invalid="true"/u);
    expect(page).toContain('<p class="error" id="waybill-error">“&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;”: must be 15 digits.</p>');
  });

  it('offer the form again for an unknown parcel', () => {
    const page = renderParcelNotFoundPage(waybillNo);
    expect(page).toContain('<h1>Parcel <span class="waybill">773061155005900</span> not found</h1>');
    expect(page).toContain('value="773061155005900"');
  });
});

describe('formatOccurredAt', () => {
  it("shows the facility's own clock and offset, as the scan was sent", () => {
    expect(formatOccurredAt('2025-11-25T14:03:00+08:00')).toBe('2025-11-25 14:03 (UTC+08:00)');
    expect(formatOccurredAt('2025-11-25T06:03:00.123Z')).toBe('2025-11-25 06:03 (UTC)');
    expect(formatOccurredAt('yesterday')).toBe('yesterday');
  });
});
