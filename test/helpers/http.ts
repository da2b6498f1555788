import { request, type IncomingMessage } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** An answer read whole: its status, headers and body as text (HTTP or HTTPS alike). */
export function readAnswer(res: IncomingMessage, resolve: (answer: RawResponse) => void, reject: (error: Error) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => {
    resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
  });
  res.on('error', reject);
}

/**
 * One request on its own connection, with the path sent byte for byte (no normalisation of `..`),
 * so that traversal attempts reach the server exactly as an attacker would write them.
 */
export function rawRequest(baseUrl: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      readAnswer(res, resolve, reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export function jsonOf(response: RawResponse): unknown {
  return JSON.parse(response.body) as unknown;
}
