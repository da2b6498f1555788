import { currentLang, decimal, grouped } from './lang/lang.js';

/**
 * Latency in microseconds, with three significant digits and the unit that keeps them (850 µs, 2.35 ms, 21.4 ms,
 * 1.30 s): the tables (formatted in Node) and the chart axes (in the browser) both use this one function. The
 * unit is chosen after rounding, so that 999.7 µs reads "1.00 ms", never "1000 µs". Trailing zeros stay by
 * default, so that a column of latencies reads at one precision; an axis drops them (`trimZeros`), because its
 * ticks are round values and "2 ms" reads faster than "2.00 ms" on a projected chart.
 */
export function formatUs(us: number, { trimZeros = false }: { readonly trimZeros?: boolean } = {}): string {
  const digits = (n: number): string => decimal(trimZeros ? String(Number(n.toPrecision(3))) : n.toPrecision(3));
  if (Math.round(us) < 1000) return `${Math.round(us)} µs`;
  const ms = Number((us / 1000).toPrecision(3));
  if (ms < 1000) return `${digits(ms)} ms`;
  const s = Number((us / 1_000_000).toPrecision(3));
  return s < 1000 ? `${digits(s)} s` : `${grouped(us / 1_000_000)} s`;
}

export function formatRps(rps: number): string {
  return rps >= 100 ? grouped(rps) : decimal(rps.toFixed(1));
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** Binary units as each language writes them: KiB, MiB in English; Kio, Mio (octets) in French. */
const BYTE_UNITS = { en: ['B', 'KiB', 'MiB', 'GiB'], fr: ['o', 'Kio', 'Mio', 'Gio'] } as const;

export function formatBytes(bytes: number): string {
  const [b, k, m, g] = BYTE_UNITS[currentLang()];
  if (bytes < 1024) return `${Math.round(bytes)} ${b}`;
  if (bytes < 10 * 1024) return `${decimal((bytes / 1024).toFixed(1))} ${k}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} ${k}`;
  if (bytes < 1024 ** 3) return `${decimal((bytes / 1024 / 1024).toFixed(1))} ${m}`;
  return `${decimal((bytes / 1024 ** 3).toFixed(1))} ${g}`;
}

/**
 * "±6%", "±0.4%": a relative spread (0.06 → 6 %). Below 1 % one decimal stays, so a tight interval does not read
 * "±0%", which a class would take for no uncertainty at all (only an interval of width zero reads "±0.0%").
 */
export function formatSpread(fraction: number): string {
  const percent = fraction * 100;
  // Below 0.95 %, a whole number would round to 0 or 1: one decimal then ("±0.4%"), and "±1%" from 0.95 % up.
  return `±${percent < 0.95 ? decimal(percent.toFixed(1)) : Math.round(percent).toString()}${currentLang() === 'fr' ? '\u00a0%' : '%'}`;
}
