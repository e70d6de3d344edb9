import { useEffect, useRef } from "react";

export type SignalKind = "tab_switch" | "fullscreen_exit" | "window_blur" | "copy" | "paste" | "right_click" | "second_screen";

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

async function hmacHex(key: string, message: string): Promise<string> {
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
  signalKey: string | undefined,
  send: (message: Record<string, unknown>) => boolean,
  active: boolean,
) {
  const seq = useRef(0);
  const sendRef = useRef(send);
  sendRef.current = send;

  useEffect(() => {
    if (!active) return;
    const report = async (kind: SignalKind, data: Record<string, unknown> = {}) => {
      seq.current += 1;
      const signal = { session_id: sessionId, seq: seq.current, kind, ts: Date.now(), data };
      // Without a key (crypto.subtle needs a secure context) the server decides how far to trust it.
      const hmac = signalKey && crypto.subtle ? await hmacHex(signalKey, canonicalJson(signal)) : "";
      sendRef.current({ type: "signal", ...signal, hmac });
    };
    const onVisibility = () => document.visibilityState === "hidden" && void report("tab_switch");
    const onFullscreen = () => !document.fullscreenElement && void report("fullscreen_exit");
    const onPaste = (event: ClipboardEvent) =>
      void report("paste", { length: event.clipboardData?.getData("text").length ?? 0 });
    const onContextMenu = () => void report("right_click");
    document.addEventListener("visibilitychange", onVisibility);
    document.addEventListener("fullscreenchange", onFullscreen);
    document.addEventListener("paste", onPaste);
    document.addEventListener("contextmenu", onContextMenu);
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      document.removeEventListener("fullscreenchange", onFullscreen);
      document.removeEventListener("paste", onPaste);
      document.removeEventListener("contextmenu", onContextMenu);
    };
  }, [sessionId, signalKey, active]);
}
