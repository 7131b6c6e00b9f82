/**
 * A WebSocket bridge subscriber that resumes: after any disconnect it reconnects with
 * `?after=<last seq>&run_id=<run>`, and the bridge sends exactly the events it missed,
 * without a snapshot (docs/guides/websocket-bridge.md).
 *
 * Node 20 has no global WebSocket, hence the `ws` package.
 */

import WebSocket from "ws";

import type { BridgeEvent, Seq, StateSnapshot, WatchEventsResponse } from "./types.js";

/** Close codes the bridge uses; both mean "reconnect with ?after=". */
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_SUBSCRIBER_TOO_SLOW = 4000;

export interface BridgeOptions {
  /** The bridge's URL, GetInfo's `websocketUrl`, e.g. ws://127.0.0.1:50052/v1/events. */
  url: string;
  /** A bearer token with the `read` scope, sent as a header (never in the URL). */
  token?: string;
  /** Only these kinds, e.g. ["vehicle_state"]; empty means every kind but signals. */
  kinds?: string[];
}

export interface BridgeHandlers {
  /** A snapshot: the first frame of a fresh subscription, or of a resume that came too late. */
  onSnapshot(snapshot: StateSnapshot, eventsLost: boolean): void;
  /** One event, in seq order, never twice. Return false to stop reading this frame. */
  onEvent(event: BridgeEvent): boolean;
  /** The connection ended; the subscriber reconnects by itself unless stopped. */
  onClose(code: number, reason: string): void;
  /** The bridge broke its promise (a repeated or out-of-order seq, a frame that is not JSON). */
  onError(error: Error): void;
}

/** Thrown when the bridge breaks the order it promises (a bug on either side). */
export class OrderError extends Error {}

export class BridgeSubscriber {
  /** The seq of the last event or snapshot handled: where a reconnect resumes. */
  lastSeq: Seq | null = null;
  /** The run `lastSeq` belongs to; a head unit restart changes it. */
  runId = "";

  private socket: WebSocket | null = null;
  private stopped = false;
  private retryMs = 100;

  constructor(
    private readonly options: BridgeOptions,
    private readonly handlers: BridgeHandlers,
  ) {}

  /** The URL of the next connection: with `?after=` once anything was received. */
  connectUrl(): string {
    const url = new URL(this.options.url);
    if (this.options.kinds && this.options.kinds.length > 0) {
      url.searchParams.set("kinds", this.options.kinds.join(","));
    }
    if (this.lastSeq !== null) {
      url.searchParams.set("after", this.lastSeq); // the string as received: exact
      url.searchParams.set("run_id", this.runId);
    }
    return url.toString();
  }

  /** Connect; resolves once the WebSocket is open. Rejects on a refused upgrade. */
  connect(): Promise<void> {
    this.stopped = false;
    const headers: Record<string, string> = {};
    if (this.options.token) {
      headers.Authorization = `Bearer ${this.options.token}`;
    }
    const socket = new WebSocket(this.connectUrl(), { headers });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      socket.once("open", () => {
        this.retryMs = 100;
        resolve();
      });
      socket.once("unexpected-response", (_request, response) => {
        // A refusal (400 bad query, 401 token) is an HTTP answer whose body is the
        // sentence saying why; retrying the same URL cannot help.
        this.stopped = true;
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => {
          reject(new Error(`The bridge refused ${response.statusCode}: ${body.trim()}`));
          socket.terminate();
        });
      });
      // Kept for the socket's life: an "error" without a listener would throw.
      socket.on("error", reject);
      socket.on("message", (data, isBinary) => {
        // Frames still buffered from a socket dropped on purpose must not count.
        if (socket === this.socket && !isBinary) {
          try {
            this.handleFrame(socket, data.toString());
          } catch (error) {
            this.drop();
            this.handlers.onError(error as Error);
          }
        }
      });
      socket.on("close", (code, reason) => this.handleClose(socket, code, reason.toString()));
    });
  }

  /**
   * Drop the connection as a network failure would (no close handshake) and do not
   * reconnect by itself: the caller calls connect() again, which resumes.
   */
  drop(): void {
    this.stopped = true;
    const socket = this.socket;
    this.socket = null;
    socket?.terminate();
  }

  /** Close cleanly and stay closed. */
  close(): void {
    this.stopped = true;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "done");
  }

  private handleFrame(socket: WebSocket, text: string): void {
    const frame = JSON.parse(text) as WatchEventsResponse<BridgeEvent>;
    if (frame.snapshot) {
      this.lastSeq = frame.snapshot.seq;
      this.runId = frame.snapshot.runId;
      this.handlers.onSnapshot(frame.snapshot, frame.eventsLost ?? false);
    }
    for (const event of frame.events ?? []) {
      if (this.lastSeq !== null && BigInt(event.seq) <= BigInt(this.lastSeq)) {
        throw new OrderError(`Event ${event.seq} came after ${this.lastSeq}: repeated or out of order.`);
      }
      this.lastSeq = event.seq;
      this.runId = event.runId;
      if (!this.handlers.onEvent(event) || socket !== this.socket) {
        return; // the handler dropped or closed the connection mid-frame
      }
    }
  }

  private handleClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket && this.socket !== null) {
      return; // an old connection, already replaced
    }
    this.handlers.onClose(code, reason);
    if (this.stopped) {
      return;
    }
    // 1001 (head unit stopping), 4000 (too slow) and network failures all resume the same way.
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => {
      if (!this.stopped) {
        // A failed attempt closes its socket too, which schedules the next one.
        this.connect().catch(() => undefined);
      }
    }, delay);
  }
}
