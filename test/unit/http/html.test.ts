import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../../layers/core/src/http/html.ts';

describe('escapeHtml', () => {
  it('escapes the characters that start markup or end an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('leaves other text, CJK included, as it is', () => {
    expect(escapeHtml('張* → 杭州市 #1')).toBe('張* → 杭州市 #1');
  });
});

describe('html templates', () => {
  it('escape every interpolated string', () => {
    const remark = '<script>alert("x")</script>';
    expect(html`<p>${remark}</p>`.markup).toBe('<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>');
  });

  it('escape a value inside an attribute so it cannot close the attribute', () => {
    expect(html`<input value="${'" autofocus onfocus="alert(1)'}">`.markup).toBe('<input value="&quot; autofocus onfocus=&quot;alert(1)">');
  });

  it('insert fragments and lists of fragments as markup', () => {
    const items = ['a<', 'b>'].map((text) => html`<li>${text}</li>`);
    expect(html`<ol>${items}</ol>`.markup).toBe('<ol><li>a&lt;</li><li>b&gt;</li></ol>');
    expect(html`${new SafeHtml('<br>')}`.markup).toBe('<br>');
  });

  it('render nothing for undefined, null and false, and numbers as text', () => {
    expect(html`[${undefined}${null}${false}${0}]`.markup).toBe('[0]');
  });
});
