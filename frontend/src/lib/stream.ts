import { useCallback, useEffect, useRef, useState } from "react";
import { refreshAccessToken, socketUrl } from "./api";
import type { StreamEvent } from "./types";

export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "closed";

// Close codes the server uses when the token is stale (policy violation / custom 4401).
const AUTH_CLOSE_CODES = new Set([1008, 4001, 4401]);
// Codes that mean "not yours, gone, or over": do not come back (4403 forbidden, 4404 not found).
const FINAL_CLOSE_CODES = new Set([1000, 4403, 4404, 4410]);
const MAX_BACKOFF_MS = 8000;
const UNNUMBERED = new Set(["timer", "pong", "error"]);

/**
 * Whether a stream event is new, and the resume point after it: the new last sequence number, or null for a
 * duplicate to drop. Stored events are numbered; replays after a reconnect may overlap what we already handled.
 * Timer, pong and error messages repeat the last number, and ephemeral ones (partial transcripts) are not
 * stored: neither is a duplicate nor moves the resume point.
 */
export function acceptEvent(lastSeq: number, event: { type: string; seq?: number; ephemeral?: boolean }): number | null {
  if (typeof event.seq !== "number" || UNNUMBERED.has(event.type) || event.ephemeral) return lastSeq;
  return event.seq <= lastSeq ? null : event.seq;
}

/**
 * The interview event stream. Reconnects with back-off and resumes from the last
 * sequence number seen, so a dropped connection loses no question, feedback or warning.
 */
export function useInterviewStream(path: string | null, onEvent: (event: StreamEvent) => void) {
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const socketRef = useRef<WebSocket | null>(null);
  const lastSeq = useRef(0);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    if (!path) return;
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      const socket = new WebSocket(socketUrl(path, { last_seq: lastSeq.current }));
      socketRef.current = socket;
      socket.onopen = () => {
        attempt = 0;
        setStatus("open");
      };
      socket.onmessage = (message) => {
        let event: StreamEvent;
        try {
          event = JSON.parse(String(message.data)) as StreamEvent;
        } catch {
          return;
        }
        const next = acceptEvent(lastSeq.current, event);
        if (next === null) return;
        lastSeq.current = next;
        handler.current(event);
      };
      socket.onclose = async (closed) => {
        if (stopped) return;
        if (FINAL_CLOSE_CODES.has(closed.code)) {
          setStatus("closed");
          return;
        }
        setStatus("reconnecting");
        if (AUTH_CLOSE_CODES.has(closed.code)) await refreshAccessToken();
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt);
        attempt += 1;
        timer = setTimeout(connect, delay);
      };
    };

    connect();
    // Coming back online should not wait for the back-off timer.
    const onOnline = () => {
      if (socketRef.current?.readyState === WebSocket.CLOSED) {
        clearTimeout(timer);
        connect();
      }
    };
    window.addEventListener("online", onOnline);
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener("online", onOnline);
      socketRef.current?.close(1000);
    };
  }, [path]);

  const send = useCallback((message: Record<string, unknown>): boolean => {
    const socket = socketRef.current;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }, []);

  /** Drops the connection as a network failure would; used by the "reconnect" control and tests. */
  const dropConnection = useCallback(() => socketRef.current?.close(4000, "client reconnect"), []);

  return { status, send, dropConnection, lastSeq };
}
