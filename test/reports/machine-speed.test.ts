/** The machine's state as the gauges saw it: on the run page, in the terminal summary, and between compared runs. */
import { describe, expect, it } from 'vitest';
import type { Results } from '../../results/schema.js';
import { compareWarnings } from '../../reports/views/compare-view.js';
import { machineSpeedText } from '../../reports/views/run/machine-view.js';
import { summaryTables } from '../../reports/text/summary.js';
import { buildV2Results } from '../helpers/v2-fixture.js';

describe('the machine’s state, said on the page and in a comparison', () => {
  const speed = { median: 0.62, low: 0.55, high: 0.7, best: 5000 };
  it('says how fast the cores computed against the machine’s best, and what earlier runs met', () => {
    expect(machineSpeedText({})).toBeNull();
    const text = machineSpeedText({ machineSpeed: speed }) ?? '';
    expect(text).toContain('the cores computed at 62% of this machine\'s best (55%–70% over the trials; best 5,000 PBKDF2 iterations per ms');
    expect(text).not.toContain('Earlier runs');
    expect(machineSpeedText({ machineSpeed: { ...speed, history: { low: 0.5, runs: 3 } } })).toContain('Earlier runs in this folder (3) met states down to 50%.');
  });
  it('warns when two runs on one machine met it in states more than 10 % apart, not within that', () => {
    const run = (median: number): Results => ({ ...buildV2Results(), machineSpeed: { ...speed, median } });
    const apart = compareWarnings([{ label: 'A', results: run(0.95) }, { label: 'B', results: run(0.62) }]).join(' ');
    expect(apart).toContain("run B's cores computed at 62% of their best, run A's at 95%");
    expect(apart).toContain('by up to 53%');
    const close = compareWarnings([{ label: 'A', results: run(0.95) }, { label: 'B', results: run(0.9) }]).join(' ');
    expect(close).not.toContain('different states');
  });
});

describe('the terminal summary', () => {
  it('ends with the machine’s state where the gauges measured it', () => {
    const results = buildV2Results();
    expect(summaryTables(results)).not.toContain('The cores computed at');
    const withSpeed: Results = { ...results, machineSpeed: { median: 0.62, low: 0.55, high: 0.7, best: 5000, history: { low: 0.5, runs: 2 } } };
    expect(summaryTables(withSpeed)).toContain('The cores computed at 62% of this machine’s best during the run (55–70%; earlier runs here met down to 50%)');
  });
});
