/**
 * `npm run serve -- MODEL --tls`: every model speaks HTTPS with the lab's self-signed certificate, and plain
 * HTTP on that port gets no answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAMES } from '../servers/catalogue.js';
import { TLS_DIR } from '../servers/tls-cert.js';
import { rawRequest } from './helpers/http.js';
import { httpsGet, serveWith, type ServedModel } from './helpers/serve.js';

const PARAMS: Readonly<Record<string, readonly string[]>> = { 'worker-pool': ['--threads', '2'], cluster: ['--processes', '2'] };

describe.each(MODEL_NAMES)('%s --tls', (model) => {
  let served: ServedModel;
  beforeAll(async () => {
    served = await serveWith([model, ...(PARAMS[model] ?? []), '--tls']);
  });
  afterAll(async () => {
    await served.stop();
  });

  it('says https in its listening message, and answers HTTPS (trusting the kept certificate as CA)', async () => {
    expect(served.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(served.listening.tls).toBe(true);
    const ca = readFileSync(join(TLS_DIR, 'cert.pem'), 'utf8');
    const response = await httpsGet(served.url, '/', ca);
    expect(response.status).toBe(200);
    expect(response.body).toBe('Hello, world!\n');
    expect((await httpsGet(served.url, '/')).status).toBe(200); // as curl -k does
  });

  it('does not answer plain HTTP on its port', async () => {
    const plain = served.url.replace(/^https:/, 'http:');
    const outcome = await rawRequest(plain, '/').then(
      (response) => `answered ${response.status}`,
      (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    expect(outcome).toMatch(/^failed/);
  });
});
