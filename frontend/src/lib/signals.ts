import { useEffect, useRef } from "react";
import { api } from "./api";
import { screenCount } from "./media";

export type SignalKind = "heartbeat" | "tab_switch" | "fullscreen_exit" | "window_blur" | "copy" | "paste" | "right_click" | "devtools" | "second_screen";

/** Seconds between heartbeats: the server flags a session whose video arrives while the heartbeats stop. */
export const HEARTBEAT_MS = 5000;
/** Seconds the candidate has to return to full screen before leaving it counts (the server's default). */
export const FULLSCREEN_GRACE_MS = 10_000;
// Docked developer tools take this many pixels from the window: a heuristic, so it is reported, never blocked.
const DEVTOOLS_GAP_PX = 160;
// While a window enters or leaves full screen its outer and inner sizes differ for a moment by far more than that (a
// resize arrives before the full-screen state changes): the gap is judged once the window has been still this long.
export const DEVTOOLS_SETTLE_MS = 1000;

type WindowSizes = Pick<Window, "outerWidth" | "innerWidth" | "outerHeight" | "innerHeight">;

/** Calls onOpen once each time docked developer tools appear: judged after resizes settle, never in full screen. */
export function devtoolsWatch(view: WindowSizes, inFullscreen: () => boolean, onOpen: () => void) {
  let open = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const gap = view.outerWidth - view.innerWidth > DEVTOOLS_GAP_PX || view.outerHeight - view.innerHeight > DEVTOOLS_GAP_PX;
    if (gap && !open && !inFullscreen()) onOpen();
    open = gap;
  };
  return {
    onResize: () => {
      clearTimeout(timer);
      timer = setTimeout(check, DEVTOOLS_SETTLE_MS);
    },
    stop: () => clearTimeout(timer),
  };
}

const SEQ_STORE = "candidatex.signal-seq.";
// This load of the page: the server compares heartbeats within one load (a reload leaves full screen silently).
const PAGE_LOAD = Array.from(crypto.getRandomValues(new Uint8Array(6)), (byte) => byte.toString(16).padStart(2, "0")).join("");
const TAB_STORE = "candidatex.signal-tab";

const TAB_LOCK = "candidatex.signal-tab-lock.";
// A reload releases the old page's lock a moment after the new page asks for it; a duplicated tab's original never does.
const TAB_LOCK_WAIT_MS = 2000;

function newTabId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Holds the tab id's Web Lock for the life of this page; false when another live page holds it. */
function holdTabLock(tab: string): Promise<boolean> {
  return new Promise((resolve) => {
    navigator.locks
      .request(TAB_LOCK + tab, { signal: AbortSignal.timeout(TAB_LOCK_WAIT_MS) }, () => {
        resolve(true);
        return new Promise<never>(() => undefined);
      })
      .catch(() => resolve(false));
  });
}

async function claimTab(): Promise<string> {
  let tab = sessionStorage.getItem(TAB_STORE) ?? newTabId();
  // Chrome's "Duplicate tab" copies sessionStorage, id included: the page still holding the id's lock is the
  // original, so the copy takes a new id (and its own signal numbers) instead of replaying the original's.
  if (navigator.locks) while (!(await holdTabLock(tab))) tab = newTabId();
  sessionStorage.setItem(TAB_STORE, tab);
  return tab;
}

let claimedTab: Promise<string> | null = null;

/** This tab's id: kept in sessionStorage, so a reload is the same tab; a second or duplicated tab is another one. */
export function tabId(): Promise<string> {
  claimedTab ??= claimTab();
  return claimedTab;
}

/** The next signal number of this tab; kept for the tab so a reload continues the sequence instead of replaying it. */
function nextSeq(sessionId: string, tab: string): number {
  const store = `${SEQ_STORE}${sessionId}.${tab}`;
  const next = Number(sessionStorage.getItem(store) ?? "0") + 1;
  sessionStorage.setItem(store, String(next));
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
 * Reports browser behaviour the anti-cheat policy counts (leaving the tab or the window, leaving full
 * screen, pasting, developer tools, a second screen) and a heartbeat every few seconds with the page's
 * state, over the interview stream. Each tab signs with its own key, HMAC(session key, "tab:" + tab id), and
 * numbers its own signals, so a second tab is reported as such by the server instead of being a replay.
 */
export function useBrowserSignals(
  sessionId: string,
  signalKey: string | null | undefined,
  send: (message: Record<string, unknown>) => boolean,
  active: boolean,
  onGraceStart?: (ms: number) => void,
  answerMode?: "text" | "voice",
) {
  const sendRef = useRef(send);
  sendRef.current = send;
  // Heartbeats say how the candidate answers: speech the server hears while they type is flagged for review.
  const modeRef = useRef(answerMode);
  modeRef.current = answerMode;
  const graceRef = useRef(onGraceStart);
  graceRef.current = onGraceStart;

  useEffect(() => {
    // Unsigned signals are rejected as forgeries, so without the key (or WebCrypto) there is nothing to send.
    if (!active || !signalKey || !crypto.subtle) return;
    const claimed = tabId();
    const tabKey = claimed.then((tab) => hmacHex(signalKey, `tab:${tab}`));
    const report = async (kind: SignalKind, data: Record<string, number | string | boolean> = {}) => {
      const tab = await claimed;
      // Keys in this order are already sorted, as the server's canonical form wants.
      const signal = { data, kind, seq: nextSeq(sessionId, tab), session_id: sessionId, tab, ts: Date.now() };
      const hmac = await hmacHex(await tabKey, canonicalJson(signal));
      // The stream socket is the quick way; when it is down the signal still goes, over HTTP.
      if (!sendRef.current({ type: "signal", ...signal, hmac })) {
        void api.post(`/interview/sessions/${sessionId}/signals`, { ...signal, hmac }).catch(() => undefined);
      }
    };
    const onVisibility = () => document.visibilityState === "hidden" && void report("tab_switch");
    // Leaving full screen: warned at once, a strike only if the candidate is not back within the grace period.
    let leftAt: number | null = null;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    const onFullscreen = () => {
      if (!document.fullscreenElement && leftAt === null) {
        leftAt = Date.now();
        void report("fullscreen_exit", { phase: "left", grace_ms: FULLSCREEN_GRACE_MS });
        graceRef.current?.(FULLSCREEN_GRACE_MS);
        graceTimer = setTimeout(() => {
          if (leftAt !== null && !document.fullscreenElement) void report("fullscreen_exit", { phase: "expired", away_ms: Date.now() - leftAt });
        }, FULLSCREEN_GRACE_MS);
      } else if (document.fullscreenElement && leftAt !== null) {
        clearTimeout(graceTimer);
        const away = Date.now() - leftAt;
        leftAt = null;
        if (away < FULLSCREEN_GRACE_MS) void report("fullscreen_exit", { phase: "returned", away_ms: away });
        graceRef.current?.(0);
      }
    };
    // Focus moving to another window (a second app beside the browser) without the tab being hidden.
    const onBlur = () => document.visibilityState === "visible" && void report("window_blur");
    const devtools = devtoolsWatch(window, () => !!document.fullscreenElement, () => void report("devtools", { heuristic: "window_gap" }));
    let screens = screenCount();
    const checkScreens = () => {
      const now = screenCount();
      if (now > 1 && now !== screens) void report("second_screen", { screens: now });
      screens = now;
    };
    const heartbeat = () => {
      checkScreens();
      void report("heartbeat", {
        ...(modeRef.current ? { answer_mode: modeRef.current } : {}),
        fullscreen: !!document.fullscreenElement,
        focused: document.hasFocus(),
        page: PAGE_LOAD,
        screens,
        visible: document.visibilityState === "visible",
      });
    };
    heartbeat();
    const heartbeatTimer = setInterval(heartbeat, HEARTBEAT_MS);
    const onPaste = (event: ClipboardEvent) => void report("paste", { length: event.clipboardData?.getData("text").length ?? 0 });
    const onCopy = () => void report("copy");
    const onContextMenu = () => void report("right_click");
    // every browser event the page reports, added here and removed on cleanup from the same list
    const listeners: [EventTarget, string, EventListener][] = [
      [document, "visibilitychange", onVisibility],
      [document, "fullscreenchange", onFullscreen],
      [window, "blur", onBlur],
      [window, "resize", devtools.onResize],
      [document, "paste", onPaste as EventListener],
      [document, "copy", onCopy],
      [document, "contextmenu", onContextMenu],
    ];
    for (const [target, type, handler] of listeners) target.addEventListener(type, handler);
    return () => {
      clearInterval(heartbeatTimer);
      clearTimeout(graceTimer);
      devtools.stop();
      for (const [target, type, handler] of listeners) target.removeEventListener(type, handler);
    };
  }, [sessionId, signalKey, active]);
}
