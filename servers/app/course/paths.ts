import { join } from 'node:path';
import { repoRoot } from '../../../lib/paths.js';

export const staticRoot = join(repoRoot, 'servers', 'app', 'public');
export const dataDir = join(repoRoot, 'servers', 'app', 'data');
export const associationsCsv = join(dataDir, 'associations.csv');
export const eventsCsv = join(dataDir, 'evenements.csv');
