import { describe, expect, it } from "vitest";
import { acceptEvent } from "./stream";

describe("acceptEvent (stream de-duplication)", () => {
  it("takes numbered events once, in order, and drops a replayed overlap", () => {
    let last = 0;
    const handled: number[] = [];
    // The first connection sees 1..3; after a reconnect with last_seq the server replays 2..5.
    for (const seq of [1, 2, 3, 2, 3, 4, 5]) {
      const next = acceptEvent(last, { type: "question", seq });
      if (next === null) continue;
      last = next;
      handled.push(seq);
    }
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    expect(last).toBe(5);
  });

  it("lets timer, pong, error and ephemeral messages through without moving the resume point", () => {
    expect(acceptEvent(7, { type: "timer", seq: 7 })).toBe(7);
    expect(acceptEvent(7, { type: "pong", seq: 3 })).toBe(7);
    expect(acceptEvent(7, { type: "error", seq: 7 })).toBe(7);
    expect(acceptEvent(7, { type: "transcript", seq: 7, ephemeral: true })).toBe(7);
    expect(acceptEvent(7, { type: "warning" })).toBe(7);
  });

  it("drops an equal or older number and accepts a gap forward", () => {
    expect(acceptEvent(4, { type: "warning", seq: 4 })).toBeNull();
    expect(acceptEvent(4, { type: "warning", seq: 1 })).toBeNull();
    expect(acceptEvent(4, { type: "complete", seq: 9 })).toBe(9);
  });
});
