import type { InterviewSession } from "./types";

export const FINISHED = new Set(["completed", "terminated"]);

export function sessionId(session: InterviewSession): string {
  return session.session_id ?? session.id ?? "";
}

/** Where a candidate should go to continue a session in its current state. */
export function candidateSessionPath(session: InterviewSession): string {
  const id = sessionId(session);
  if (FINISHED.has(session.status)) return `/candidate/interviews/${id}/summary`;
  if (session.type === "live") return `/live/${id}`;
  if (session.status === "active" || session.status === "paused") return `/candidate/interviews/${id}/room`;
  return `/candidate/interviews/${id}/precheck`;
}

export function typeLabel(type: string): string {
  return type === "ai_mock" ? "AI mock" : type === "live" ? "Live" : "Mock";
}
