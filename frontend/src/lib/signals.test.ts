import { afterEach, describe, expect, it, vi } from "vitest";
import { DEVTOOLS_SETTLE_MS, canonicalJson, devtoolsWatch, hmacHex } from "./signals";

// Computed with the server's own code (Python's json + hmac):
//   PYTHONPATH=src python -c "from candidatex.anticheat.signals import canonical_signal, sign_signal; ..."
const KEY = "k3y-for-the-test-0123456789abcdef";
const SIGNAL = { session_id: "6650f0c2a1b2c3d4e5f60718", ts: 1767225600123, seq: 7, kind: "paste", data: { ok: true, note: "café ✓", length: 42 } };
const PYTHON_CANONICAL = '{"data":{"length":42,"note":"café ✓","ok":true},"kind":"paste","seq":7,"session_id":"6650f0c2a1b2c3d4e5f60718","ts":1767225600123}';
const PYTHON_HMAC = "0be3915f6fde5053c2d701b3ea02cac556820eaa973d873db7510b7c5c8fd23a";

describe("canonicalJson", () => {
  it("makes the bytes Python's json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False) makes", () => {
    expect(canonicalJson(SIGNAL)).toBe(PYTHON_CANONICAL);
  });

  it("sorts nested keys, keeps array order and drops undefined members", () => {
    expect(canonicalJson({ b: [3, { z: 1, a: null }], a: "x", gone: undefined })).toBe('{"a":"x","b":[3,{"a":null,"z":1}]}');
  });

  it("escapes quotes and control characters as JSON does", () => {
    expect(canonicalJson({ text: 'say "hi"\n' })).toBe('{"text":"say \\"hi\\"\\n"}');
  });
});

describe("hmacHex", () => {
  it("signs the canonical signal exactly as the server's hmac-sha256 does", async () => {
    expect(await hmacHex(KEY, canonicalJson(SIGNAL))).toBe(PYTHON_HMAC);
  });

  it("changes when one field changes", async () => {
    const other = await hmacHex(KEY, canonicalJson({ ...SIGNAL, seq: 8 }));
    expect(other).toMatch(/^[0-9a-f]{64}$/);
    expect(other).not.toBe(PYTHON_HMAC);
  });
});

describe("devtoolsWatch", () => {
  afterEach(() => vi.useRealTimers());
  const watched = (fullscreen = false) => {
    const view = { outerWidth: 1280, innerWidth: 1280, outerHeight: 800, innerHeight: 800 };
    const opened: number[] = [];
    return { view, opened, watch: devtoolsWatch(view, () => fullscreen, () => opened.push(Date.now())) };
  };

  it("ignores the gap a window shows for a moment while it enters or leaves full screen", () => {
    vi.useFakeTimers();
    const { view, opened, watch } = watched();
    view.outerHeight = 1080; // the resize arrives with the screen's size outside and the page's old size inside
    watch.onResize();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS / 2);
    view.outerHeight = 800;
    watch.onResize();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS * 3);
    expect(opened).toEqual([]);
  });

  it("reports docked developer tools that stay, once per opening", () => {
    vi.useFakeTimers();
    const { view, opened, watch } = watched();
    view.innerWidth = 880; // a 400 px panel beside the page
    watch.onResize();
    watch.onResize();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS);
    expect(opened).toHaveLength(1);
    watch.onResize(); // still open: no second report
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS);
    view.innerWidth = 1280;
    watch.onResize();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS);
    view.innerWidth = 880; // closed, then opened again
    watch.onResize();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS);
    expect(opened).toHaveLength(2);
  });

  it("says nothing in full screen, and nothing after it is stopped", () => {
    vi.useFakeTimers();
    const full = watched(true);
    full.view.innerWidth = 880;
    full.watch.onResize();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS);
    expect(full.opened).toEqual([]);
    const stopped = watched();
    stopped.view.innerWidth = 880;
    stopped.watch.onResize();
    stopped.watch.stop();
    vi.advanceTimersByTime(DEVTOOLS_SETTLE_MS);
    expect(stopped.opened).toEqual([]);
  });
});
