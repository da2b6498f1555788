/**
 * Node.js checks its header and request deadlines (headersTimeout, requestTimeout) only every
 * `connectionsCheckingInterval`, 30 s by default: a "10 s" headers limit then really holds for up to 40 s, and 32
 * silent sockets could lock a small server out for half a minute. Every server of the lab checks twice a second, so
 * that its limits hold as written, within half a second.
 */
export const CONNECTIONS_CHECK_MS = 500;
