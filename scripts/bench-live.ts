/**
 * `npm run bench -- --live`: ties the live view together. The bench's side (bench/live.ts, bench/live-feed.ts)
 * never imports the reports, so the page is rendered here, above both, and handed to the server as a string.
 */
import { createLiveFeed, type LiveFeed } from '../bench/live/live-feed.js';
import { startLiveServer, type LiveServer } from '../bench/live/live-server.js';
import type { LiveEnd } from '../results/live-feed.js';
import { loadAssets } from '../reports/assets.js';
import { renderLivePage } from '../reports/live.js';
import { t } from '../lib/lang/lang.js';

export interface Live {
  readonly url: string;
  readonly hooks: LiveFeed['hooks'];
  /** Sends how the run ended, ends every viewer's stream and closes the server. */
  end(end: LiveEnd): Promise<void>;
}

export async function startLive(port: number, plan: string): Promise<Live> {
  // In the bench's language (set before this starts), as the phases and the plan it shows.
  const title = t('prog.liveTitle');
  const page = renderLivePage(loadAssets(), title);
  let server: LiveServer | undefined;
  const feed = createLiveFeed((event) => server?.send(event), { title, plan });
  try {
    server = await startLiveServer({ port, page, snapshot: () => feed.snapshot() });
  } catch (error: unknown) {
    feed.end({ outcome: 'failed', message: t('prog.liveFailed') });
    throw error;
  }
  const running = server;
  return {
    url: running.url,
    hooks: feed.hooks,
    async end(end) {
      feed.end(end);
      await running.close();
    },
  };
}
