/** npm run compare -- <a.json> <b.json> [more…] [--out <dir>] [--lang en|fr]: two or more runs side by side. */
import { relative } from 'node:path';
import { t } from '../lib/lang/lang.js';
import { failWith, parseFilesCommand } from './cli-args.js';
import { writeComparison } from './write.js';

const { files, out } = parseFilesCommand('compare', 'cli.compare.usage', 'cli.compare.help');
if (files.length < 2) failWith('compare', t('cli.compare.nameFiles', { usage: t('cli.compare.usage') }));
try {
  console.log(t('cli.compare.done', { path: relative(process.cwd(), writeComparison(files, out)) }));
} catch (error: unknown) {
  failWith('compare', error);
}
