import type { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** The lab's servers: plain HTTP, or HTTPS when a model was given a certificate. */
export type LabServer = HttpServer | HttpsServer;

/** The base URL of a server on `host`:`port`, https when it speaks TLS. */
export function baseUrl(secure: boolean, host: string, port: number): string {
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `${secure ? 'https' : 'http'}://${shownHost}:${port}`;
}

/** Listens and resolves with the URL, real port included (port 0 picks a free one). */
export function listen(server: LabServer, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: actual } = server.address() as AddressInfo;
      resolve(baseUrl(server instanceof HttpsServer, host, actual));
    });
  });
}

const beforeClose = new WeakMap<LabServer, () => void>();

/** Something that holds connections the HTTP server does not close itself (its WebSockets): ended by closeServer. */
export function onCloseServer(server: LabServer, end: () => void): void {
  beforeClose.set(server, end);
}

/** Closes a server now: idle keep-alive connections would otherwise hold it open for seconds. */
export function closeServer(server: LabServer): Promise<void> {
  beforeClose.get(server)?.();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
