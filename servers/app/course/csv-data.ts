import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { associationsCsv, eventsCsv } from './paths.js';

export interface Association {
  readonly id: number;
  readonly nom: string;
  readonly type: string;
  readonly description: string;
}

export interface Evenement {
  readonly id: number;
  readonly association_id: number;
  readonly nom: string;
  readonly date: string;
  readonly lieu: string;
  readonly description: string;
}

export interface CsvData {
  readonly associations: ReadonlyMap<number, Association>;
  readonly evenements: ReadonlyMap<number, Evenement>;
  readonly evenementsByAssociation: ReadonlyMap<number, readonly Evenement[]>;
  readonly associationsByType: ReadonlyMap<string, readonly Association[]>;
}

type Row = Record<string, string>;

function field(row: Row, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`CSV row without column '${name}'`);
  return value;
}

function id(row: Row, name: string): number {
  const value = Number(field(row, name));
  if (!Number.isSafeInteger(value)) throw new Error(`CSV column '${name}' is not an integer: ${field(row, name)}`);
  return value;
}

/** Parses CSV text with a header line into rows keyed by column name (csv-parse handles the quoting). */
export function parseCsv(text: string): Row[] {
  return parse<Row>(text, { columns: true, skip_empty_lines: true, bom: true });
}

export function indexData(associationsText: string, eventsText: string): CsvData {
  const associations = new Map<number, Association>();
  const associationsByType = new Map<string, Association[]>();
  for (const row of parseCsv(associationsText)) {
    const a: Association = { id: id(row, 'id'), nom: field(row, 'nom'), type: field(row, 'type'), description: field(row, 'description') };
    associations.set(a.id, a);
    associationsByType.set(a.type, [...(associationsByType.get(a.type) ?? []), a]);
  }
  const evenements = new Map<number, Evenement>();
  const evenementsByAssociation = new Map<number, Evenement[]>();
  for (const row of parseCsv(eventsText)) {
    const e: Evenement = {
      id: id(row, 'id'), association_id: id(row, 'association_id'), nom: field(row, 'nom'),
      date: field(row, 'date'), lieu: field(row, 'lieu'), description: field(row, 'description'),
    };
    evenements.set(e.id, e);
    const list = evenementsByAssociation.get(e.association_id);
    if (list === undefined) evenementsByAssociation.set(e.association_id, [e]);
    else list.push(e);
  }
  return { associations, evenements, evenementsByAssociation, associationsByType };
}

let loaded: CsvData | undefined;

/**
 * The data is read and parsed once per process (or pool thread), about half a second, and the API then
 * answers from memory, as the course's pandas version does. Each cluster process and pool thread holds
 * its own copy.
 */
export function csvData(): CsvData {
  loaded ??= indexData(readFileSync(associationsCsv, 'utf8'), readFileSync(eventsCsv, 'utf8'));
  return loaded;
}

/**
 * Models call this when a process or thread starts, before it listens or takes work: parsing inside a
 * measured window (a pool thread's or a cluster process's first API request) would be counted as latency.
 */
export function loadCsvData(): void {
  csvData();
}
