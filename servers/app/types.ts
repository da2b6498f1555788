/** Who answered a request: every answer carries it, so a student can see the model at work. */
export interface ServedBy {
  readonly model: string;
  readonly pid: number;
  readonly threadId: number;
}

/** What the application needs of a request: plain data, so it can cross to a pool thread. */
export interface AppRequest {
  readonly method: string;
  /** The raw request target, exactly as the client sent it (path and query). */
  readonly url: string;
  /** The Cookie header, for the session counter (`/visits`); absent when the client sent none. */
  readonly cookie?: string | undefined;
  readonly servedBy: ServedBy;
}

export interface AppResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

/** An answer and who computed it (a pool thread, a cluster process): the server writes both. */
export interface ServedResponse extends AppResponse {
  readonly servedBy: ServedBy;
}
