/**
 * The "Connections" section of a run page: what a held connection costs each model (memory per idle WebSocket held
 * open, --hold), how the active clients' latency moves as more are held, and the chat's fan-out (ws-chat): its
 * deliveries, their latency from the planned send, and the deliveries lost or duplicated. Theory beside each: a
 * message to a room costs one delivery per member; a connection costs a thread's stack and heap, a process, or a
 * socket's buffers.
 */
import { formatBytes, formatRps, formatUs } from '../../../lib/format.js';
import { t } from '../../../lib/lang/lang.js';
import type { CaseResult, DistributionPoint, OkCase, Results } from '../../../results/schema.js';
import { splitWorkloadKey } from '../../../results/workload-key.js';
import { latencyText, ratioText } from '../figures.js';

export interface MemoryView {
  /** The workload the connections were held beside (its name without the held level). */
  readonly workload: string;
  /** Held levels (idle connections), ascending; one bar per model and level. */
  readonly levels: readonly number[];
  readonly series: readonly { readonly model: string; readonly kib: readonly (number | null)[]; readonly texts: readonly string[] }[];
}

export interface HeldLatencyView {
  readonly workload: string;
  readonly clients: number;
  /** Idle connections held (0: none), ascending. */
  readonly levels: readonly number[];
  readonly series: readonly { readonly model: string; readonly p50: readonly (number | null)[]; readonly p99: readonly (number | null)[]; readonly lowerBound: readonly boolean[] }[];
}

export interface ChatRowView {
  readonly model: string;
  readonly rate: number;
  readonly members: number;
  readonly deliveriesPerSecond: number;
  readonly owedPerSecond: number;
  readonly p50: string;
  readonly p99: string;
  readonly max: string;
  readonly lost: number;
  readonly duplicated: number;
  /** Server CPU per delivery (µs), from the case's CPU and deliveries per second. */
  readonly cpuPerDeliveryUs: number | null;
}

export interface ConnectionsView {
  /** The story's sentence: what each held connection cost the models that cost most and least. */
  readonly sentence: string | null;
  /** One per workload measured with connections held. */
  readonly memory: readonly MemoryView[];
  readonly latency: readonly HeldLatencyView[];
  readonly chat: { readonly rows: readonly ChatRowView[]; readonly rate: number; readonly distributions: readonly { readonly model: string; readonly points: readonly DistributionPoint[] }[] } | null;
  /** Theory, one paragraph each: what a held connection costs by model, and what a room's message costs. */
  readonly theory: readonly string[];
}

const ok = (c: CaseResult): c is OkCase => c.status === 'ok';
/** Below this growth in all, the server's memory did not measurably grow: V8 and the allocator take memory in pages. */
export const MEASURABLE_GROWTH_BYTES = 128 * 1024;
const byName = (models: readonly string[]) => (a: string, b: string): number => models.indexOf(a) - models.indexOf(b);

/**
 * Memory per held connection of the held cases: the sentence of the story, at the largest level held. The model that
 * cost most against the one that cost least; a model whose memory did not measurably grow (a few hundred idle sockets
 * fit in the heap an event loop already has) is named as such, not divided by.
 */
export function memorySentence(cases: readonly OkCase[]): string | null {
  const measured = cases.filter((c) => c.held !== undefined && c.held.rssPerConnectionBytes !== null);
  if (measured.length === 0) return null;
  const level = Math.max(...measured.map((c) => c.held?.connections ?? 0));
  // Growth the memory reading cannot tell from its own noise (the heap grows by pages of 256 KiB) counts as none.
  const bytes = (c: OkCase): number => {
    const each = c.held?.rssPerConnectionBytes ?? 0;
    return each * (c.held?.opened ?? 0) < MEASURABLE_GROWTH_BYTES ? 0 : each;
  };
  // One cell: the largest level held, of one workload, at its fewest clients (where the held connections are most of it).
  const atLevel = measured.filter((c) => c.held?.connections === level);
  const workload = atLevel[0]?.workload;
  const clients = Math.min(...atLevel.filter((c) => c.workload === workload).map((c) => c.connections));
  const at = atLevel.filter((c) => c.workload === workload && c.connections === clients).sort((a, b) => bytes(b) - bytes(a));
  const most = at[0];
  if (most === undefined) return null;
  const grew = at.filter((c) => bytes(c) > 0);
  const least = grew[grew.length - 1];
  const unseen = [...new Set(at.filter((c) => bytes(c) <= 0).map((c) => `\`${c.model}\``))];
  const first =
    bytes(most) <= 0
      ? t('connections.memoryNone', { held: level, models: unseen.join(', ') })
      : least === undefined || least.model === most.model
        ? t('connections.memoryOne', { held: level, a: most.model, aBytes: formatBytes(bytes(most)) })
        : t('connections.memoryTwo', { held: level, a: most.model, aBytes: formatBytes(bytes(most)), b: least.model, bBytes: formatBytes(bytes(least)), ratio: ratioText(bytes(most) / bytes(least)) });
  return bytes(most) > 0 && unseen.length > 0 ? `${first} ${t('connections.memoryUnseen', { models: unseen.join(', ') })}` : first;
}

function memoryViews(held: readonly OkCase[], models: readonly string[]): MemoryView[] {
  const bases = [...new Set(held.map((c) => splitWorkloadKey(c.workload).base))];
  return bases.flatMap((base) => {
    const view = memoryView(base, held.filter((c) => splitWorkloadKey(c.workload).base === base), models);
    return view === null ? [] : [view];
  });
}

function memoryView(workload: string, held: readonly OkCase[], models: readonly string[]): MemoryView | null {
  const measured = held.filter((c) => c.held !== undefined);
  if (measured.length === 0) return null;
  const levels = [...new Set(measured.map((c) => c.held?.connections ?? 0))].sort((a, b) => a - b);
  const names = [...new Set(measured.map((c) => c.model))].sort(byName(models));
  return {
    workload,
    levels,
    series: names.map((model) => {
      // Several clients levels at one held level: the fewest clients, where the held connections are most of it.
      const at = levels.map((level) => measured.filter((c) => c.model === model && c.held?.connections === level).sort((a, b) => a.connections - b.connections)[0]);
      return {
        model,
        kib: at.map((c) => (c?.held?.rssPerConnectionBytes == null ? null : c.held.rssPerConnectionBytes / 1024)),
        texts: at.map((c) => (c?.held === undefined ? '—' : t('connections.memoryTip', { bytes: c.held.rssPerConnectionBytes === null ? '—' : formatBytes(c.held.rssPerConnectionBytes), opened: c.held.opened, held: c.held.connections }))),
      };
    }),
  };
}

function latencyViews(cases: readonly OkCase[], models: readonly string[]): HeldLatencyView[] {
  const heldKeys = cases.filter((c) => c.held !== undefined && c.mode === 'closed');
  const groups = new Map<string, { workload: string; clients: number }>();
  for (const c of heldKeys) {
    const { base } = splitWorkloadKey(c.workload);
    groups.set(`${base}\u0000${c.connections}`, { workload: base, clients: c.connections });
  }
  return [...groups.values()].map(({ workload, clients }) => {
    const mine = cases.filter((c) => c.mode === 'closed' && c.connections === clients && splitWorkloadKey(c.workload).base === workload);
    const levelOf = (c: OkCase): number => splitWorkloadKey(c.workload).hold;
    const levels = [...new Set(mine.map(levelOf))].sort((a, b) => a - b);
    const names = [...new Set(mine.map((c) => c.model))].sort(byName(models));
    return {
      workload,
      clients,
      levels,
      series: names.map((model) => {
        const at = levels.map((level) => mine.find((c) => c.model === model && levelOf(c) === level));
        return { model, p50: at.map((c) => c?.latencyUs.p50 ?? null), p99: at.map((c) => c?.latencyUs.p99 ?? null), lowerBound: at.map((c) => c?.littlesLaw.lowerBound ?? false) };
      }),
    };
  });
}

function chatView(cases: readonly OkCase[], models: readonly string[]): ConnectionsView['chat'] {
  const chats = cases.filter((c) => c.chat !== undefined && c.mode === 'open').sort((a, b) => byName(models)(a.model, b.model) || (a.targetRate ?? 0) - (b.targetRate ?? 0));
  if (chats.length === 0) return null;
  const rate = Math.max(...chats.map((c) => c.targetRate ?? 0));
  return {
    rows: chats.map((c) => {
      const members = c.chat?.members ?? c.connections;
      return {
        model: c.model,
        rate: c.targetRate ?? 0,
        members,
        deliveriesPerSecond: c.rps,
        owedPerSecond: (c.targetRate ?? 0) * members,
        p50: latencyText(c.latencyUs.p50, c.p50Interval, c.littlesLaw.lowerBound),
        p99: latencyText(c.latencyUs.p99, c.p99Interval, c.littlesLaw.lowerBound),
        max: formatUs(c.latencyUs.max),
        lost: c.chat?.lost ?? 0,
        duplicated: c.chat?.duplicated ?? 0,
        cpuPerDeliveryUs: c.rps > 0 ? (c.serverCpuPercent / 100 / c.rps) * 1e6 : null,
      };
    }),
    rate,
    distributions: chats.filter((c) => c.targetRate === rate).map((c) => ({ model: c.model, points: c.distribution })),
  };
}

/** Theory's paragraphs: what a held connection costs by model, and what the room's messages cost the event loop. */
function theoryOf(memory: readonly MemoryView[], chat: ConnectionsView['chat']): string[] {
  const out: string[] = [];
  if (memory.length > 0) out.push(t('connections.theoryMemory'));
  const row = chat?.rows.find((r) => r.model === 'event-loop' && r.cpuPerDeliveryUs !== null) ?? chat?.rows.find((r) => r.cpuPerDeliveryUs !== null);
  if (chat !== null && row !== undefined && row.cpuPerDeliveryUs !== null && row.cpuPerDeliveryUs > 0) {
    const perCore = 1e6 / row.cpuPerDeliveryUs;
    out.push(t('connections.theoryChat', { members: row.members, rate: formatRps(row.rate), owed: formatRps(row.owedPerSecond), model: row.model, measured: formatRps(row.deliveriesPerSecond), cost: formatUs(row.cpuPerDeliveryUs), perCore: formatRps(perCore), maxRate: formatRps(perCore / row.members) }));
  }
  return out;
}

/** The section's view, or null when the run held no connection and ran no chat. */
export function connectionsView(results: Results, models: readonly string[]): ConnectionsView | null {
  const cases = results.cases.filter(ok);
  const held = cases.filter((c) => c.held !== undefined);
  const memory = memoryViews(held, models);
  const chat = chatView(cases, models);
  if (memory.length === 0 && chat === null) return null;
  return { sentence: memorySentence(held), memory, latency: latencyViews(cases, models), chat, theory: theoryOf(memory, chat) };
}
