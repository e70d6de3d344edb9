import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import { ApiError } from "./errors";
import { useInterviewStream } from "./stream";
import type { AnswerResult, Evaluation, InterviewSession, NextQuestion, PrecheckResponse, Question, StartResult, StreamEvent } from "./types";

export interface Warning {
  id: number;
  kind: string;
  message: string;
  strikes?: number;
  limit?: number;
}

/** Feedback on one answer: "received" while the AI evaluates it, then "evaluated" with the evaluation. */
export interface FeedbackEntry {
  questionId: string;
  stage: "received" | "evaluated";
  evaluation?: Evaluation;
}

export interface Finished {
  terminated: boolean;
  reason?: string;
}

const KEY_STORE = "candidatex.anti-cheat-key.";

/** The per-session anti-cheat key from POST /start, kept for this tab so a reload can still sign signals. */
export const antiCheatKeys = {
  get: (sessionId: string): string | null => sessionStorage.getItem(KEY_STORE + sessionId),
  set: (sessionId: string, key: string | null | undefined) => {
    if (key) sessionStorage.setItem(KEY_STORE + sessionId, key);
  },
};

/** Runs the precheck report through the server and starts the interview; returns once it is running. */
export async function precheckAndStart(sessionId: string, report: { camera: boolean; microphone: boolean; speaker: boolean; fullscreen: boolean; screens: number; camera_frames?: string[] }): Promise<InterviewSession> {
  const checked = await api.post<PrecheckResponse>(`/interview/sessions/${sessionId}/precheck`, report);
  if (!checked.passed) {
    const reasons = checked.failures.map((failure) => failure.message).join(" ");
    throw new ApiError(409, "precheck_failed", `The system check did not pass. ${reasons}`.trim());
  }
  const started = await api.post<StartResult>(`/interview/sessions/${sessionId}/start`);
  antiCheatKeys.set(sessionId, started.anti_cheat_key);
  return started.session;
}

function asQuestion(data: Record<string, unknown> | null | undefined): Question | null {
  if (!data) return null;
  const id = data.id;
  const text = data.text;
  if (typeof id !== "string" || typeof text !== "string") return null;
  return {
    id,
    text,
    speak_text: typeof data.speak_text === "string" ? data.speak_text : text,
    content: text,
    kind: typeof data.kind === "string" ? data.kind : "",
    category: typeof data.category === "string" ? data.category : "",
    difficulty: typeof data.difficulty === "string" ? data.difficulty : "",
    time_limit_seconds: typeof data.time_limit_seconds === "number" ? data.time_limit_seconds : 0,
    is_follow_up: Boolean(data.is_follow_up),
    number: typeof data.number === "number" ? data.number : 0,
    total: typeof data.total === "number" ? data.total : 0,
    provider: typeof data.provider === "string" ? data.provider : "",
    type: typeof data.type === "string" ? data.type : "text",
  };
}

const RUNNING = new Set(["active", "paused"]);

/**
 * Everything the interview room and the phone voice page share: the current question,
 * the server's clock, streamed feedback, anti-cheat warnings, pausing, answering and finishing.
 */
export function useInterview(sessionId: string) {
  const session = useQuery({
    queryKey: ["session", sessionId],
    queryFn: () => api.get<InterviewSession>(`/interview/sessions/${sessionId}`),
    // The status and the clock move on the server: never start a room from a cached copy alone.
    refetchOnMount: "always",
  });
  const [question, setQuestion] = useState<Question | null>(null);
  const [questionTexts, setQuestionTexts] = useState<Record<string, string>>({});
  const [remaining, setRemaining] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [allAnswered, setAllAnswered] = useState(false);
  const [feedback, setFeedback] = useState<FeedbackEntry[]>([]);
  const [warnings, setWarnings] = useState<Warning[]>([]);
  const [transcript, setTranscript] = useState("");
  const [streamError, setStreamError] = useState<string | null>(null);
  const [finished, setFinished] = useState<Finished | null>(null);
  const [antiCheatKey, setAntiCheatKey] = useState<string | null>(() => antiCheatKeys.get(sessionId));
  const warningId = useRef(0);

  const showQuestion = useCallback((next: Question | null) => {
    if (!next) return;
    setQuestion((current) => (current?.id === next.id ? { ...current, ...next } : next));
    setQuestionTexts((texts) => (texts[next.id] === next.text ? texts : { ...texts, [next.id]: next.text }));
    setAllAnswered(false);
  }, []);

  const upsertFeedback = useCallback((entry: FeedbackEntry) => {
    setFeedback((entries) => {
      const existing = entries.find((item) => item.questionId === entry.questionId);
      if (!existing) return [...entries, entry];
      // An evaluation never goes back to "received" (replays and the HTTP answer may arrive in any order).
      if (existing.stage === "evaluated" && entry.stage === "received") return entries;
      return entries.map((item) => (item.questionId === entry.questionId ? { ...item, ...entry } : item));
    });
  }, []);

  // The session document seeds what the stream and next-question refine.
  useEffect(() => {
    const data = session.data;
    if (!data) return;
    setStatus(data.status);
    if (typeof data.remaining_seconds === "number") setRemaining(data.remaining_seconds);
    if (data.questions?.length) {
      setQuestionTexts((texts) => ({ ...Object.fromEntries(data.questions!.map((item) => [item.id, item.text])), ...texts }));
    }
    if (data.status === "completed" || data.status === "terminated") {
      setFinished({ terminated: data.status === "terminated", reason: data.terminated_reason ?? undefined });
    }
  }, [session.data]);

  const onEvent = useCallback(
    (event: StreamEvent) => {
      const data = (event.data ?? {}) as Record<string, unknown>;
      switch (event.type) {
        case "status": {
          if (typeof data.status === "string") setStatus(data.status);
          if (typeof data.remaining_seconds === "number") setRemaining(data.remaining_seconds);
          if (data.all_answered) setAllAnswered(true);
          break;
        }
        case "question":
          showQuestion(asQuestion(data));
          setTranscript("");
          break;
        case "timer": {
          if (typeof data.remaining_seconds === "number") setRemaining(data.remaining_seconds);
          if (typeof data.status === "string" && RUNNING.has(data.status)) setStatus(data.status);
          break;
        }
        case "feedback": {
          const questionId = String(data.question_id ?? "");
          if (!questionId) break;
          if (data.stage === "evaluated" && data.evaluation) {
            upsertFeedback({ questionId, stage: "evaluated", evaluation: data.evaluation as Evaluation });
          } else {
            upsertFeedback({ questionId, stage: "received" });
          }
          break;
        }
        case "warning": {
          const terminate = Boolean(data.terminate);
          // A replayed warning was already shown before the reload; only a termination still matters.
          if (!event.replayed) {
            warningId.current += 1;
            setWarnings((current) => [
              ...current,
              {
                id: warningId.current,
                kind: String(data.kind ?? "warning"),
                message: String(data.message ?? "Suspicious activity was detected. Keep your face in view and stay on this page."),
                strikes: typeof data.count === "number" ? data.count : undefined,
                limit: typeof data.threshold === "number" ? data.threshold : undefined,
              },
            ]);
          }
          if (terminate) setFinished({ terminated: true, reason: String(data.message ?? data.kind ?? "") || undefined });
          break;
        }
        case "transcript":
          setTranscript(String(data.text ?? ""));
          break;
        case "complete": {
          const terminated = data.status === "terminated";
          const reason = data.terminated_reason ?? data.reason;
          setStatus(String(data.status ?? "completed"));
          setFinished({ terminated, reason: reason ? String(reason) : undefined });
          break;
        }
        case "error":
          setStreamError(String(data.message ?? "The interview connection reported a problem."));
          break;
      }
    },
    [showQuestion, upsertFeedback],
  );

  const live = status !== null && RUNNING.has(status);
  const stream = useInterviewStream(live ? `/interview/${sessionId}/stream` : null, onEvent);

  // The server's clock is the truth; between its ticks we count down locally so the display is smooth.
  const ticking = remaining !== null && status === "active" && !finished;
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setRemaining((value) => (value === null ? value : Math.max(0, value - 1))), 1000);
    return () => clearInterval(timer);
  }, [ticking]);

  // After a reload (or whenever no question is on screen) ask the server where the interview stands.
  const loadCurrent = useCallback(async () => {
    try {
      const next = await api.get<NextQuestion>(`/interview/sessions/${sessionId}/next-question`);
      if (next.question) showQuestion(next.question);
      else if (next.done) setAllAnswered(true);
      if (typeof next.remaining_seconds === "number") setRemaining(next.remaining_seconds);
    } catch {
      // The stream delivers the question too; this is only a shortcut.
    }
  }, [sessionId, showQuestion]);

  useEffect(() => {
    if (live && !question && !allAnswered) void loadCurrent();
  }, [live, question, allAnswered, loadCurrent]);

  // The anti-cheat key comes with POST /start; starting a running interview again returns it unchanged.
  useEffect(() => {
    if (!live || antiCheatKey || session.data?.type === "live") return;
    api.post<StartResult>(`/interview/sessions/${sessionId}/start`)
      .then((started) => {
        antiCheatKeys.set(sessionId, started.anti_cheat_key);
        setAntiCheatKey(started.anti_cheat_key ?? null);
      })
      .catch(() => undefined);
  }, [live, antiCheatKey, sessionId, session.data?.type]);

  const finishNow = useCallback(async () => {
    try {
      await api.post(`/interview/sessions/${sessionId}/finalize`);
    } catch (error) {
      // Someone (the deadline, another tab) finalized it first: the report is there all the same.
      if (!(error instanceof ApiError && error.code === "already_finalized")) throw error;
    }
    setFinished({ terminated: false });
  }, [sessionId]);

  // Every question answered (by voice, on another device, or here): the report is the next step.
  const finalizing = useRef(false);
  useEffect(() => {
    if (!allAnswered || finished || finalizing.current || status !== "active") return;
    finalizing.current = true;
    finishNow().catch(() => {
      finalizing.current = false;
    });
  }, [allAnswered, finished, status, finishNow]);

  const submitAnswer = useCallback(
    async (content: string, type: "text" | "voice") => {
      if (!question) return;
      const answered = question.id;
      const response = await api.post<AnswerResult>(`/interview/sessions/${sessionId}/answer`, { question_id: answered, content, type });
      // a running screening shows its candidate no feedback (evaluation is null)
      if (response.evaluation) upsertFeedback({ questionId: answered, stage: "evaluated", evaluation: response.evaluation });
      if (response.next_question) {
        showQuestion(response.next_question);
        return;
      }
      if (response.done) setAllAnswered(true); // finalized by the effect above
    },
    [question, sessionId, upsertFeedback, showQuestion, finishNow],
  );

  const pause = useCallback(async () => {
    const updated = await api.post<InterviewSession>(`/interview/sessions/${sessionId}/pause`);
    setStatus(updated.status);
    if (typeof updated.remaining_seconds === "number") setRemaining(updated.remaining_seconds);
  }, [sessionId]);

  const resume = useCallback(async () => {
    const updated = await api.post<InterviewSession>(`/interview/sessions/${sessionId}/resume`);
    setStatus(updated.status);
    if (typeof updated.remaining_seconds === "number") setRemaining(updated.remaining_seconds);
  }, [sessionId]);

  return {
    session,
    status,
    question,
    questionText: (id: string) => questionTexts[id],
    remaining,
    allAnswered,
    feedback,
    warnings,
    acknowledgeWarning: (id: number) => setWarnings((current) => current.filter((warning) => warning.id !== id)),
    transcript,
    setTranscript,
    streamError,
    clearStreamError: () => setStreamError(null),
    finished,
    antiCheatKey,
    submitAnswer,
    finishNow,
    pause,
    resume,
    stream,
  };
}
