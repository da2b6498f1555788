/**
 * Before any test: dist/ must be the build of the sources. The tests spawn compiled code (servers, the bench
 * command), so `npx vitest` after an edit would otherwise test yesterday's program. `npm test` builds first
 * (pretest): then everything here is fresh and nothing happens.
 *
 * Fresh means: every source that tsc compiles (tsconfig.build.json decides which) has the .js that tsc emits for
 * it, at least as new as the source, and the generated CSV data exists. Other files in dist/ (bundles written by
 * other build steps, source maps) are neither required nor looked at.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { messageOf } from '../lib/errors.js';
import { repoRoot } from '../lib/paths.js';
import { associationsCsv, eventsCsv } from '../servers/app/course/paths.js';

interface Build {
  /** Each compiled source with the file tsc writes for it. */
  readonly outputs: readonly { readonly source: string; readonly output: string }[];
  readonly buildInfo: string | undefined;
}

const EMITTED: Readonly<Record<string, string>> = { '.ts': '.js', '.mts': '.mjs', '.cts': '.cjs' };

/** What tsc compiles and emits for `npm run build`, read from its own config so that the two cannot drift apart. */
function readBuild(): Build {
  const configFile = join(repoRoot, 'tsconfig.build.json');
  const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    },
  });
  if (config === undefined) throw new Error(`cannot read ${configFile}`);
  const { outDir, rootDir, tsBuildInfoFile } = config.options;
  if (outDir === undefined) throw new Error(`${configFile} has no outDir: nothing to check`);
  const root = rootDir ?? dirname(configFile);
  const outputs = config.fileNames.flatMap((source) => {
    if (/\.d\.[mc]?ts$/.test(source)) return []; // declarations emit nothing
    const extension = /\.[mc]?ts$/.exec(source)?.[0];
    const emitted = extension === undefined ? undefined : EMITTED[extension];
    if (extension === undefined || emitted === undefined) return [];
    return [{ source, output: join(outDir, relative(root, source)).slice(0, -extension.length) + emitted }];
  });
  return { outputs, buildInfo: tsBuildInfoFile };
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why dist/ cannot be trusted, most telling first: missing files, then outputs older than their sources. */
function problems(build: Build): { readonly missing: string[]; readonly older: { readonly source: string; readonly output: string }[] } {
  const missing = [associationsCsv, eventsCsv].filter((csv) => !existsSync(csv));
  const older: { source: string; output: string }[] = [];
  for (const entry of build.outputs) {
    const built = mtimeOf(entry.output);
    if (built === undefined) missing.push(entry.output);
    else if (built < (mtimeOf(entry.source) ?? 0)) older.push(entry);
  }
  return { missing, older };
}

const shown = (path: string): string => relative(repoRoot, path);

/** The page bundles (scripts/build-pages.ts) are built from reports/pages and what it imports (results/, lib/). */
const PAGE_BUNDLES = ['run', 'compare', 'index'].map((kind) => join(repoRoot, 'dist', 'pages', `${kind}.js`));
const PAGE_SOURCES = ['reports/pages', 'results', 'lib'];

/** The first page bundle that is missing or older than a page source, or undefined when all are fresh. */
function stalePage(): { readonly bundle: string; readonly source?: string } | undefined {
  const sources = PAGE_SOURCES.flatMap((folder) =>
    readdirSync(join(repoRoot, folder), { recursive: true, encoding: 'utf8' }).map((name) => join(repoRoot, folder, name)),
  );
  const newest = sources.reduce<{ path?: string; mtime: number }>((acc, path) => {
    const mtime = mtimeOf(path) ?? 0;
    return mtime > acc.mtime ? { path, mtime } : acc;
  }, { mtime: 0 });
  for (const bundle of PAGE_BUNDLES) {
    const built = mtimeOf(bundle);
    if (built === undefined) return { bundle };
    if (built < newest.mtime) return { bundle, source: newest.path };
  }
  return undefined;
}

export default function setup(): void {
  const build = readBuild();
  const before = problems(build);
  const first = before.missing[0] ?? before.older[0];
  const page = stalePage();
  if (first === undefined && page === undefined) return;
  const count = before.missing.length + before.older.length;
  const why =
    first === undefined
      ? page?.source === undefined ? `${shown(page?.bundle ?? '')} is missing` : `${shown(page.source)} is newer than ${shown(page.bundle)}`
      : typeof first === 'string' ? `${shown(first)} is missing` : `${shown(first.source)} is newer than ${shown(first.output)}`;
  console.log(`dist/ is out of date (${why}${count > 1 ? `, and ${count - 1} more` : ''}): running npm run build before the tests`);
  // tsc's incremental record says what it emitted last time, not what is still on disk: with an output deleted,
  // it would emit nothing. Without the record, it emits everything.
  if (before.missing.length > 0 && build.buildInfo !== undefined) rmSync(build.buildInfo, { force: true });
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.error !== undefined) throw new Error(`cannot run npm run build: ${messageOf(result.error)}`);
  if (result.status !== 0) throw new Error(`npm run build failed (status ${String(result.status)}): the tests would run stale code`);
  const after = problems(build);
  const stillMissing = after.missing[0];
  if (stillMissing !== undefined) throw new Error(`npm run build did not write ${shown(stillMissing)}`);
  const pageAfter = stalePage(); // the bundler rewrites every bundle at each build
  if (pageAfter !== undefined) throw new Error(`npm run build did not write ${shown(pageAfter.bundle)}`);
  // What is still older was left alone by tsc on purpose: its source was touched (a checkout, an editor saving
  // the same bytes) but not changed. Mark it current, or every run would build again.
  const now = new Date();
  for (const { output } of after.older) utimesSync(output, now, now);
}
