import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { repoRoot } from '../lib/paths.js';
import type { TlsMaterial } from './model-types.js';

/** Where `--tls` keeps its certificate: git-ignored, made on this machine, never committed. */
export const TLS_DIR = join(repoRoot, '.lab-tls');
const KEY_FILE = 'key.pem';
const CERT_FILE = 'cert.pem';
const VALID_DAYS = 365;
/** A certificate this close to its end is replaced, so that a class never meets an expired one. */
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

/** The kept certificate when it is readable, for 127.0.0.1 and localhost, and not about to expire. */
function kept(dir: string): TlsMaterial | null {
  try {
    const key = readFileSync(join(dir, KEY_FILE), 'utf8');
    const cert = readFileSync(join(dir, CERT_FILE), 'utf8');
    const x509 = new X509Certificate(cert);
    const fresh = Date.parse(x509.validTo) - Date.now() > RENEW_BEFORE_MS;
    const names = x509.checkIP('127.0.0.1') !== undefined && x509.checkHost('localhost') !== undefined;
    return fresh && names && x509.checkPrivateKey(createPrivateKey(key)) ? { key, cert } : null;
  } catch {
    return null; // missing, unreadable or damaged: make a new one
  }
}

/** Writes a file whole or not at all (temporary file, then rename): a killed start never leaves half a key. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * A self-signed certificate for 127.0.0.1, ::1 and localhost, made on first use with `selfsigned` (a P-256 key:
 * fast to make, and handshakes cost what a browser's would) and kept in `dir` for the next starts. Clients must
 * trust it explicitly (curl -k, rejectUnauthorized: false, or this cert.pem as their CA).
 */
export async function labCertificate(dir: string = TLS_DIR): Promise<TlsMaterial> {
  const existing = kept(dir);
  if (existing !== null) return existing;
  const pems = await generate([{ name: 'commonName', value: 'localhost' }, { name: 'organizationName', value: 'concurrency lab (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + VALID_DAYS * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomically(join(dir, KEY_FILE), pems.private);
  writeAtomically(join(dir, CERT_FILE), pems.cert);
  return { key: pems.private, cert: pems.cert };
}
