/**
 * A workload's key in the results: its name, or `<name>+hold<N>` for its cases measured with N idle WebSocket
 * connections held open (--hold): each level is a workload of its own (its servers start afresh, its cases compare
 * among themselves), and the pages gather the levels of one workload back together.
 */
export function workloadKey(name: string, hold: number): string {
  return hold > 0 ? `${name}+hold${hold}` : name;
}

/** The workload a key names and the idle connections held beside it (0: none). */
export function splitWorkloadKey(key: string): { readonly base: string; readonly hold: number } {
  const m = /^(.+)\+hold(\d+)$/.exec(key);
  return m === null ? { base: key, hold: 0 } : { base: m[1] ?? key, hold: Number(m[2]) };
}

/** What a workload's throughput counts: requests (HTTP), echoed messages (ws-echo), or deliveries to members (ws-chat). */
export type RateUnit = 'requests' | 'messages' | 'deliveries';

export function rateUnit(key: string): RateUnit {
  const { base } = splitWorkloadKey(key);
  return base === 'ws-echo' ? 'messages' : base === 'ws-chat' ? 'deliveries' : 'requests';
}

/** What an open loop offers: requests, or the chat's messages (each owed to every member). */
export function offeredUnit(key: string): 'requests' | 'messages' {
  return rateUnit(key) === 'requests' ? 'requests' : 'messages';
}
