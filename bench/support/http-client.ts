import { Agent, request } from 'node:http';

/**
 * A bare HTTP/1.1 client with keep-alive connections, for driving the local gateway: `fetch` (undici) costs the
 * benchmark process several times more CPU per request, and this process shares the machine with the stack.
 *
 * @example
 * const client = new HttpClient(stack.gatewayUrl, 8);
 * const { status, body } = await client.send('GET', '/v1/parcels/773061155005900');
 * client.close();
 */
export interface HttpAnswer {
  status: number;
  body: string;
}

export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  /** `connections`: sockets kept open, one per request in flight. */
  constructor(baseUrl: string, connections: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
