import { createHash } from 'node:crypto';
import type { ParcelTracking, PublicOrderSummary, PublicScanEvent, ScanEventType } from '../domain/index.ts';
import { html, SafeHtml } from './html.ts';

/**
 * The tracking page's HTML: one small document per answer, no script, no external asset (the CSS is inline),
 * readable on a phone (viewport meta, a fluid single column) and by assistive technology (a `lang`, landmarks,
 * one `h1` and `h2`s per section, the timeline as an ordered list, labelled form controls, errors tied to their
 * field, contrast of at least 4.5:1 for all text; WCAG 2.2 AA). Every value is escaped by {@link html}.
 */

/** How a scan type reads on the page. */
export const scanTypeLabels: Readonly<Record<ScanEventType, string>> = {
  PICKED_UP: 'Picked up',
  ARRIVED: 'Arrived at facility',
  DEPARTED: 'Departed facility',
  OUT_FOR_DELIVERY: 'Out for delivery',
  STORED_AT_POINT: 'Ready at pickup point',
  DELIVERED: 'Delivered',
  DELIVERY_FAILED: 'Delivery attempt failed',
  REJECTED: 'Refused by receiver',
  EXCEPTION: 'Exception reported',
  RETURNED: 'Returned to sender',
};

const styles = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5360;--accent:#0a5cad;--line:#c9d1db;--panel:#eef4fb;--warn-bg:#fff4e5;--warn:#7a3d00;--error:#a4161a}
*{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;color:var(--ink);background:#fff;overflow-wrap:break-word}
time{white-space:nowrap}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:.5rem}
.site{padding:.75rem 1rem;border-bottom:1px solid var(--line)}
.site a{font-weight:700;text-decoration:none}
footer.site{border-top:1px solid var(--line);border-bottom:0;color:var(--muted);font-size:.875rem}
main{max-width:40rem;margin:0 auto;padding:1rem}
.site>*{max-width:38rem;margin:0 auto}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem;overflow-wrap:anywhere}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
p{margin:.25rem 0}
.waybill{font-variant-numeric:tabular-nums;letter-spacing:.02em}
.summary{background:var(--panel);border-radius:.5rem;padding:1rem}
.summary h2{margin-top:0;font-size:.875rem;font-weight:400;color:var(--muted)}
.status{font-size:1.375rem;font-weight:700;margin:0}
.muted{color:var(--muted)}
.alert{margin-top:.75rem;padding:.5rem .75rem;border-left:4px solid var(--warn);background:var(--warn-bg);color:var(--warn)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{position:relative;padding:0 0 1rem 1.5rem;border-left:2px solid var(--line);margin-left:.5rem}
.timeline li:last-child{border-left-color:transparent}
.timeline li::before{content:"";position:absolute;left:-.45rem;top:.3rem;width:.8rem;height:.8rem;border-radius:50%;background:#fff;border:2px solid var(--muted)}
.timeline li.latest::before{background:var(--accent);border-color:var(--accent)}
.timeline li[data-type=EXCEPTION]::before,.timeline li[data-type=DELIVERY_FAILED]::before,.timeline li[data-type=REJECTED]::before{border-color:var(--warn);background:var(--warn-bg)}
.timeline li.latest:is([data-type=EXCEPTION],[data-type=DELIVERY_FAILED],[data-type=REJECTED])::before{background:var(--warn)}
.next{white-space:nowrap}
.event-title{font-weight:700}
.event-remark{font-style:italic}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-top:1rem}
.field{flex:1 1 14rem;display:flex;flex-direction:column}
label{font-weight:700}
input{font:inherit;padding:.5rem .75rem;min-height:2.75rem;border:2px solid var(--muted);border-radius:.375rem;width:100%}
input[aria-invalid=true]{border-color:var(--error)}
button{font:inherit;font-weight:700;min-height:2.75rem;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:var(--accent);color:#fff;cursor:pointer}
.hint{color:var(--muted);font-size:.875rem;width:100%}
.error{color:var(--error);font-weight:700;width:100%}
`.trim();

/**
 * The page's Content-Security-Policy: nothing may load or run but the inline style sheet above, named by its
 * hash (CSP Level 3 hash-source), so even markup that slipped past escaping could not run a script.
 */
export const trackingPageContentSecurityPolicy = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(styles).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Our own constant, trusted as markup: escaping would break its `>` selectors (a style element is raw text). */
const inlineStyles = new SafeHtml(styles);

interface PageOptions {
  title: string;
  main: SafeHtml;
  /** Pages about one parcel are kept out of search engines. */
  index: boolean;
  /** The footer's line; a generic one when absent. */
  footer?: string;
}

function page({ title, main, index, footer }: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${index ? '' : html`<meta name="robots" content="noindex">\n`}<title>${title}</title>
<style>${inlineStyles}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><p><a href="/track">parcelscan</a> <span class="muted">parcel tracking</span></p></header>
<main id="main">
${main}
</main>
<footer class="site"><p>${footer ?? 'Parcel tracking by waybill number.'}</p></footer>
</body>
</html>
`.markup;
}

/** `2025-11-25T14:03:00+08:00` → `2025-11-25 14:03 (UTC+08:00)`: the hub's own clock, as the scan was sent. */
export function formatOccurredAt(occurredAt: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/iu.exec(occurredAt);
  if (match === null) return occurredAt;
  const [, date, time, offset] = match;
  return `${date} ${time} (UTC${offset?.toUpperCase() === 'Z' ? '' : offset})`;
}

function timeOf(occurredAt: string): SafeHtml {
  return html`<time datetime="${occurredAt}">${formatOccurredAt(occurredAt)}</time>`;
}

function placeOf(event: PublicScanEvent): string {
  return event.facilityName === undefined ? event.facilityCode : `${event.facilityName} (${event.facilityCode})`;
}

function eventItem(event: PublicScanEvent, latest: boolean): SafeHtml {
  return html`<li class="event${latest ? ' latest' : ''}" data-type="${event.type}"${latest ? html` aria-current="step"` : ''}>
<p class="event-title">${scanTypeLabels[event.type]}</p>
<p>${placeOf(event)}${event.nextFacilityCode === undefined ? '' : html` <span class="muted next">→ next: ${event.nextFacilityCode}</span>`}</p>
<p class="muted">${timeOf(event.occurredAt)}</p>
${event.signedBy === undefined ? '' : html`<p>Signed for by ${event.signedBy}</p>\n`}${event.remark === undefined ? '' : html`<p class="event-remark">${event.remark}</p>\n`}</li>`;
}

function statusText(tracking: ParcelTracking): string {
  if (tracking.status !== null) return scanTypeLabels[tracking.status];
  // No progress scan yet: the scans so far can only be EXCEPTIONs.
  if (tracking.events.length > 0) return scanTypeLabels.EXCEPTION;
  return tracking.order === undefined ? 'Awaiting the first scan' : 'Order created, awaiting pickup';
}

function summarySection(tracking: ParcelTracking): SafeHtml {
  const { lastEvent, exception } = tracking;
  return html`<section class="summary" aria-labelledby="status-heading">
<h2 id="status-heading">Current status</h2>
<p class="status" data-status="${tracking.status ?? 'NONE'}">${statusText(tracking)}</p>
${lastEvent === null ? '' : html`<p class="muted">${placeOf(lastEvent)} · ${timeOf(lastEvent.occurredAt)}</p>\n`}${
    exception?.active === true ? html`<p class="alert" role="note"><strong>Exception:</strong> ${exception.reason}</p>\n` : ''
  }</section>`;
}

function placeText(place: { province?: string; city?: string; district?: string }): string | undefined {
  const parts = [place.province, place.city, place.district].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? undefined : parts.join(' ');
}

function weightText(grams: number): string {
  return grams < 1000 ? `${grams} g` : `${Number((grams / 1000).toFixed(2))} kg`;
}

function fact(term: string, value: string | SafeHtml | undefined): SafeHtml | '' {
  return value === undefined ? '' : html`<dt>${term}</dt><dd>${value}</dd>\n`;
}

function orderSection(order: PublicOrderSummary): SafeHtml {
  const { receiver, sender } = order;
  return html`<section aria-labelledby="order-heading">
<h2 id="order-heading">Delivery</h2>
<dl class="facts">
${fact('Receiver', receiver?.name)}${fact('Phone', receiver?.phone)}${fact('To', receiver === undefined ? undefined : placeText(receiver))}${fact(
    'Sender',
    sender?.name,
  )}${fact('From', sender === undefined ? undefined : placeText(sender))}${fact(
    'Weight',
    order.weightGrams === undefined ? undefined : weightText(order.weightGrams),
  )}${fact('Pieces', order.itemCount === undefined ? undefined : String(order.itemCount))}${fact('Ordered', order.createdAt === undefined ? undefined : timeOf(order.createdAt))}</dl>
</section>`;
}

function journeySection(events: readonly PublicScanEvent[]): SafeHtml {
  const items = events.map((event, index) => eventItem(event, index === events.length - 1));
  return html`<section aria-labelledby="journey-heading">
<h2 id="journey-heading">Journey</h2>
${
    events.length === 0
      ? html`<p>No scan yet.</p>`
      : html`<ol class="timeline" role="list">
${items.map((item) => html`${item}\n`)}</ol>`
  }
</section>`;
}

/** What the search form shows besides its field. */
interface SearchFormOptions {
  /** Prefilled value (what the visitor typed). */
  value?: string;
  /** Why the value was refused, shown under the field and tied to it. */
  error?: string;
}

function searchForm({ value, error }: SearchFormOptions): SafeHtml {
  const describedBy = error === undefined ? 'waybill-hint' : 'waybill-hint waybill-error';
  return html`<form action="/track" method="get" role="search" aria-label="Track a parcel">
<div class="field">
<label for="waybillNo">Waybill number</label>
<input id="waybillNo" name="waybillNo" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" maxlength="40" required aria-describedby="${describedBy}"${
    error === undefined ? '' : html` aria-invalid="true"`
  }${value === undefined ? '' : html` value="${value}"`}>
</div>
<button type="submit">Track</button>
<p class="hint" id="waybill-hint">The 15 digits under the barcode of the label.</p>
${error === undefined ? '' : html`<p class="error" id="waybill-error">${error}</p>\n`}</form>`;
}

/**
 * The page of one parcel: its status, exception, order summary and timeline, and a form for another number.
 *
 * @example
 * ```ts
 * renderTrackingPage(tracking); // '<!doctype html>…<ol class="timeline" role="list">…'
 * ```
 */
export function renderTrackingPage(tracking: ParcelTracking): string {
  return page({
    title: `Parcel ${tracking.waybillNo}: ${statusText(tracking)}`,
    index: false,
    footer: 'Times are the local time of the facility that scanned the parcel. Names and phone numbers are partly hidden to protect the people on the label.',
    main: html`<h1>Parcel <span class="waybill">${tracking.waybillNo}</span></h1>
${summarySection(tracking)}
${tracking.order === undefined ? '' : orderSection(tracking.order)}
${journeySection(tracking.events)}
<section aria-labelledby="search-heading">
<h2 id="search-heading">Track another parcel</h2>
${searchForm({})}
</section>`,
  });
}

/**
 * The search page (`GET /track`); with `error`, the answer to an empty search.
 *
 * @example
 * ```ts
 * renderSearchPage(); // '<!doctype html>…<form action="/track" method="get" role="search"…'
 * renderSearchPage({ error: 'Enter a waybill number.' });
 * ```
 */
export function renderSearchPage(options: { error?: string } = {}): string {
  return page({
    title: 'Track a parcel',
    index: options.error === undefined,
    main: html`<h1>Track a parcel</h1>
<p>Enter the waybill number printed on the parcel's label.</p>
${searchForm(options.error === undefined ? {} : { error: options.error })}`,
  });
}

/**
 * The page for a malformed number: what was typed, the rule it breaks, and the form to correct it.
 *
 * @example
 * ```ts
 * renderInvalidWaybillPage('773061155005901', 'check digit does not match');
 * ```
 */
export function renderInvalidWaybillPage(input: string, rule: string): string {
  return page({
    title: 'Check the waybill number',
    index: false,
    main: html`<h1>Check the waybill number</h1>
<p>A waybill number is 15 digits, the last of which is a check digit computed from the other 14, so a mistyped digit is caught.</p>
${searchForm({ value: input, error: `“${input}”: ${rule}.` })}`,
  });
}

/**
 * The page for a well-formed number of which nothing is known.
 *
 * @example
 * ```ts
 * renderParcelNotFoundPage(waybillNo);
 * ```
 */
export function renderParcelNotFoundPage(waybillNo: string): string {
  return page({
    title: `Parcel ${waybillNo} not found`,
    index: false,
    main: html`<h1>Parcel <span class="waybill">${waybillNo}</span> not found</h1>
<p>There is no order or scan for this number yet. A parcel shows here after its first scan; if it was handed over just now, look again in a few minutes.</p>
${searchForm({ value: waybillNo })}`,
  });
}

/**
 * The page for a path under `/track` that is no page.
 *
 * @example
 * ```ts
 * renderPageNotFound();
 * ```
 */
export function renderPageNotFound(): string {
  return page({
    title: 'Page not found',
    index: false,
    main: html`<h1>Page not found</h1>
<p>There is no such page. Look a parcel up by its waybill number:</p>
${searchForm({})}`,
  });
}

/**
 * The page shown while storage cannot be read; the answer carries `Retry-After`.
 *
 * @example
 * ```ts
 * renderUnavailablePage(2);
 * ```
 */
export function renderUnavailablePage(retryAfterSeconds: number): string {
  return page({
    title: 'Tracking is unavailable',
    index: false,
    main: html`<h1>Tracking is unavailable right now</h1>
<p>Parcel information cannot be read at the moment. Reload this page in ${retryAfterSeconds} seconds or so.</p>`,
  });
}
