import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { MnsError } from './errors.ts';

/** The namespace on every MNS request and response root (https://www.alibabacloud.com/help/doc-detail/27501.html). */
export const MNS_XML_NAMESPACE = 'http://mns.aliyuncs.com/doc/v1/';

/** A parsed element: text, or child elements by name (a repeated child becomes an array). */
export type XmlValue = string | XmlElement | XmlValue[];
export interface XmlElement {
  [name: string]: XmlValue;
}

/** The root element of a request body. */
export interface XmlDocument {
  root: string;
  content: XmlValue;
}

const TEXT_KEY = '#text';

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Message bodies are opaque text: keep "0123" a string and keep surrounding whitespace.
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // Decodes numeric character references (&#65;); named references beyond XML's five are rejected earlier.
  htmlEntities: true,
  textNodeName: TEXT_KEY,
});

const builder = new XMLBuilder({ ignoreAttributes: false, processEntities: true, suppressEmptyNode: false });

/** Any `&` that does not start one of XML's five predefined entities or a character reference. */
const UNDEFINED_ENTITY = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;

/**
 * Parses a request body. Anything that is not one well-formed XML element → MalformedXML, as the
 * service answers (https://www.alibabacloud.com/help/doc-detail/27501.html).
 */
export function parseXmlDocument(text: string): XmlDocument {
  if (XMLValidator.validate(text) !== true || UNDEFINED_ENTITY.test(text.replace(CDATA_SECTION, ''))) {
    throw new MnsError('MalformedXML');
  }
  const parsed: unknown = parser.parse(text);
  if (!isElement(parsed)) throw new MnsError('MalformedXML');
  const roots = Object.keys(parsed);
  const root = roots[0];
  const content = root === undefined ? undefined : parsed[root];
  // Two roots of one name parse as an array under that name.
  if (roots.length !== 1 || root === undefined || content === undefined || Array.isArray(content)) {
    throw new MnsError('MalformedXML');
  }
  return { root, content };
}

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The child elements of a container element, ignoring the whitespace between them. An empty container
 * (`<Queue/>`) has none. Text mixed in with the children → InvalidArgument naming the container.
 */
export function childElements(content: XmlValue, container: string): XmlElement {
  if (typeof content === 'string') {
    if (content.trim() === '') return {};
    throw MnsError.schema(container);
  }
  if (Array.isArray(content)) throw MnsError.schema(container);
  const children: XmlElement = {};
  for (const [name, value] of Object.entries(content)) {
    if (name === TEXT_KEY) {
      if (typeof value !== 'string' || value.trim() !== '') throw MnsError.schema(container);
      continue;
    }
    children[name] = value;
  }
  return children;
}

/** The text of a child element that must occur at most once and hold only text. */
export function optionalText(children: XmlElement, name: string): string | undefined {
  const value = children[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw MnsError.schema(name);
  return value;
}

/** Every occurrence of a repeatable child element, in document order. */
export function repeatedElements(children: XmlElement, name: string): XmlValue[] {
  const value = children[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The texts of a repeatable text-only child element, such as `<ReceiptHandle>`. */
export function repeatedTexts(children: XmlElement, name: string): string[] {
  return repeatedElements(children, name).map((value) => {
    if (typeof value !== 'string') throw MnsError.schema(name);
    return value;
  });
}

/** Fails on any child element the operation does not define, naming it. */
export function rejectUnknownElements(children: XmlElement, known: readonly string[]): void {
  for (const name of Object.keys(children)) {
    if (!known.includes(name)) throw MnsError.schema(name);
  }
}

/** Response fields in document order. Values are text (numbers and booleans rendered as MNS renders them). */
export type XmlFields = ReadonlyArray<readonly [string, string | number]>;

/**
 * A response element: its fields, or (for `<Messages>`-style containers) repeated child elements
 * followed by optional trailing fields (ListQueue's `<NextMarker>`).
 */
export type XmlNode =
  | XmlFields
  | { readonly repeat: string; readonly items: readonly XmlFields[]; readonly trailing?: XmlFields };

function fieldsObject(fields: XmlFields): Record<string, string> {
  const object: Record<string, string> = {};
  for (const [name, value] of fields) object[name] = String(value);
  return object;
}

function toBuilderObject(node: XmlNode): Record<string, unknown> {
  if ('repeat' in node) {
    return { [node.repeat]: node.items.map(fieldsObject), ...fieldsObject(node.trailing ?? []) };
  }
  return fieldsObject(node);
}

/**
 * Renders a response document with the MNS namespace on its root. Text is XML-escaped, so message
 * bodies holding `<`, `&` or quotes come back as the same characters.
 *
 * @example
 * renderXmlDocument('Message', [['MessageId', 'A1'], ['MessageBodyMD5', 'C4CA…']]);
 */
export function renderXmlDocument(root: string, node: XmlNode): string {
  const body = builder.build({ [root]: { '@_xmlns': MNS_XML_NAMESPACE, ...toBuilderObject(node) } });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${String(body)}`;
}
