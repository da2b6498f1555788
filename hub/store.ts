/**
 * What a class hub keeps: the shared runs (each with the summary its page is built from), the names students have
 * claimed, the questions and the answers, in one SQLite file under the hub's data folder (better-sqlite3). SQLite
 * gives what a classroom needs from a store: every upload is one transaction, written to disk before the hub answers
 * 201 (WAL, synchronous FULL), so a hub killed mid-upload keeps every upload it acknowledged; thirty uploads in the
 * same second are serialised by the database, not lost.
 *
 * better-sqlite3 is an optional dependency (a native module that builds from source where no prebuilt binary can be
 * downloaded): only the hub loads it, when it opens its store. The bench never needs it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassRunSummary, RelationKey } from '../reports/classroom/class-run.js';
import type { Answer, Question, StudentRuns } from '../reports/classroom/class-view.js';
import type { Intake } from './intake.js';

export const DB_FILE = 'class.sqlite';

/** The most runs a hub keeps, and the most bytes of results files: past them an upload gets 507. */
export const STORE_LIMITS = { runs: 600, bytes: 512 * 1024 * 1024 } as const;

export interface StoredRunInfo {
  readonly id: number;
  readonly name: string;
  readonly receivedAt: string;
  readonly runId: string;
  readonly machine: { readonly cpuModel: string; readonly cpus: number; readonly node: string };
  readonly cases: number;
  readonly complete: boolean;
  readonly hidden: boolean;
}

export interface ClassStore {
  /** The name as it was first claimed, or null when nobody has claimed it. */
  owner(key: string): string | null;
  /** Claims a free name: its token, or null when it is taken. */
  claim(key: string, name: string): string | null;
  /** Frees a name (the teacher's remedy for a name claimed by the wrong student): its runs stay, under it. */
  releaseName(key: string): boolean;
  /** Whether `token` is the one given to the name's first user. */
  tokenMatches(key: string, token: string | undefined): boolean;
  addRun(key: string, intake: Intake, idempotency: string | null): number;
  /** The run an earlier upload under this name with this idempotency key stored, if any (keys are a name's own). */
  runByIdempotency(key: string, idempotency: string): number | null;
  totals(): { readonly runs: number; readonly bytes: number };
  /** How many runs, and how many bytes of results, are kept under a name (asked on every upload). */
  usedBy(key: string): { readonly runs: number; readonly bytes: number };
  runs(): StoredRunInfo[];
  /** Every student's visible runs: the newest with its summary, the earlier ones listed. */
  students(): StudentRuns[];
  rawRun(id: number): string | null;
  removeRun(id: number): boolean;
  hideRun(id: number, hidden: boolean): boolean;
  addQuestion(relation: RelationKey): number;
  closeQuestion(id: number): boolean;
  /** The open questions. */
  questions(): Question[];
  addAnswer(question: number, name: string, value: number): void;
  answers(): Answer[];
  /** The codes kept from the first start, so that a restarted hub keeps the codes its class has. */
  code(fallback: () => string): string;
  setCode(code: string): void;
  teacherCode(fallback: () => string): string;
  setTeacherCode(code: string): void;
  uploadsOpen(): boolean;
  setUploadsOpen(open: boolean): void;
  /**
   * Moves on whenever another connection (npm run class -- --ask, --add or --remove while the hub runs) commits to
   * the file: SQLite's data_version, which this connection's own commits leave alone.
   */
  othersChanges(): number;
  close(): void;
}

interface RunRow {
  id: number;
  name: string;
  received_at: string;
  run_id: string;
  cpu_model: string;
  cpus: number;
  node: string;
  cases: number;
  complete: number;
  hidden: number;
}

const hash = (token: string): Buffer => createHash('sha256').update(token).digest();
/** An idempotency key belongs to the name that sent it: another name's upload with the same key is its own. */
const scoped = (nameKey: string, idempotency: string): string => `${nameKey}\u0000${idempotency}`;

/** The message of a hub that cannot open its store because better-sqlite3 is not installed. */
export const NO_SQLITE = 'the class hub keeps its runs in SQLite, through better-sqlite3 (an optional dependency that did not install here): npm install better-sqlite3 (it builds from source with g++, make and python3 where no prebuilt binary can be downloaded); the bench does not need it';

type DatabaseConstructor = typeof import('better-sqlite3');

async function loadSqlite(): Promise<DatabaseConstructor> {
  try {
    return (await import('better-sqlite3')).default;
  } catch {
    throw new Error(NO_SQLITE);
  }
}

/** Columns a store made by an earlier version of the hub lacks, added in place (their values filled below). */
const ADDED_COLUMNS: readonly (readonly [string, string])[] = [
  ['name_key', "TEXT NOT NULL DEFAULT ''"],
  ['hidden', 'INTEGER NOT NULL DEFAULT 0'],
  ['summary', 'TEXT'],
  ['bytes', 'INTEGER NOT NULL DEFAULT 0'],
  ['idempotency', 'TEXT'],
];

/**
 * Opens (or makes) the store. `summarize` turns a stored file into its summary, for runs stored by an earlier
 * version of the hub (once, then kept).
 */
export async function openStore(dataDir: string, summarize: (json: string) => ClassRunSummary | null, nameKey: (name: string) => string): Promise<ClassStore> {
  const Database = await loadSqlite();
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // Thirty writers at once wait their turn rather than fail with SQLITE_BUSY (several hubs on one folder, --add).
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      received_at TEXT NOT NULL,
      run_id TEXT NOT NULL,
      cpu_model TEXT NOT NULL,
      cpus INTEGER NOT NULL,
      node TEXT NOT NULL,
      cases INTEGER NOT NULL,
      complete INTEGER NOT NULL,
      results TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS names (key TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash BLOB NOT NULL, claimed_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS questions (id INTEGER PRIMARY KEY AUTOINCREMENT, relation TEXT NOT NULL, opened_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS answers (
      question INTEGER NOT NULL REFERENCES questions(id),
      name TEXT NOT NULL,
      value REAL NOT NULL,
      at TEXT NOT NULL,
      PRIMARY KEY (question, name)
    );
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `);
  const columns = new Set((db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name));
  for (const [column, type] of ADDED_COLUMNS) if (!columns.has(column)) db.exec(`ALTER TABLE runs ADD COLUMN ${column} ${type}`);
  const questionColumns = new Set((db.prepare('PRAGMA table_info(questions)').all() as { name: string }[]).map((c) => c.name));
  if (!questionColumns.has('closed')) db.exec('ALTER TABLE questions ADD COLUMN closed INTEGER NOT NULL DEFAULT 0');
  db.exec('CREATE UNIQUE INDEX IF NOT EXISTS runs_idempotency ON runs (idempotency) WHERE idempotency IS NOT NULL');
  db.exec('CREATE INDEX IF NOT EXISTS runs_name_key ON runs (name_key)');
  // Runs stored by an earlier hub: their name's key, size and summary, once.
  const old = db.prepare("SELECT id, name, results FROM runs WHERE summary IS NULL OR name_key = ''").all() as { id: number; name: string; results: string }[];
  const fill = db.prepare('UPDATE runs SET name_key = ?, bytes = ?, summary = ?, hidden = CASE WHEN ? IS NULL THEN 1 ELSE hidden END WHERE id = ?');
  for (const row of old) {
    const summary = summarize(row.results);
    fill.run(nameKey(row.name), Buffer.byteLength(row.results), summary === null ? null : JSON.stringify(summary), summary === null ? null : 1, row.id);
  }

  const insertRun = db.prepare('INSERT INTO runs (name, name_key, received_at, run_id, cpu_model, cpus, node, cases, complete, results, summary, bytes, idempotency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const listRuns = db.prepare('SELECT id, name, received_at, run_id, cpu_model, cpus, node, cases, complete, hidden FROM runs ORDER BY id');
  const visible = db.prepare('SELECT id, name, name_key, received_at, run_id, summary FROM runs WHERE hidden = 0 AND summary IS NOT NULL ORDER BY id');
  const oneRun = db.prepare('SELECT results FROM runs WHERE id = ?');
  const usedBy = db.prepare('SELECT count(*) AS runs, coalesce(sum(bytes), 0) AS bytes FROM runs WHERE name_key = ?');
  const byIdempotency = db.prepare('SELECT id FROM runs WHERE idempotency = ?');
  const totals = db.prepare('SELECT count(*) AS runs, coalesce(sum(bytes), 0) AS bytes FROM runs');
  const deleteRun = db.prepare('DELETE FROM runs WHERE id = ?');
  const setHidden = db.prepare('UPDATE runs SET hidden = ? WHERE id = ?');
  const getName = db.prepare('SELECT name, token_hash FROM names WHERE key = ?');
  const deleteName = db.prepare('DELETE FROM names WHERE key = ?');
  const insertName = db.prepare('INSERT INTO names (key, name, token_hash, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING');
  const insertQuestion = db.prepare('INSERT INTO questions (relation, opened_at) VALUES (?, ?)');
  const listQuestions = db.prepare('SELECT id, relation FROM questions WHERE closed = 0 ORDER BY id');
  const closeQuestion = db.prepare('UPDATE questions SET closed = 1 WHERE id = ?');
  // A student who answers again changes their answer: one answer per name and question.
  const upsertAnswer = db.prepare('INSERT INTO answers (question, name, value, at) VALUES (?, ?, ?, ?) ON CONFLICT (question, name) DO UPDATE SET value = excluded.value, at = excluded.at');
  const listAnswers = db.prepare('SELECT answers.question, answers.name, answers.value FROM answers JOIN questions ON questions.id = answers.question WHERE questions.closed = 0 ORDER BY answers.at');
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const now = (): string => new Date().toISOString();
  // A summary never changes once stored: each is parsed once per hub (bounded by the store's own bound on runs).
  const summaries = new Map<number, ClassRunSummary>();
  const summaryOf = (id: number, json: string): ClassRunSummary => {
    let summary = summaries.get(id);
    if (summary === undefined) {
      summary = JSON.parse(json) as ClassRunSummary;
      summaries.set(id, summary);
    }
    return summary;
  };
  const meta = (key: string, fallback: () => string): string => {
    const row = getMeta.get(key) as { value: string } | undefined;
    if (row !== undefined) return row.value;
    const value = fallback();
    setMeta.run(key, value);
    return value;
  };
  return {
    owner(key) {
      return (getName.get(key) as { name: string } | undefined)?.name ?? null;
    },
    claim(key, name) {
      const token = randomBytes(18).toString('base64url');
      const info = insertName.run(key, name, hash(token), now());
      return info.changes === 1 ? token : null;
    },
    releaseName(key) {
      return deleteName.run(key).changes === 1;
    },
    tokenMatches(key, token) {
      const row = getName.get(key) as { token_hash: Buffer } | undefined;
      if (row === undefined || token === undefined || token === '') return false;
      const given = hash(token);
      return given.length === row.token_hash.length && timingSafeEqual(given, row.token_hash);
    },
    addRun(key, intake, idempotency) {
      const summary = intake.summary;
      const owner = (getName.get(key) as { name: string } | undefined)?.name ?? key;
      const info = insertRun.run(owner, key, now(), intake.runId, summary.machine.cpuModel, summary.machine.cores, summary.machine.node, intake.cases, summary.complete ? 1 : 0, intake.json, JSON.stringify(summary), Buffer.byteLength(intake.json), idempotency === null ? null : scoped(key, idempotency));
      return Number(info.lastInsertRowid);
    },
    runByIdempotency(key, idempotency) {
      return (byIdempotency.get(scoped(key, idempotency)) as { id: number } | undefined)?.id ?? null;
    },
    totals() {
      return totals.get() as { runs: number; bytes: number };
    },
    usedBy(key) {
      return usedBy.get(key) as { runs: number; bytes: number };
    },
    runs() {
      return (listRuns.all() as RunRow[]).map((r) => ({ id: r.id, name: r.name, receivedAt: r.received_at, runId: r.run_id, machine: { cpuModel: r.cpu_model, cpus: r.cpus, node: r.node }, cases: r.cases, complete: r.complete === 1, hidden: r.hidden === 1 }));
    },
    students() {
      const byKey = new Map<string, { name: string; rows: { id: number; received_at: string; run_id: string; summary: string }[] }>();
      for (const row of visible.all() as { id: number; name: string; name_key: string; received_at: string; run_id: string; summary: string }[]) {
        const entry = byKey.get(row.name_key) ?? { name: row.name, rows: [] };
        entry.rows.push(row);
        byKey.set(row.name_key, entry);
      }
      return [...byKey.values()].flatMap(({ name, rows }): StudentRuns[] => {
        const newest = rows[rows.length - 1];
        if (newest === undefined) return [];
        return [{ name, newest: { id: newest.id, receivedAt: newest.received_at, summary: summaryOf(newest.id, newest.summary) }, earlier: rows.slice(0, -1).reverse().map((r) => ({ id: r.id, receivedAt: r.received_at, runId: r.run_id })) }];
      });
    },
    rawRun(id) {
      const row = oneRun.get(id) as { results: string } | undefined;
      return row?.results ?? null;
    },
    removeRun(id) {
      summaries.delete(id);
      return deleteRun.run(id).changes === 1;
    },
    hideRun(id, hidden) {
      return setHidden.run(hidden ? 1 : 0, id).changes === 1;
    },
    addQuestion(relation) {
      return Number(insertQuestion.run(relation, now()).lastInsertRowid);
    },
    closeQuestion(id) {
      return closeQuestion.run(id).changes === 1;
    },
    questions() {
      return listQuestions.all() as Question[];
    },
    addAnswer(question, name, value) {
      upsertAnswer.run(question, name, value, now());
    },
    answers() {
      return listAnswers.all() as Answer[];
    },
    code: (fallback) => meta('code', fallback),
    setCode(code) {
      setMeta.run('code', code);
    },
    teacherCode: (fallback) => meta('teacher-code', fallback),
    setTeacherCode(code) {
      setMeta.run('teacher-code', code);
    },
    uploadsOpen() {
      return (getMeta.get('uploads') as { value: string } | undefined)?.value !== 'closed';
    },
    setUploadsOpen(open) {
      setMeta.run('uploads', open ? 'open' : 'closed');
    },
    othersChanges() {
      return Number(db.pragma('data_version', { simple: true }));
    },
    close() {
      db.close();
    },
  };
}
