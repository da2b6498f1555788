/**
 * What goes through the broker between the bench and an agent (bench/agents/agent.ts, bench/agents/broker-agents.ts):
 * a `load` job (a trial's closed or open load as the load process takes it, a start time on the broker's clock, how
 * late it may start, when it must be over), its progress (the window's edges and the live view's ticks, as the load
 * process says them), and its outcome (histograms encoded, its timeline on the broker's clock).
 */
import { z } from 'zod';
import type { ClosedSpec, EncodedClosed, EncodedOpen, EncodedTick, OpenSpec } from '../load/load-messages.js';

export type LoadJob =
  | { readonly kind: 'closed'; readonly spec: ClosedSpec; readonly startAtMs: number; readonly slackMs: number }
  | { readonly kind: 'open'; readonly spec: OpenSpec; readonly startAtMs: number; readonly slackMs: number };

/** What an agent checks of a job before running it: anyone who can write to the broker can enqueue one. */
const seconds = (max: number) => z.number().min(0).max(max);
const whole = (max: number) => z.number().int().min(0).max(max);
export const LoadJobSchema = z.object({
  kind: z.enum(['closed', 'open']),
  // The bench's own bounds (bench/plan/options.ts) or wider: what a job may make an agent do, whoever sent it.
  spec: z.looseObject({
    url: z.string().max(2000),
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a path must not hold
    paths: z.array(z.string().max(2000).regex(/^\/[^\u0000-\u001f\u007f]*$/)).min(1).max(1000),
    durationSeconds: z.number().positive().max(3600),
    warmupSeconds: seconds(600),
    maxDrainSeconds: seconds(600),
    timeoutSeconds: seconds(600).optional(),
    connections: whole(100_000).optional(),
    rate: z.number().min(0).max(1_000_000).optional(),
    maxInflight: whole(100_000).optional(),
    members: whole(100_000).optional(),
    ca: z.string().max(20_000).optional(),
  }),
  startAtMs: z.number().positive(),
  slackMs: seconds(60_000),
});

export type JobProgress =
  | { readonly type: 'window'; readonly edge: 'start' | 'end' }
  | { readonly type: 'tick'; readonly tick: EncodedTick };

export function isJobProgress(value: unknown): value is JobProgress {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { type?: unknown; edge?: unknown; tick?: unknown };
  return (v.type === 'window' && (v.edge === 'start' || v.edge === 'end')) || (v.type === 'tick' && typeof v.tick === 'object' && v.tick !== null);
}

/** What the agent measured besides the load's own outcome. */
export interface AgentMeasures {
  /** The load process's CPU over the window, ms, and its event loop's delay (p99), ms. */
  readonly clientCpuMs: number;
  readonly clientLagMs?: number;
  /** How long after the common start time it began, ms (its clock corrected by its offset to the broker). */
  readonly startLateMs: number;
  /** Its clock minus the broker's at this job, ms. */
  readonly clockOffsetMs: number;
}

export type JobResult =
  | ({ readonly kind: 'closed'; readonly outcome: EncodedClosed } & AgentMeasures)
  | ({ readonly kind: 'open'; readonly outcome: EncodedOpen } & AgentMeasures);

/** An agent's outcome as it arrives: its kind, its measures, an outcome with an encoded histogram and a timeline. */
export function isJobResult(value: unknown): value is JobResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { kind?: unknown; clientCpuMs?: unknown; startLateMs?: unknown; outcome?: unknown };
  const o = v.outcome as { histogram?: unknown; timeline?: unknown } | null | undefined;
  return (v.kind === 'closed' || v.kind === 'open') && typeof v.clientCpuMs === 'number' && typeof v.startLateMs === 'number' && typeof o === 'object' && o !== null && typeof o.histogram === 'string' && typeof o.timeline === 'object';
}
