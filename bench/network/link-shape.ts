/** A real link between client and server: namespaces joined by veth, with an optional one-way delay on each end. */
export interface NetworkOptions {
  readonly namespaces: true;
  /** Delay added to each direction of the link, ms (the round trip gains twice this). */
  readonly delayMs: number;
  /** The link's rate each way, megabits per second (--netem-rate); absent: as fast as veth goes. */
  readonly rateMbit?: number;
  /** Who adds delay and rate: netem on both ends, or the lab's relay where the kernel has no netem (bench/network/netns.ts delayMethod). */
  readonly delayBy?: 'netem' | 'relay';
}

/** Whether the link is shaped at all: a delay, or a rate. */
export function shapesLink(network: NetworkOptions): boolean {
  return network.delayMs > 0 || network.rateMbit !== undefined;
}
