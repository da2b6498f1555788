/**
 * How the bench speaks to the servers: HTTP or HTTPS, keep-alive or a new connection per request, and where the
 * servers count sessions. One value, made once per run, handed to every server start and every client.
 */
import { labCertificate } from '../../servers/tls-cert.js';
import type { SessionMode } from '../../servers/model-types.js';
import type { Protocol } from '../plan/workloads.js';

export interface Transport {
  readonly tls: boolean;
  /**
   * The lab's certificate (PEM) that the bench's own undici clients trust as their only CA, so that a check
   * over HTTPS verifies the server for real; null over HTTP. autocannon cannot use it: it always connects with
   * rejectUnauthorized: false (lib/httpClient.js), acceptable on loopback only, which is all the bench targets.
   */
  readonly ca: string | null;
  readonly newConnections: boolean;
  readonly sessions: SessionMode;
  /** What the workload speaks (its servers are warmed and checked that way): HTTP unless told. */
  readonly protocol?: Protocol;
  /** The file limit to start servers with (--hold needs a file per connection): null or absent, the bench's own. */
  readonly fileLimit?: number | null;
}

export const PLAIN_TRANSPORT: Transport = { tls: false, ca: null, newConnections: false, sessions: 'shared' };

/**
 * The run's transport. With TLS the certificate is read, or made, here, once, before any server starts: servers
 * started side by side would otherwise each make their own and overwrite each other's.
 */
export async function benchTransport(options: { readonly tls: boolean; readonly newConnections: boolean; readonly sessions: SessionMode }): Promise<Transport> {
  const ca = options.tls ? (await labCertificate()).cert : null;
  return { tls: options.tls, ca, newConnections: options.newConnections, sessions: options.sessions };
}
