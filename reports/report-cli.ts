/** npm run report -- <results.json> [--out <dir>] [--lang en|fr]: renders a run's page from any results file. */
import { dirname, relative, resolve } from 'node:path';
import { DEFAULT_RUNS_DIR } from '../lib/paths.js';
import { t } from '../lib/lang/lang.js';
import { failWith, parseFilesCommand } from './cli-args.js';
import { refreshIndex, writeRunReport } from './write.js';

const { files, out } = parseFilesCommand('report', 'cli.report.usage', 'cli.report.help');
const [file, ...extra] = files;
if (file === undefined) failWith('report', new Error(t('cli.report.nameFile', { usage: t('cli.report.usage') })));
if (extra.length > 0) failWith('report', t('cli.report.oneFile'));
try {
  const { path } = writeRunReport(file, out);
  console.log(t('cli.report.done', { path: relative(process.cwd(), path) }));
  // A run of the default folder also appears in the index.
  if (resolve(dirname(dirname(file))) === resolve(DEFAULT_RUNS_DIR)) {
    console.log(t('cli.report.index', { path: relative(process.cwd(), refreshIndex(DEFAULT_RUNS_DIR).path) }));
  }
} catch (error: unknown) {
  failWith('report', error);
}
