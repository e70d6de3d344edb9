import { useEffect, useRef, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router-dom";
import { FeedbackCard } from "../../components/Feedback";
import { WarningDialog } from "../../components/WarningDialog";
import { Brand } from "../../components/Layout";
import { Alert, Button, ErrorMessage, Loading, SelectField, TextField, cx } from "../../components/ui";
import { api, type Page } from "../../lib/api";
import { precheckAndStart, useInterview } from "../../lib/interview";
import { sessionId as idOf } from "../../lib/sessions";
import type { ExperienceLevel, InterviewSession } from "../../lib/types";
import { speak, useVoiceAnswer } from "../../lib/voice";
import { ConnectionBadge, describeEnd, TimerDisplay } from "./InterviewRoom";

function MobileShell({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex min-h-[100dvh] flex-col bg-slate-50">
      <header className="flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3">
        <Brand />
        <Link to="/candidate" className="text-sm font-medium text-indigo-700">Dashboard</Link>
      </header>
      <main id="main" className="flex flex-1 flex-col gap-4 p-4">{children}</main>
    </div>
  );
}

/** Phone entry point: resume a voice interview or start a new one in two taps. */
export function MobileVoiceStartPage() {
  const navigate = useNavigate();
  const [jobTitle, setJobTitle] = useState("");
  const [level, setLevel] = useState<ExperienceLevel>("mid");
  const sessions = useQuery({
    queryKey: ["sessions"],
    queryFn: () => api.get<Page<InterviewSession>>("/interview/sessions", { limit: 20 }),
  });
  const resumable = sessions.data?.items.find((session) => session.type !== "live" && ["active", "paused", "setup", "precheck"].includes(session.status));

  const create = useMutation({
    mutationFn: () =>
      api.post<InterviewSession>("/interview/sessions", {
        type: "ai_mock",
        mode: "behavioral",
        job_title: jobTitle.trim(),
        job_description: `Voice practice interview for a ${jobTitle.trim()} role.`,
        experience_level: level,
        question_count: 5,
        duration_minutes: 20,
        focus_areas: [],
      }),
    onSuccess: (session) => navigate(`/m/voice/${session.session_id}`),
  });

  return (
    <MobileShell>
      <h1 className="text-2xl font-semibold text-slate-900">Voice interview</h1>
      <p className="text-slate-700">Questions are read aloud. Tap the big button and answer out loud.</p>
      {resumable && (
        <Link to={`/m/voice/${idOf(resumable)}`} className="rounded-xl border border-indigo-200 bg-indigo-50 p-4 text-indigo-900" data-testid="resume-voice">
          Continue “{resumable.job_title}”
        </Link>
      )}
      <form className="flex flex-col gap-4" onSubmit={(event) => { event.preventDefault(); create.mutate(); }}>
        <ErrorMessage error={create.error} />
        <TextField label="Job title" required value={jobTitle} onChange={(event) => setJobTitle(event.target.value)} data-testid="voice-job-title" />
        <SelectField label="Level" value={level} onChange={(event) => setLevel(event.target.value as ExperienceLevel)}
          options={[{ value: "entry", label: "Entry" }, { value: "mid", label: "Mid" }, { value: "senior", label: "Senior" }, { value: "lead", label: "Lead" }]} />
        <Button type="submit" size="lg" className="min-h-14 text-lg" busy={create.isPending} data-testid="voice-create">Start</Button>
      </form>
    </MobileShell>
  );
}

export function MobileVoiceRoomPage() {
  const { sessionId = "" } = useParams();
  const navigate = useNavigate();
  const interview = useInterview(sessionId);
  const { session, question, remaining, feedback, warnings, finished, stream } = interview;
  const [heard, setHeard] = useState("");
  const [saved, setSaved] = useState(false);
  const [readAloud, setReadAloud] = useState(true);
  const spoken = useRef<string | null>(null);

  const begin = useMutation({
    mutationFn: async () => {
      // A phone has one screen; the microphone was granted when the browser asked.
      const media = await navigator.mediaDevices.getUserMedia({ audio: true });
      media.getTracks().forEach((track) => track.stop());
      await precheckAndStart(sessionId, { camera: true, microphone: true, speaker: true, fullscreen: true, screens: 1 });
      await session.refetch();
    },
  });

  // The server saves the final transcript as the answer and scores it; feedback arrives on the stream.
  const voice = useVoiceAnswer(sessionId, (result) => setHeard(result.text), () => setSaved(true));

  useEffect(() => {
    if (question && readAloud && spoken.current !== question.id) {
      spoken.current = question.id;
      speak(question.speak_text ?? question.text);
    }
  }, [question, readAloud]);

  useEffect(() => {
    if (finished && !finished.terminated) navigate(`/candidate/interviews/${sessionId}/summary`, { replace: true });
  }, [finished, navigate, sessionId]);

  useEffect(() => {
    setHeard("");
    setSaved(false);
  }, [question?.id]);

  if (session.isLoading) return <MobileShell><Loading /></MobileShell>;
  if (session.error) return <MobileShell><ErrorMessage error={session.error} /></MobileShell>;
  const status = session.data?.status;

  if (status === "setup" || status === "precheck") {
    return (
      <MobileShell>
        <h1 className="text-xl font-semibold">{session.data?.job_title}</h1>
        <p className="text-slate-700">We'll ask for your microphone. Find a quiet spot, then tap Begin.</p>
        <ErrorMessage error={begin.error} />
        <Button size="lg" className="min-h-16 text-lg" busy={begin.isPending} onClick={() => begin.mutate()} data-testid="voice-begin">Begin</Button>
      </MobileShell>
    );
  }

  const latest = feedback[feedback.length - 1];
  const recording = voice.state === "recording";
  return (
    <MobileShell>
      <WarningDialog warning={warnings[0]} onAcknowledge={interview.acknowledgeWarning} />
      {finished?.terminated && <Alert tone="danger" title="This interview was ended">{describeEnd(finished.reason)}</Alert>}
      <div className="flex items-center justify-between">
        <ConnectionBadge status={stream.status} />
        <TimerDisplay remaining={remaining} />
      </div>
      <section className="rounded-2xl bg-white p-5 shadow-sm" aria-live="polite">
        <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">
          {question?.number ? `Question ${question.number}${question.total ? ` of ${question.total}` : ""}` : "Question"}
        </p>
        <p className="mt-2 text-lg leading-relaxed text-slate-900" data-testid="question-text">{question?.text ?? "Preparing your question…"}</p>
        <div className="mt-3 flex items-center gap-4">
          <button className="text-sm font-medium text-indigo-700 underline" onClick={() => question && speak(question.speak_text ?? question.text)}>Read it again</button>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" className="h-4 w-4 accent-indigo-700" checked={readAloud} onChange={(event) => setReadAloud(event.target.checked)} />
            Read questions aloud
          </label>
        </div>
      </section>

      <div className="flex flex-col items-center gap-3 py-2">
        <button
          type="button"
          onClick={recording ? voice.stop : voice.start}
          disabled={!question || voice.state === "starting" || voice.state === "transcribing"}
          aria-pressed={recording}
          aria-label={recording ? "Stop recording, I'm done" : "Start recording your answer"}
          data-testid="record-button"
          className={cx(
            "flex h-32 w-32 items-center justify-center rounded-full text-lg font-semibold text-white shadow-lg transition-transform active:scale-95",
            "focus-visible:outline-4 focus-visible:outline-offset-4 focus-visible:outline-indigo-600 disabled:opacity-50",
            recording ? "animate-pulse bg-red-600" : "bg-indigo-700",
          )}
        >
          {recording ? "Done" : voice.state === "transcribing" ? "Saving" : "Speak"}
        </button>
        <p className="text-sm text-slate-600">{recording ? "Listening. Tap Done when you finish." : voice.state === "transcribing" ? "Saving your answer…" : "Tap to answer, tap Done when you finish"}</p>
      </div>
      {voice.error && <Alert tone="danger">{voice.error}</Alert>}
      <section className="rounded-2xl bg-white p-4 shadow-sm">
        <h2 className="text-sm font-semibold text-slate-900">Transcript</h2>
        <p className="mt-1 min-h-12 whitespace-pre-wrap text-slate-800" data-testid="live-transcript" aria-live="polite">
          {heard || (voice.state !== "idle" && voice.partial) || interview.transcript || <span className="text-slate-500">Your words appear here.</span>}
        </p>
        {saved && <p className="mt-2 text-sm font-medium text-emerald-800" data-testid="answer-saved">Answer saved. The next question is on its way.</p>}
      </section>
      {latest && (
        <section className="rounded-2xl bg-white shadow-sm">
          <FeedbackCard question={interview.questionText(latest.questionId)} evaluation={latest.evaluation} compact />
        </section>
      )}
    </MobileShell>
  );
}
