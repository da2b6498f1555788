import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync, type Stats } from 'node:fs';
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

/** Permission bits for the group and others: none of them may touch the folder or the key. */
const OPEN_TO_OTHERS = 0o077;

const modeText = (stats: Stats): string => (stats.mode & 0o777).toString(8).padStart(4, '0');

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The folder that holds the private key: a real folder of this user's, closed to everyone else. A symbolic link
 * (which could lead anywhere, a world-writable folder among them) or a file in its place is refused in one line;
 * a folder open to others is closed (chmod 0700), said in one line.
 */
function secureFolder(dir: string, notice: (line: string) => void): void {
  const stats = lstatOrNull(dir);
  if (stats === null) {
    mkdirSync(dir, { mode: 0o700 });
    return;
  }
  if (stats.isSymbolicLink()) throw new Error(`${dir} is a symbolic link: the lab keeps its private key only in a real folder of its own; remove the link and it makes a new one`);
  if (!stats.isDirectory()) throw new Error(`${dir} is not a folder: move it away and the lab makes its certificate there`);
  if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) throw new Error(`${dir} belongs to another user (uid ${stats.uid}): the lab keeps its private key only in a folder of yours`);
  if ((stats.mode & OPEN_TO_OTHERS) !== 0) {
    chmodSync(dir, 0o700);
    notice(`tls: ${dir} was open to other users (mode ${modeText(stats)}): closed it (0700)`);
  }
}

/**
 * The kept certificate when it is readable, for 127.0.0.1 and localhost, not about to expire, and its key was never
 * open to others (a key that others could read may have been copied: a new one is made, said in one line). A key
 * or certificate that is a symbolic link is refused.
 */
function kept(dir: string, notice: (line: string) => void): TlsMaterial | null {
  const keyPath = join(dir, KEY_FILE);
  const certPath = join(dir, CERT_FILE);
  for (const path of [keyPath, certPath]) {
    if (lstatOrNull(path)?.isSymbolicLink() === true) throw new Error(`${path} is a symbolic link: remove it and the lab makes a new certificate`);
  }
  const keyStats = lstatOrNull(keyPath);
  if (keyStats === null) return null;
  if ((keyStats.mode & OPEN_TO_OTHERS) !== 0) {
    notice(`tls: ${keyPath} was readable by other users (mode ${modeText(keyStats)}): made a new key and certificate`);
    return null;
  }
  try {
    const key = readFileSync(keyPath, 'utf8');
    const cert = readFileSync(certPath, 'utf8');
    const x509 = new X509Certificate(cert);
    const fresh = Date.parse(x509.validTo) - Date.now() > RENEW_BEFORE_MS;
    const names = x509.checkIP('127.0.0.1') !== undefined && x509.checkHost('localhost') !== undefined;
    return fresh && names && x509.checkPrivateKey(createPrivateKey(key)) ? { key, cert, keyPath, certPath } : null;
  } catch {
    return null; // missing, unreadable or damaged: make a new one
  }
}

/** Writes a file whole or not at all (temporary file, then rename), readable by its owner only. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * A self-signed certificate for 127.0.0.1, ::1 and localhost, made on first use with `selfsigned` (a P-256 key:
 * fast to make, and handshakes cost what a browser's would) and kept in `dir` for the next starts. Clients must
 * trust it explicitly (curl -k, rejectUnauthorized: false, or this cert.pem as their CA). Throws one line when the
 * folder cannot hold a key safely; `notice` gets one line for each thing it repaired.
 */
export async function labCertificate(dir: string = TLS_DIR, notice: (line: string) => void = (line) => {
  console.error(line);
}): Promise<TlsMaterial> {
  secureFolder(dir, notice);
  const existing = kept(dir, notice);
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
  const keyPath = join(dir, KEY_FILE);
  const certPath = join(dir, CERT_FILE);
  writeAtomically(keyPath, pems.private);
  writeAtomically(certPath, pems.cert);
  return { key: pems.private, cert: pems.cert, keyPath, certPath };
}
