/**
 * HTML built from templates that escape every value by default, so no piece of parcel data (a remark, a
 * facility name, a query string echoed in a form) can become markup. Only {@link SafeHtml}, which only
 * {@link html} makes, is inserted as it is.
 */

const escapes: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and for quoted attribute values alike (the five characters the HTML
 * standard's serialisation escapes, plus `'` for single-quoted attributes).
 *
 * @example
 * ```ts
 * escapeHtml('<script>alert("x")</script>'); // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (character) => escapes[character] ?? character);
}

/** A fragment of markup made by {@link html}: inserted into another template without escaping. */
export class SafeHtml {
  constructor(readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What a template may interpolate: text (escaped), numbers, fragments, lists of them; nothing for `undefined`, `null` and `false`. */
export type HtmlValue = string | number | SafeHtml | undefined | null | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map((item: HtmlValue) => render(item)).join('');
  return escapeHtml(String(value));
}

/**
 * A tagged template for HTML: every `${value}` is escaped unless it is itself a `html` fragment.
 *
 * @example
 * ```ts
 * const item = html`<li>${event.remark}</li>`;         // the remark is escaped
 * const list = html`<ol>${events.map(renderItem)}</ol>`; // fragments are kept
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(markup);
}
