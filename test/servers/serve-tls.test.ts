/**
 * `npm run serve -- MODEL --tls`: every model speaks HTTPS with the lab's self-signed certificate, and plain
 * HTTP on that port gets no answer.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_NAMES } from '../../servers/catalogue.js';
import { labCertificate, TLS_DIR } from '../../servers/tls-cert.js';
import { processTree } from '../../lib/process-tree.js';
import { BENCH } from '../helpers/bench-cli.js';
import { rawRequest } from '../helpers/http.js';
import { httpsGet, serveWith, type ServedModel } from '../helpers/serve.js';

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

describe('the key of --tls', () => {
  const fresh = (): string => mkdtempSync(join(tmpdir(), 'lab-tls-'));
  const notices = (): { lines: string[]; notice: (line: string) => void } => {
    const lines: string[] = [];
    return { lines, notice: (line) => lines.push(line) };
  };

  it('is made in a folder of mode 0700, as a file of mode 0600', async () => {
    const dir = join(fresh(), 'tls');
    const material = await labCertificate(dir, () => undefined);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(material.keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(material.keyPath, 'utf8')).toBe(material.key);
  });

  it('a key left readable by others (0644, folder 0755) is replaced and the folder closed, each said in one line', async () => {
    const dir = join(fresh(), 'tls');
    const first = await labCertificate(dir, () => undefined);
    chmodSync(first.keyPath, 0o644);
    chmodSync(dir, 0o755);
    const said = notices();
    const second = await labCertificate(dir, said.notice);
    expect(said.lines).toHaveLength(2);
    expect(said.lines[0]).toMatch(/was open to other users \(mode 0755\): closed it \(0700\)/);
    expect(said.lines[1]).toMatch(/key\.pem was readable by other users \(mode 0644\): made a new key and certificate/);
    expect(second.key).not.toBe(first.key);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(second.keyPath).mode & 0o777).toBe(0o600);
    // Repaired: the next start says nothing and keeps it.
    const quiet = notices();
    expect((await labCertificate(dir, quiet.notice)).key).toBe(second.key);
    expect(quiet.lines).toEqual([]);
  });

  it('a folder that is a symbolic link (to a 0777 folder) is refused in one line, and nothing is written there', async () => {
    const open = join(fresh(), 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const link = join(fresh(), 'tls');
    symlinkSync(open, link);
    await expect(labCertificate(link, () => undefined)).rejects.toThrow(/is a symbolic link: the lab keeps its private key only in a real folder/);
    expect(readdirSync(open)).toEqual([]);
  });

  it('a key that is a symbolic link is refused', async () => {
    const dir = join(fresh(), 'tls');
    await labCertificate(dir, () => undefined);
    rmSync(join(dir, 'key.pem'));
    symlinkSync('/etc/hostname', join(dir, 'key.pem'));
    await expect(labCertificate(dir, () => undefined)).rejects.toThrow(/key\.pem is a symbolic link/);
  });

  it('a file where the folder should be is refused in one line', async () => {
    const file = join(fresh(), 'tls');
    writeFileSync(file, 'not a folder');
    await expect(labCertificate(file, () => undefined)).rejects.toThrow(/is not a folder: move it away/);
  });

  it('the bench with .lab-tls a file: one line, status 2, before the banner', () => {
    const aside = `${TLS_DIR}.aside-${process.pid}`;
    const had = existsSync(TLS_DIR);
    if (had) renameSync(TLS_DIR, aside);
    try {
      writeFileSync(TLS_DIR, 'not a folder');
      const out = fresh();
      const result = spawnSync(process.execPath, [BENCH, '--models', 'event-loop', '--workloads', 'hello', '--connections', '1', '--tls', '--out', out], { encoding: 'utf8', timeout: 20_000 });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^bench: --tls: .*\.lab-tls is not a folder/)]);
    } finally {
      rmSync(TLS_DIR, { recursive: true, force: true });
      if (had) renameSync(aside, TLS_DIR);
    }
  });

  it('a cluster process gets the key by file: no private key in any environment of the server', async () => {
    await labCertificate();
    const served = await serveWith(['cluster', '--processes', '2', '--tls']);
    try {
      const tree = processTree(served.listening.pid);
      expect(tree.length).toBeGreaterThanOrEqual(3);
      for (const p of tree) {
        const environ = readFileSync(`/proc/${p.pid}/environ`, 'utf8');
        expect(environ).not.toContain('PRIVATE KEY');
      }
      expect((await httpsGet(served.url, '/')).status).toBe(200);
    } finally {
      await served.stop();
    }
  });
});
