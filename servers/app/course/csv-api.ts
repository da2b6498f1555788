import { csvData } from './csv-data.js';
import { json, jsonError } from '../responses.js';
import type { AppResponse } from '../types.js';

const ID = /^\d{1,9}$/;

function parseId(raw: string): number | null {
  return ID.test(raw) ? Number(raw) : null;
}

const associationNotFound = (): AppResponse => jsonError(404, 'Association not found');
const eventNotFound = (): AppResponse => jsonError(404, 'Event not found');

/**
 * The course's CSV API, with its exact paths and answers. `segments` is the path after `/api/`, split on '/'.
 * Returns null when the path is not one of the API's, so that the router answers 404.
 */
export function csvApi(segments: readonly string[]): AppResponse | null {
  const [first, second, third, ...rest] = segments;
  if (rest.length > 0) return null;
  // Alive says the server runs, nothing about the data: it must not make a fresh thread or process parse it.
  if (first === 'alive' && second === undefined) return json(200, { message: 'Alive' });
  const data = csvData();
  if (first === 'associations' && second === undefined) return json(200, [...data.associations.keys()]);
  if (first === 'evenements' && second === undefined) return json(200, [...data.evenements.keys()]);
  if (first === 'associations' && second === 'type' && third !== undefined) {
    let type: string;
    try {
      type = decodeURIComponent(third);
    } catch {
      return jsonError(400, `association type ${JSON.stringify(third)} is not valid percent-encoding`);
    }
    return json(200, data.associationsByType.get(type) ?? []);
  }
  if (first === 'association' && second !== undefined) {
    const id = parseId(second);
    const association = id === null ? undefined : data.associations.get(id);
    if (third === undefined) return association === undefined ? associationNotFound() : json(200, association);
    if (third === 'evenements') {
      return association === undefined ? associationNotFound() : json(200, data.evenementsByAssociation.get(association.id) ?? []);
    }
    return null;
  }
  if (first === 'evenement' && second !== undefined && third === undefined) {
    const id = parseId(second);
    const event = id === null ? undefined : data.evenements.get(id);
    return event === undefined ? eventNotFound() : json(200, event);
  }
  return null;
}
