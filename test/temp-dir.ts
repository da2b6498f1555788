/**
 * Every temporary folder of one test run lives in one parent, removed when the run ends: the tests (and the
 * benches and servers they start, which inherit TMPDIR) make dozens of folders per run, and a shared machine
 * that runs the suite every day must not collect them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env['TMPDIR'];
  const parent = mkdtempSync(join(tmpdir(), 'lab-tests-'));
  // os.tmpdir() reads TMPDIR at each call; the test processes start after this and inherit it.
  process.env['TMPDIR'] = parent;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    rmSync(parent, { recursive: true, force: true });
  };
}
