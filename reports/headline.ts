import { formatRps, formatUs } from '../results/format.js';
import type { Cell } from '../results/aggregate.js';

const ratioText = (ratio: number): string => (ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1));

/**
 * The sentence at the top of a workload: which model served most and by how much, from the numbers.
 * `cells` are the workload's cells at one number of clients; reference models (baseline) are compared
 * separately, as the ceiling, never as a contender.
 */
export function headline(workload: string, connections: number, cells: readonly Cell[], referenceModels: ReadonlySet<string>): string {
  const measured = cells.filter((c) => c.rps !== null && c.rps > 0);
  const contenders = measured.filter((c) => !referenceModels.has(c.model)).sort((a, b) => (b.rps ?? 0) - (a.rps ?? 0));
  const clients = `${connections} client${connections === 1 ? '' : 's'}`;
  const best = contenders[0];
  const worst = contenders[contenders.length - 1];
  if (best === undefined || worst === undefined) return `At ${clients} on \`${workload}\`, no model of the application has a result.`;
  const sentences: string[] = [];
  if (best === worst) {
    sentences.push(`At ${clients} on \`${workload}\`, only \`${best.model}\` has a result: ${formatRps(best.rps ?? 0)} requests per second.`);
  } else {
    const ratio = (best.rps ?? 0) / (worst.rps ?? 1);
    const p99 = best.p99 !== null && worst.p99 !== null ? `, with a p99 of ${formatUs(best.p99)} against ${formatUs(worst.p99)}` : '';
    if (ratio < 1.1) {
      sentences.push(`At ${clients} on \`${workload}\`, every model answered within 10% of the others: \`${best.model}\` ${formatRps(best.rps ?? 0)} req/s, \`${worst.model}\` ${formatRps(worst.rps ?? 0)} req/s${p99}.`);
    } else {
      sentences.push(`At ${clients} on \`${workload}\`, \`${best.model}\` answered ${ratioText(ratio)}× more requests than \`${worst.model}\`${p99}.`);
    }
  }
  for (const reference of measured.filter((c) => referenceModels.has(c.model))) {
    const share = Math.round(((best.rps ?? 0) / (reference.rps ?? 1)) * 100);
    sentences.push(`\`${best.model}\` reached ${share}% of the bare \`${reference.model}\` (${formatRps(reference.rps ?? 0)} req/s).`);
  }
  const failed = cells.filter((c) => c.failed.length > 0).map((c) => `\`${c.model}\``);
  if (failed.length > 0) sentences.push(`Failed at this level: ${failed.join(', ')}.`);
  return sentences.join(' ');
}
