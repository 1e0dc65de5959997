/**
 * The part of `@alicloud/mns@1.2.0` (CommonJS, untyped; `module.exports = Client`) that parcelscan uses.
 * Shapes from node_modules/@alicloud/mns/lib/client.js: every call resolves to `{ code, headers, body }`,
 * every XML value arrives as a string, errors are thrown as `Error` with `name = 'MNS' + Code + 'Error'`.
 */
declare module '@alicloud/mns' {
  interface MnsClientOptions {
    accessKeyId?: string;
    accessKeyID?: string;
    accessKeySecret: string;
    endpoint?: string;
    region?: string;
    secure?: boolean;
    internal?: boolean;
    vpc?: boolean;
    securityToken?: string;
    readTimeout?: number;
    connectTimeout?: number;
  }

  interface MnsResponse<Body> {
    code: number;
    headers: Record<string, string | undefined>;
    body: Body;
  }

  type XmlRecord = Record<string, string>;

  interface QueueAttributesInput {
    DelaySeconds?: number;
    MaximumMessageSize?: number;
    MessageRetentionPeriod?: number;
    VisibilityTimeout?: number;
    PollingWaitSeconds?: number;
    LoggingEnabled?: boolean;
  }

  interface MessageInput {
    MessageBody: string;
    DelaySeconds?: number;
    Priority?: number;
  }

  class Client {
    constructor(accountId: string, options: MnsClientOptions);
    createQueue(name: string, attributes?: QueueAttributesInput): Promise<MnsResponse<undefined>>;
    deleteQueue(name: string): Promise<MnsResponse<undefined>>;
    listQueue(marker?: string, limit?: number, prefix?: string): Promise<MnsResponse<XmlRecord[] | undefined>>;
    getQueueAttributes(name: string): Promise<MnsResponse<XmlRecord>>;
    setQueueAttributes(name: string, attributes: QueueAttributesInput): Promise<MnsResponse<undefined>>;
    sendMessage(queue: string, message: MessageInput): Promise<MnsResponse<XmlRecord>>;
    batchSendMessage(queue: string, messages: MessageInput[]): Promise<MnsResponse<XmlRecord[]>>;
    receiveMessage(queue: string, waitSeconds?: number): Promise<MnsResponse<XmlRecord>>;
    batchReceiveMessage(queue: string, numOfMessages: number, waitSeconds?: number): Promise<MnsResponse<XmlRecord[]>>;
    peekMessage(queue: string): Promise<MnsResponse<XmlRecord>>;
    batchPeekMessage(queue: string, numOfMessages: number): Promise<MnsResponse<XmlRecord[]>>;
    deleteMessage(queue: string, receiptHandle: string): Promise<MnsResponse<undefined>>;
    /** Resolves `body: undefined` when every handle worked, else one record per failed handle (not thrown). */
    batchDeleteMessage(queue: string, receiptHandles: string[]): Promise<MnsResponse<XmlRecord[] | undefined>>;
    changeMessageVisibility(
      queue: string,
      receiptHandle: string,
      visibilityTimeout: number,
    ): Promise<MnsResponse<XmlRecord>>;
    sign(verb: string, headers: Record<string, string>, resource: string): string;
  }

  export = Client;
}
