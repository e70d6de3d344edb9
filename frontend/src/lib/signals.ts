import { useEffect, useRef } from "react";
import { api } from "./api";

export type SignalKind = "tab_switch" | "fullscreen_exit" | "window_blur" | "copy" | "paste" | "right_click" | "devtools" | "second_screen";

const SEQ_STORE = "candidatex.signal-seq.";

/** The next signal number; kept for the tab so a reload continues the sequence instead of replaying it. */
function nextSeq(sessionId: string): number {
  const next = Number(sessionStorage.getItem(SEQ_STORE + sessionId) ?? "0") + 1;
  sessionStorage.setItem(SEQ_STORE + sessionId, String(next));
  return next;
}

/** JSON with sorted keys and no spaces: the same bytes Python's json.dumps(sort_keys=True, separators=(",", ":")) makes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export async function hmacHex(key: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signature = await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message));
  return Array.from(new Uint8Array(signature), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Reports browser behaviour the anti-cheat policy counts (leaving the tab, leaving full screen,
 * pasting) over the interview stream, each signed with the per-session key issued at start.
 */
export function useBrowserSignals(
  sessionId: string,
  signalKey: string | null | undefined,
  send: (message: Record<string, unknown>) => boolean,
  active: boolean,
) {
  const sendRef = useRef(send);
  sendRef.current = send;

  useEffect(() => {
    // Unsigned signals are rejected as forgeries, so without the key (or WebCrypto) there is nothing to send.
    if (!active || !signalKey || !crypto.subtle) return;
    const report = async (kind: SignalKind, data: Record<string, number | string | boolean> = {}) => {
      // Keys in this order are already sorted, as the server's canonical form wants.
      const signal = { data, kind, seq: nextSeq(sessionId), session_id: sessionId, ts: Date.now() };
      const hmac = await hmacHex(signalKey, canonicalJson(signal));
      // The stream socket is the quick way; when it is down the signal still goes, over HTTP.
      if (!sendRef.current({ type: "signal", ...signal, hmac })) {
        void api.post(`/interview/sessions/${sessionId}/signals`, { ...signal, hmac }).catch(() => undefined);
      }
    };
    const onVisibility = () => document.visibilityState === "hidden" && void report("tab_switch");
    const onFullscreen = () => !document.fullscreenElement && void report("fullscreen_exit");
    const onPaste = (event: ClipboardEvent) => void report("paste", { length: event.clipboardData?.getData("text").length ?? 0 });
    const onCopy = () => void report("copy");
    const onContextMenu = () => void report("right_click");
    document.addEventListener("visibilitychange", onVisibility);
    document.addEventListener("fullscreenchange", onFullscreen);
    document.addEventListener("paste", onPaste);
    document.addEventListener("copy", onCopy);
    document.addEventListener("contextmenu", onContextMenu);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      document.removeEventListener("fullscreenchange", onFullscreen);
      document.removeEventListener("paste", onPaste);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("contextmenu", onContextMenu);
    };
  }, [sessionId, signalKey, active]);
}
