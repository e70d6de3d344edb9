import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { FeedbackCard } from "../../components/Feedback";
import { WarningDialog } from "../../components/WarningDialog";
import { Brand } from "../../components/Layout";
import { Alert, Button, ErrorMessage, Loading, SelectField, TextField, cx } from "../../components/ui";
import { useInterview } from "../../lib/interview";
import { sessionId as idOf } from "../../lib/sessions";
import type { ExperienceLevel } from "../../lib/types";
import { type HandsFreeState, useHandsFreeVoice } from "../../lib/voice";
import { useBeginVoiceInterview, useCreateSession, useSessionList } from "../../lib/interviewQueries";
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
  const sessions = useSessionList(undefined, 20);
  const resumable = sessions.data?.items.find((session) => session.type !== "live" && ["active", "paused", "setup", "precheck"].includes(session.status));

  const create = useCreateSession(
    () => ({
      type: "ai_mock",
      mode: "behavioral",
      job_title: jobTitle.trim(),
      job_description: `Voice practice interview for a ${jobTitle.trim()} role.`,
      experience_level: level,
      question_count: 5,
      duration_minutes: 20,
      focus_areas: [],
    }),
    (session) => navigate(`/m/voice/${session.session_id}`),
  );

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

const STATE_LABEL: Record<HandsFreeState, string> = {
  connecting: "Connecting…",
  speaking: "Speaking the question",
  listening: "Listening",
  thinking: "Thinking about your answer",
  reconnecting: "Connection lost, reconnecting — keep talking, nothing is lost",
  error: "Voice is not available",
};

/** The interview, hands-free: each question is read aloud, the candidate answers, the server hears the end of the
 * answer (a pause after a finished thought, "I'm done", or the Done button), and the next question follows. */
export function MobileVoiceRoomPage() {
  const { sessionId = "" } = useParams();
  const navigate = useNavigate();
  const interview = useInterview(sessionId);
  const { session, question, remaining, feedback, warnings, finished, stream } = interview;
  const [readAloud, setReadAloud] = useState(true);

  const begin = useBeginVoiceInterview(sessionId, session.refetch);

  const status = session.data?.status;
  const running = status === "active" && !finished;
  const voice = useHandsFreeVoice(sessionId, question, running, readAloud);

  useEffect(() => {
    if (finished && !finished.terminated) navigate(`/candidate/interviews/${sessionId}/summary`, { replace: true });
  }, [finished, navigate, sessionId]);

  if (session.isLoading) return <MobileShell><Loading /></MobileShell>;
  if (session.error) return <MobileShell><ErrorMessage error={session.error} /></MobileShell>;

  if (status === "setup" || status === "precheck") {
    return (
      <MobileShell>
        <h1 className="text-xl font-semibold">{session.data?.job_title}</h1>
        <p className="text-slate-700">Hands-free: each question is read aloud, then just answer. Pause to think as long as you need; say “I'm done” or tap Done when you finish.</p>
        <ErrorMessage error={begin.error} />
        <Button size="lg" className="min-h-16 text-lg" busy={begin.isPending} onClick={() => begin.mutate()} data-testid="voice-begin">Begin</Button>
      </MobileShell>
    );
  }

  const latest = feedback[feedback.length - 1];
  const listening = voice.state === "listening";
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
        <p className="mt-2 text-lg leading-relaxed text-slate-900" data-testid="question-text" data-question-id={question?.id}>{question?.text ?? "Preparing your question…"}</p>
        <div className="mt-3 flex items-center gap-4">
          <button className="text-sm font-medium text-indigo-700 underline" onClick={voice.repeat}>Read it again</button>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" className="h-4 w-4 accent-indigo-700" checked={readAloud} onChange={(event) => setReadAloud(event.target.checked)} />
            Read questions aloud
          </label>
        </div>
      </section>

      <div className="flex flex-col items-center gap-3 py-2">
        <p role="status" data-testid="voice-state" data-state={voice.state}
          className={cx("rounded-full px-4 py-1 text-base font-semibold",
            listening ? "bg-red-100 text-red-800" : voice.state === "speaking" ? "bg-indigo-100 text-indigo-800"
              : voice.state === "reconnecting" || voice.state === "error" ? "bg-amber-100 text-amber-900" : "bg-slate-200 text-slate-800")}>
          {listening && <span aria-hidden className="mr-2 inline-block h-2.5 w-2.5 animate-pulse rounded-full bg-red-600" />}
          {STATE_LABEL[voice.state]}
        </p>
        <button
          type="button"
          onClick={voice.done}
          disabled={!listening && voice.state !== "reconnecting"}
          aria-label="I'm done with this answer"
          data-testid="done-button"
          className={cx(
            "flex h-36 w-36 items-center justify-center rounded-full text-2xl font-semibold text-white shadow-lg transition-transform active:scale-95",
            "focus-visible:outline-4 focus-visible:outline-offset-4 focus-visible:outline-indigo-600 disabled:opacity-40",
            listening ? "bg-red-600" : "bg-indigo-700",
          )}
        >
          Done
        </button>
        <p className="text-center text-sm text-slate-600">Pause to think whenever you like. Say “I'm done” or tap Done when you finish.</p>
      </div>
      {voice.error && <Alert tone="danger">{voice.error}</Alert>}
      <section className="rounded-2xl bg-white p-4 shadow-sm">
        <h2 className="text-sm font-semibold text-slate-900">Transcript</h2>
        <p className="mt-1 min-h-12 whitespace-pre-wrap text-slate-800" data-testid="live-transcript" aria-live="polite">
          {voice.heard || voice.partial || <span className="text-slate-500">Your words appear here.</span>}
        </p>
        {voice.answers > 0 && <p className="mt-2 text-sm font-medium text-emerald-800" data-testid="answer-saved">{voice.answers} {voice.answers === 1 ? "answer" : "answers"} saved.</p>}
      </section>
      {latest && (
        <section className="rounded-2xl bg-white shadow-sm">
          <FeedbackCard question={interview.questionText(latest.questionId)} evaluation={latest.evaluation} compact />
        </section>
      )}
    </MobileShell>
  );
}
