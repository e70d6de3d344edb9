import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api } from "./api";
import { useInterviewStream } from "./stream";
import type { InterviewSession, Question, StreamEvent } from "./types";

export interface Warning {
  id: number;
  kind: string;
  message: string;
  strikes?: number;
  limit?: number;
}

export interface FeedbackEntry {
  questionId: string;
  text: string;
  score?: number;
  done: boolean;
}

interface AnswerResponse {
  feedback?: { score?: number; feedback?: string; summary?: string } | string | null;
  next_question?: Question | null;
  next_question_id?: string | null;
  completed?: boolean;
  is_complete?: boolean;
}

function asQuestion(data: Record<string, unknown>): Question | null {
  const source = (data.question && typeof data.question === "object" ? data.question : data) as Record<string, unknown>;
  const id = source.id ?? source.question_id;
  const content = source.content ?? source.text;
  if (!id || !content) return null;
  return {
    id: String(id),
    content: String(content),
    number: Number(source.number ?? source.index ?? data.number ?? data.index ?? 0) || undefined,
    total: Number(source.total ?? data.total ?? 0) || undefined,
  };
}

function feedbackText(value: AnswerResponse["feedback"]): string {
  if (!value) return "";
  if (typeof value === "string") return value;
  return value.feedback ?? value.summary ?? "";
}

/**
 * Everything the interview room and the phone voice page share: the current question,
 * the server's clock, streamed feedback, anti-cheat warnings, and answering.
 */
export function useInterview(sessionId: string) {
  const session = useQuery({
    queryKey: ["session", sessionId],
    queryFn: () => api.get<InterviewSession & { signal_key?: string }>(`/interview/sessions/${sessionId}`),
  });
  const [question, setQuestion] = useState<Question | null>(null);
  const [remaining, setRemaining] = useState<number | null>(null);
  const [feedback, setFeedback] = useState<FeedbackEntry[]>([]);
  const [warnings, setWarnings] = useState<Warning[]>([]);
  const [transcript, setTranscript] = useState("");
  const [finished, setFinished] = useState<{ terminated: boolean; reason?: string } | null>(null);
  const warningId = useRef(0);

  const addFeedback = useCallback((questionId: string, chunk: string, replace: boolean, done: boolean, score?: number) => {
    setFeedback((entries) => {
      const existing = entries.find((entry) => entry.questionId === questionId);
      if (!existing) return [...entries, { questionId, text: chunk, score, done }];
      return entries.map((entry) =>
        entry.questionId === questionId
          ? { ...entry, text: replace ? chunk : entry.text + chunk, score: score ?? entry.score, done: done || entry.done }
          : entry,
      );
    });
  }, []);

  const onEvent = useCallback(
    (event: StreamEvent) => {
      const data = (event.data ?? {}) as Record<string, unknown>;
      switch (event.type) {
        case "question": {
          const next = asQuestion(data);
          if (next) {
            setQuestion(next);
            setTranscript("");
          }
          break;
        }
        case "timer": {
          const seconds = data.remaining_seconds ?? data.remaining ?? data.seconds_left;
          if (typeof seconds === "number") setRemaining(seconds);
          break;
        }
        case "feedback": {
          const questionId = String(data.question_id ?? "");
          const score = typeof data.score === "number" ? data.score : undefined;
          if (typeof data.delta === "string") addFeedback(questionId, data.delta, false, Boolean(data.done), score);
          else addFeedback(questionId, String(data.feedback ?? data.text ?? data.summary ?? ""), true, data.done !== false, score);
          break;
        }
        case "warning": {
          warningId.current += 1;
          const kind = String(data.kind ?? data.event ?? "warning");
          setWarnings((current) => [
            ...current,
            {
              id: warningId.current,
              kind,
              message: String(data.message ?? "Suspicious activity was detected. Keep your face in view and stay on this page."),
              strikes: typeof data.count === "number" ? data.count : typeof data.strikes === "number" ? data.strikes : undefined,
              limit: typeof data.threshold === "number" ? data.threshold : typeof data.limit === "number" ? data.limit : undefined,
            },
          ]);
          if (data.terminate || data.terminated) setFinished({ terminated: true, reason: String(data.message ?? kind) });
          break;
        }
        case "transcript":
          setTranscript(String(data.text ?? ""));
          break;
        case "complete":
          setFinished({ terminated: data.status === "terminated" || Boolean(data.terminated), reason: data.reason ? String(data.reason) : undefined });
          break;
      }
    },
    [addFeedback],
  );

  const status = session.data?.status;
  const live = status === "active" || status === "paused";
  const stream = useInterviewStream(live ? `/interview/${sessionId}/stream` : null, onEvent);

  // The server's clock is the truth; between its ticks we count down locally so the display is smooth.
  useEffect(() => {
    if (remaining === null || finished) return;
    const timer = setInterval(() => setRemaining((value) => (value === null ? value : Math.max(0, value - 1))), 1000);
    return () => clearInterval(timer);
  }, [remaining === null, finished]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (status === "completed" || status === "terminated") {
      setFinished({ terminated: status === "terminated", reason: session.data?.terminated_reason ?? undefined });
    }
  }, [status, session.data?.terminated_reason]);

  // If the stream has not delivered a question yet (say, after a reload), ask for it directly.
  useEffect(() => {
    if (!live || question) return;
    const timer = setTimeout(async () => {
      try {
        const next = await api.get<Record<string, unknown> | null>(`/interview/sessions/${sessionId}/next-question`);
        if (next) setQuestion((current) => current ?? asQuestion(next));
      } catch {
        // The stream will deliver it; an error here is not worth interrupting the candidate for.
      }
    }, 700);
    return () => clearTimeout(timer);
  }, [live, question, sessionId]);

  const submitAnswer = useCallback(
    async (content: string, type: "text" | "voice") => {
      if (!question) return;
      const answered = question.id;
      const response = await api.post<AnswerResponse | null>(`/interview/sessions/${sessionId}/answer`, {
        question_id: answered,
        content,
        type,
      });
      const text = feedbackText(response?.feedback ?? null);
      const score = typeof response?.feedback === "object" ? response?.feedback?.score : undefined;
      if (text) addFeedback(answered, text, true, true, score);
      if (response?.completed || response?.is_complete) {
        await api.post(`/interview/sessions/${sessionId}/finalize`);
        setFinished({ terminated: false });
        return;
      }
      if (response?.next_question) {
        setQuestion(response.next_question);
        return;
      }
      // The next question normally arrives on the stream; fetch it if it has not.
      setQuestion((current) => (current?.id === answered ? null : current));
    },
    [question, sessionId, addFeedback],
  );

  const finishNow = useCallback(async () => {
    await api.post(`/interview/sessions/${sessionId}/finalize`);
    setFinished({ terminated: false });
  }, [sessionId]);

  return {
    session,
    question,
    remaining,
    feedback,
    warnings,
    acknowledgeWarning: (id: number) => setWarnings((current) => current.filter((warning) => warning.id !== id)),
    transcript,
    setTranscript,
    finished,
    submitAnswer,
    finishNow,
    stream,
  };
}
