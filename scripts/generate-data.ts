/**
 * Generates the CSV API's data: the course's two files (associations and their events), made larger and
 * nastier (accents, quoted commas and quotes, line breaks inside quotes) so that the parser is real.
 * Deterministic: a seeded generator, no clock, no locale, so every machine gets the same bytes.
 *
 *   node dist/scripts/generate-data.js            writes servers/app/data/*.csv
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { associationsCsv, dataDir, eventsCsv } from '../servers/app/course/paths.js';
import { csvLine } from './csv-write.js';
import { seededRandom } from '../lib/random.js';

export const ASSOCIATION_COUNT = 300;
export const EVENT_COUNT = 30_000;
export const FIRST_EVENT_ID = 101;
export const ASSOCIATION_TYPES = ['BDE', 'BDS', 'BDA', 'Club', 'Humanitaire', 'Médias'] as const;


const THEMES = ['Informatique', 'Sports', 'Arts', 'Robotique', 'Théâtre', 'Écologie', 'Musique', 'Cinéma',
  'Échecs', 'Photographie', 'Œnologie', 'Astronomie', 'Débat', 'Entraide', 'Journalisme', 'Danse'];
const CITIES = ['Paris', 'Lyon', 'Besançon', 'Nîmes', 'Saint-Étienne', 'Orléans', 'Gap', 'Évry'];
const EVENT_KINDS = ['Hackathon', 'Tournoi', 'Atelier', 'Concert', 'Conférence', 'Soirée', 'Compétition',
  'Sortie', 'Projection', 'Café-débat', 'Exposition', 'Répétition'];
const PLACES = ['Campus Informatique', 'Gymnase Central', 'Atelier Arts', 'Salle Polyvalente',
  'Laboratoire Robotique', 'Amphi "Marie Curie"', 'Cafétéria, niveau 2', 'Bibliothèque'];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function description(random: () => number, subject: string): string {
  const r = random();
  // A few of each awkward shape, so the parser meets every one of them.
  if (r < 0.15) return `${subject}, ouvert à tous les niveaux, débutants compris.`;
  if (r < 0.25) return `Le « ${subject} » : dit "incontournable" par les anciens.`;
  if (r < 0.33) return `${subject}.\nInscription sur place;\r\nprévoir 5 €.`;
  if (r < 0.38) return '';
  return `Pour les passionnés : ${subject.toLowerCase()} à partager.`;
}

export function generateAssociations(): string {
  const random = seededRandom(2024);
  let out = csvLine(['id', 'nom', 'type', 'description']);
  for (let id = 1; id <= ASSOCIATION_COUNT; id++) {
    const type = pick(random, ASSOCIATION_TYPES);
    const nom = `${type} ${pick(random, THEMES)} ${pick(random, CITIES)} n°${id}`;
    out += csvLine([id, nom, type, description(random, nom)]);
  }
  return out;
}

export function generateEvents(): string {
  const random = seededRandom(2025);
  let out = csvLine(['id', 'association_id', 'nom', 'date', 'lieu', 'description']);
  for (let n = 0; n < EVENT_COUNT; n++) {
    const id = FIRST_EVENT_ID + n;
    const associationId = 1 + Math.floor(random() * ASSOCIATION_COUNT);
    const nom = `${pick(random, EVENT_KINDS)} ${pick(random, THEMES)}`;
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const date = `2025-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    out += csvLine([id, associationId, nom, date, pick(random, PLACES), description(random, nom)]);
  }
  return out;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes the files only when their bytes change, so a running server never reads a half-written file. */
function writeIfChanged(path: string, text: string): boolean {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  return true;
}

function main(): void {
  mkdirSync(dataDir, { recursive: true });
  const changed = [
    writeIfChanged(associationsCsv, generateAssociations()) ? associationsCsv : null,
    writeIfChanged(eventsCsv, generateEvents()) ? eventsCsv : null,
  ].filter((p) => p !== null);
  if (changed.length > 0) console.log(`generated ${changed.join(', ')}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
