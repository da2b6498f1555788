/**
 * What a class hub keeps: the shared runs, the questions and the students' answers, in one SQLite file under the
 * hub's data folder (better-sqlite3). SQLite gives what a classroom needs from a store: every upload is one
 * transaction, written to disk before the hub answers 201 (WAL, synchronous FULL), so a hub killed mid-upload
 * keeps every upload it acknowledged; thirty uploads in the same second are serialised by the database, not lost.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Results } from '../results/schema.js';
import { readAnyVersion } from '../results/upgrade.js';
import type { Answer, ClassRun, Question, RelationSpec } from '../reports/classroom/class-view.js';

export const DB_FILE = 'class.sqlite';

export interface StoredRunInfo {
  readonly id: number;
  readonly name: string;
  readonly receivedAt: string;
  readonly runId: string;
  readonly machine: { readonly cpuModel: string; readonly cpus: number; readonly node: string };
  readonly cases: number;
  readonly complete: boolean;
}

export interface ClassStore {
  addRun(name: string, results: Results, json: string): number;
  runs(): StoredRunInfo[];
  /** How many runs are kept under a name (a count, not the list: asked on every upload). */
  runsNamed(name: string): number;
  /** Every run with its results, parsed again (the files were validated on the way in). */
  classRuns(): ClassRun[];
  rawRun(id: number): string | null;
  addQuestion(relation: RelationSpec['key']): number;
  questions(): Question[];
  addAnswer(question: number, name: string, value: number): void;
  answers(): Answer[];
  /** The code kept from the first start, so that a restarted hub keeps the code its students have. */
  code(fallback: () => string): string;
  setCode(code: string): void;
  /**
   * Moves on whenever another connection (npm run class -- --ask or --add while the hub runs) commits to the file:
   * SQLite's data_version, which this connection's own commits leave alone.
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
}

export function openStore(dataDir: string): ClassStore {
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
  const insertRun = db.prepare('INSERT INTO runs (name, received_at, run_id, cpu_model, cpus, node, cases, complete, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const listRuns = db.prepare('SELECT id, name, received_at, run_id, cpu_model, cpus, node, cases, complete FROM runs ORDER BY id');
  const oneRun = db.prepare('SELECT results FROM runs WHERE id = ?');
  const countNamed = db.prepare('SELECT count(*) AS n FROM runs WHERE name = ?');
  const insertQuestion = db.prepare('INSERT INTO questions (relation, opened_at) VALUES (?, ?)');
  const listQuestions = db.prepare('SELECT id, relation FROM questions ORDER BY id');
  // A student who answers again changes their answer: one answer per name and question.
  const upsertAnswer = db.prepare('INSERT INTO answers (question, name, value, at) VALUES (?, ?, ?, ?) ON CONFLICT (question, name) DO UPDATE SET value = excluded.value, at = excluded.at');
  const listAnswers = db.prepare('SELECT question, name, value FROM answers ORDER BY at');
  const getMeta = db.prepare('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const now = (): string => new Date().toISOString();
  // A run never changes once stored: each is parsed and validated once per hub, not on every page view.
  const parsed = new Map<number, Results>();
  const idsOnly = db.prepare('SELECT id, name, received_at FROM runs ORDER BY id');
  return {
    addRun(name, results, json) {
      const info = insertRun.run(name, now(), results.runId, results.machine.cpuModel, results.machine.cpus, results.machine.node, results.cases.length, results.complete ? 1 : 0, json);
      return Number(info.lastInsertRowid);
    },
    runs() {
      return (listRuns.all() as RunRow[]).map((r) => ({ id: r.id, name: r.name, receivedAt: r.received_at, runId: r.run_id, machine: { cpuModel: r.cpu_model, cpus: r.cpus, node: r.node }, cases: r.cases, complete: r.complete === 1 }));
    },
    classRuns() {
      return (idsOnly.all() as { id: number; name: string; received_at: string }[]).map((r) => {
        let results = parsed.get(r.id);
        if (results === undefined) {
          const row = oneRun.get(r.id) as { results: string };
          results = readAnyVersion(JSON.parse(row.results));
          parsed.set(r.id, results);
        }
        return { id: r.id, name: r.name, receivedAt: r.received_at, results };
      });
    },
    runsNamed(name) {
      return (countNamed.get(name) as { n: number }).n;
    },
    rawRun(id) {
      const row = oneRun.get(id) as { results: string } | undefined;
      return row?.results ?? null;
    },
    addQuestion(relation) {
      return Number(insertQuestion.run(relation, now()).lastInsertRowid);
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
    code(fallback) {
      const row = getMeta.get('code') as { value: string } | undefined;
      if (row !== undefined) return row.value;
      const code = fallback();
      setMeta.run('code', code);
      return code;
    },
    setCode(code) {
      setMeta.run('code', code);
    },
    othersChanges() {
      return Number(db.pragma('data_version', { simple: true }));
    },
    close() {
      db.close();
    },
  };
}
