import { messageLimits, parseIntegerInRange, parseQueueAttributes } from './attributes.ts';
import { MnsError } from './errors.ts';
import type { LongPoller } from './long-poll.ts';
import type { MessageInput, MnsQueues, PeekedMessage, QueueSummary, ReceivedMessage } from './queue.ts';
import type { Route } from './router.ts';
import {
  childElements,
  optionalText,
  parseXmlDocument,
  rejectUnknownElements,
  renderXmlDocument,
  repeatedElements,
  repeatedTexts,
  type XmlFields,
  type XmlValue,
} from './xml.ts';

/**
 * Executes one routed MNS operation: request XML and query in, status and response XML out.
 * Status codes and bodies follow each operation's page in the MNS API reference, cited below.
 */

/** What an operation needs from the HTTP request. */
export interface OperationRequest {
  route: Route;
  query: ReadonlyMap<string, string>;
  /** Request headers, lower-cased names. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  /** `http://{Host header}`: the base of Location and QueueURL values. */
  baseUrl: string;
  /** Aborts when the client disconnects (ends a long poll without delivering). */
  signal: AbortSignal;
}

export interface OperationResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface OperationContext {
  queues: MnsQueues;
  poller: LongPoller;
}

/** Runs the operation → an MnsError for anything the client got wrong. */
export async function executeOperation(context: OperationContext, request: OperationRequest): Promise<OperationResponse> {
  const { route } = request;
  switch (route.operation) {
    case 'ListQueue':
      return listQueue(context, request);
    case 'CreateQueue':
      return createQueue(context, request, route.queue);
    case 'SetQueueAttributes':
      context.queues.setQueueAttributes(route.queue, parseQueueAttributes(expectRoot(request.body, 'Queue')));
      return { status: 204 };
    case 'GetQueueAttributes':
      return { status: 200, body: renderXmlDocument('Queue', queueFields(context.queues.getQueue(route.queue))) };
    case 'DeleteQueue':
      context.queues.deleteQueue(route.queue);
      context.poller.notify(route.queue);
      return { status: 204 };
    case 'SendMessage':
      return sendMessage(context, request, route.queue);
    case 'ReceiveMessage':
      return receiveMessage(context, request, route.queue);
    case 'DeleteMessage':
      return deleteMessage(context, request, route.queue);
    case 'ChangeMessageVisibility':
      return changeMessageVisibility(context, request, route.queue);
  }
}

function expectRoot(body: string, root: string): XmlValue {
  const document = parseXmlDocument(body);
  if (document.root !== root) throw MnsError.schema(document.root);
  return document.content;
}

/** CreateQueue: 201 + Location when created, 204 when it exists with the same attributes
 * (https://www.alibabacloud.com/help/en/doc-detail/35129.htm). */
function createQueue({ queues }: OperationContext, request: OperationRequest, queue: string): OperationResponse {
  const attributes = request.body.trim() === '' ? {} : parseQueueAttributes(expectRoot(request.body, 'Queue'));
  const outcome = queues.createQueue(queue, attributes);
  return { status: outcome === 'created' ? 201 : 204, headers: { location: `${request.baseUrl}/queues/${queue}` } };
}

/** ListQueue: paging through x-mns-marker / x-mns-ret-number / x-mns-prefix
 * (https://www.alibabacloud.com/help/en/mns/developer-reference/listqueue). */
function listQueue({ queues }: OperationContext, request: OperationRequest): OperationResponse {
  const retNumber = request.headers['x-mns-ret-number'];
  const page = queues.listQueues({
    prefix: request.headers['x-mns-prefix'] ?? '',
    marker: request.headers['x-mns-marker'] ?? '',
    limit: retNumber === undefined || retNumber === '' ? 1000 : parseIntegerInRange(retNumber, messageLimits.listQueueRetNumber),
  });
  const items = page.names.map((name): XmlFields => [['QueueURL', `${request.baseUrl}/queues/${name}`]]);
  const trailing: XmlFields = page.nextMarker === undefined ? [] : [['NextMarker', page.nextMarker]];
  return { status: 200, body: renderXmlDocument('Queues', { repeat: 'Queue', items, trailing }) };
}

/** GetQueueAttributes fields (https://www.alibabacloud.com/help/en/mns/developer-reference/getqueueattributes).
 * CreateTime and LastModifyTime in seconds, as the page's examples show. */
function queueFields(queue: QueueSummary): XmlFields {
  const { attributes, counts } = queue;
  return [
    ['QueueName', queue.name],
    ['CreateTime', Math.floor(queue.createTime / 1000)],
    ['LastModifyTime', Math.floor(queue.lastModifyTime / 1000)],
    ['DelaySeconds', attributes.delaySeconds],
    ['MaximumMessageSize', attributes.maximumMessageSize],
    ['MessageRetentionPeriod', attributes.messageRetentionPeriod],
    ['VisibilityTimeout', attributes.visibilityTimeout],
    ['PollingWaitSeconds', attributes.pollingWaitSeconds],
    ['ActiveMessages', counts.active],
    ['InactiveMessages', counts.inactive],
    ['DelayMessages', counts.delayed],
    ['LoggingEnabled', attributes.loggingEnabled ? 'True' : 'False'],
  ];
}

const MESSAGE_ELEMENTS = ['MessageBody', 'DelaySeconds', 'Priority'] as const;

function parseMessageInput(content: XmlValue): MessageInput {
  const children = childElements(content, 'Message');
  rejectUnknownElements(children, MESSAGE_ELEMENTS);
  const body = optionalText(children, 'MessageBody');
  if (body === undefined) throw MnsError.schema('MessageBody');
  const delay = optionalText(children, 'DelaySeconds');
  const priority = optionalText(children, 'Priority');
  const input: MessageInput = { body };
  if (delay !== undefined) input.delaySeconds = parseIntegerInRange(delay, messageLimits.delaySeconds);
  if (priority !== undefined) input.priority = parseIntegerInRange(priority, messageLimits.priority);
  return input;
}

/** SendMessage (`<Message>`) and BatchSendMessage (`<Messages>`), both 201
 * (https://www.alibabacloud.com/help/doc-detail/35134.htm, https://help.aliyun.com/en/mns/developer-reference/batchsendmessage). */
function sendMessage({ queues, poller }: OperationContext, request: OperationRequest, queue: string): OperationResponse {
  const document = parseXmlDocument(request.body);
  if (document.root === 'Message') {
    const [sent] = queues.sendMessages(queue, [parseMessageInput(document.content)]);
    poller.notify(queue);
    if (sent === undefined) throw new MnsError('InternalError');
    return {
      status: 201,
      body: renderXmlDocument('Message', [
        ['MessageId', sent.messageId],
        ['MessageBodyMD5', sent.bodyMd5],
      ]),
    };
  }
  if (document.root !== 'Messages') throw MnsError.schema(document.root);
  const children = childElements(document.content, 'Messages');
  rejectUnknownElements(children, ['Message']);
  const inputs = repeatedElements(children, 'Message').map(parseMessageInput);
  if (inputs.length < 1 || inputs.length > messageLimits.batchSize.high) {
    throw MnsError.outOfRange('Messages', 1, messageLimits.batchSize.high);
  }
  const sent = queues.sendMessages(queue, inputs);
  poller.notify(queue);
  const items = sent.map(
    (message): XmlFields => [
      ['MessageId', message.messageId],
      ['MessageBodyMD5', message.bodyMd5],
    ],
  );
  return { status: 201, body: renderXmlDocument('Messages', { repeat: 'Message', items }) };
}

function peekedFields(message: PeekedMessage): XmlFields {
  return [
    ['MessageId', message.messageId],
    ['MessageBodyMD5', message.bodyMd5],
    ['MessageBody', message.body],
    ['EnqueueTime', message.enqueueTime],
    ['FirstDequeueTime', message.firstDequeueTime],
    ['DequeueCount', message.dequeueCount],
    ['Priority', message.priority],
  ];
}

function receivedFields(message: ReceivedMessage): XmlFields {
  return [
    ['MessageId', message.messageId],
    ['ReceiptHandle', message.receiptHandle],
    ['MessageBodyMD5', message.bodyMd5],
    ['MessageBody', message.body],
    ['EnqueueTime', message.enqueueTime],
    ['NextVisibleTime', message.nextVisibleTime],
    ['FirstDequeueTime', message.firstDequeueTime],
    ['DequeueCount', message.dequeueCount],
    ['Priority', message.priority],
  ];
}

/**
 * ReceiveMessage / BatchReceiveMessage (`numOfMessages`) / PeekMessage / BatchPeekMessage (`peekonly=true`).
 * Nothing receivable after the wait → 404 MessageNotExist
 * (https://help.aliyun.com/en/mns/developer-reference/receivemessage,
 * https://www.alibabacloud.com/help/doc-detail/175656.htm "the MessageNotExist error is returned").
 */
async function receiveMessage(
  { queues, poller }: OperationContext,
  request: OperationRequest,
  queue: string,
): Promise<OperationResponse> {
  const numOfMessages = request.query.get('numofmessages');
  const batch = numOfMessages !== undefined;
  const count = batch ? parseIntegerInRange(numOfMessages, messageLimits.batchSize) : 1;
  if (request.query.get('peekonly') === 'true') {
    const peeked = queues.peekMessages(queue, count);
    if (peeked.length === 0) throw new MnsError('MessageNotExist');
    return batch
      ? { status: 200, body: renderXmlDocument('Messages', { repeat: 'Message', items: peeked.map(peekedFields) }) }
      : { status: 200, body: renderXmlDocument('Message', peekedFields(firstOf(peeked))) };
  }
  const waitText = request.query.get('waitseconds');
  const waitSeconds =
    waitText === undefined
      ? queues.attributesOf(queue).pollingWaitSeconds
      : parseIntegerInRange(waitText, messageLimits.waitSeconds);
  const received = await poller.receive(queue, count, waitSeconds, request.signal);
  if (received.length === 0) throw new MnsError('MessageNotExist');
  return batch
    ? { status: 200, body: renderXmlDocument('Messages', { repeat: 'Message', items: received.map(receivedFields) }) }
    : { status: 200, body: renderXmlDocument('Message', receivedFields(firstOf(received))) };
}

function firstOf<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined) throw new MnsError('MessageNotExist');
  return first;
}

/**
 * DeleteMessage (`?ReceiptHandle=`, 204) and BatchDeleteMessage (`<ReceiptHandles>`, 204 when every handle
 * worked, else 404 with one `<Error>` per failed handle — the page's "partial failure" example,
 * https://www.alibabacloud.com/help/zh/doc-detail/35139.htm).
 */
function deleteMessage({ queues }: OperationContext, request: OperationRequest, queue: string): OperationResponse {
  const receiptHandle = request.query.get('receipthandle');
  if (receiptHandle !== undefined) {
    if (receiptHandle === '') throw new MnsError('MissingReceiptHandle');
    queues.deleteMessage(queue, receiptHandle);
    return { status: 204 };
  }
  if (request.body.trim() === '') throw new MnsError('MissingReceiptHandle');
  const children = childElements(expectRoot(request.body, 'ReceiptHandles'), 'ReceiptHandles');
  rejectUnknownElements(children, ['ReceiptHandle']);
  const handles = repeatedTexts(children, 'ReceiptHandle');
  if (handles.length < 1 || handles.length > messageLimits.batchSize.high) {
    throw MnsError.outOfRange('ReceiptHandles', 1, messageLimits.batchSize.high);
  }
  const failures = queues.deleteMessages(queue, handles);
  if (failures.length === 0) return { status: 204 };
  const items = failures.map(
    ({ receiptHandle, error }): XmlFields => [
      ['ErrorCode', error.code],
      ['ErrorMessage', error.message],
      ['ReceiptHandle', receiptHandle],
    ],
  );
  return { status: 404, body: renderXmlDocument('Errors', { repeat: 'Error', items }) };
}

/** ChangeMessageVisibility: 200 with the new handle and NextVisibleTime
 * (https://www.alibabacloud.com/help/doc-detail/35142.htm). */
function changeMessageVisibility(
  { queues, poller }: OperationContext,
  request: OperationRequest,
  queue: string,
): OperationResponse {
  const receiptHandle = request.query.get('receipthandle');
  if (receiptHandle === undefined || receiptHandle === '') throw new MnsError('MissingReceiptHandle');
  const timeout = request.query.get('visibilitytimeout');
  if (timeout === undefined || timeout === '') throw new MnsError('MissingVisibilityTimeout');
  const change = queues.changeVisibility(
    queue,
    receiptHandle,
    parseIntegerInRange(timeout, messageLimits.visibilityTimeout),
  );
  poller.notify(queue);
  return {
    status: 200,
    body: renderXmlDocument('ChangeVisibility', [
      ['ReceiptHandle', change.receiptHandle],
      ['NextVisibleTime', change.nextVisibleTime],
    ]),
  };
}
