import { describe, expect, it } from 'vitest';
import { MnsError } from '../../../infra/local/mns/errors.ts';
import { childElements, parseXmlDocument, renderXmlDocument } from '../../../infra/local/mns/xml.ts';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof MnsError) return error.code;
    throw error;
  }
  return undefined;
}

describe('request XML', () => {
  it('keeps message bodies as text: leading zeros, surrounding spaces, entities decoded', () => {
    const document = parseXmlDocument(
      '<?xml version="1.0" encoding="UTF-8"?><Message xmlns="http://mns.aliyuncs.com/doc/v1/">' +
        '<MessageBody> 007 a&amp;b &lt;c&gt; &#x41; </MessageBody><Priority>3</Priority></Message>',
    );
    expect(document.root).toBe('Message');
    expect(childElements(document.content, 'Message')).toEqual({ MessageBody: ' 007 a&b <c> A ', Priority: '3' });
  });

  it('keeps CDATA literally', () => {
    const document = parseXmlDocument('<Message><MessageBody><![CDATA[&amp;<x/>]]></MessageBody></Message>');
    expect(childElements(document.content, 'Message')).toEqual({ MessageBody: '&amp;<x/>' });
  });

  it('refuses what is not one well-formed element with MalformedXML', () => {
    expect(codeOf(() => parseXmlDocument(''))).toBe('MalformedXML');
    expect(codeOf(() => parseXmlDocument('scan'))).toBe('MalformedXML');
    expect(codeOf(() => parseXmlDocument('<Message><MessageBody>a<b&c</MessageBody></Message>'))).toBe('MalformedXML');
    expect(codeOf(() => parseXmlDocument('<Message><MessageBody>&copy;</MessageBody></Message>'))).toBe('MalformedXML');
    expect(codeOf(() => parseXmlDocument('<Message/><Message/>'))).toBe('MalformedXML');
    expect(codeOf(() => parseXmlDocument('<Queue/><Message/>'))).toBe('MalformedXML');
  });

  it('refuses text mixed into a container with InvalidArgument', () => {
    const document = parseXmlDocument('<Queue>stray<DelaySeconds>1</DelaySeconds></Queue>');
    expect(codeOf(() => childElements(document.content, 'Queue'))).toBe('InvalidArgument');
  });
});

describe('response XML', () => {
  it('puts the MNS namespace on the root and escapes text', () => {
    expect(renderXmlDocument('Message', [['MessageBody', '<a href="x">&\'</a>'], ['Priority', 8]])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<Message xmlns="http://mns.aliyuncs.com/doc/v1/">' +
        '<MessageBody>&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;</MessageBody><Priority>8</Priority></Message>',
    );
  });

  it('repeats child elements and appends trailing fields', () => {
    const xml = renderXmlDocument('Queues', {
      repeat: 'Queue',
      items: [[['QueueURL', 'http://h/queues/a']], [['QueueURL', 'http://h/queues/b']]],
      trailing: [['NextMarker', 'c']],
    });
    expect(xml).toContain(
      '<Queue><QueueURL>http://h/queues/a</QueueURL></Queue><Queue><QueueURL>http://h/queues/b</QueueURL></Queue>' +
        '<NextMarker>c</NextMarker></Queues>',
    );
  });

  it('round-trips any body through render and parse', () => {
    const body = 'tab\there\nnew line & <tag> "quoted" \'single\' 包裹 😀';
    const xml = renderXmlDocument('Message', [['MessageBody', body]]);
    expect(childElements(parseXmlDocument(xml).content, 'Message')).toEqual({ MessageBody: body });
  });
});
