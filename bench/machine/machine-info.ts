import { execFileSync } from 'node:child_process';
import { cpus, hostname, platform, release, totalmem, availableParallelism } from 'node:os';
import { repoRoot } from '../../lib/paths.js';
import type { Results } from '../../results/schema.js';

export function machineInfo(): Results['machine'] {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: availableParallelism(),
    memoryBytes: totalmem(),
    os: `${platform()} ${release()}`,
    node: process.version,
    hostname: hostname(),
  };
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout (a tarball), or no git
  }
}

export function gitInfo(): Results['git'] {
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status !== '' };
}
