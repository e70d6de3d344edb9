import { useEffect, useState, type FormEvent } from "react";
import * as Tabs from "@radix-ui/react-tabs";
import { Link, useNavigate, useParams } from "react-router-dom";
import { WarningDialog } from "../../components/WarningDialog";
import { Alert, Badge, Button, Card, ErrorMessage, Loading, TextArea, cx } from "../../components/ui";
import { formatClock } from "../../lib/format";
import { useInterview } from "../../lib/interview";
import { useFullscreen, useUserMedia, VideoPreview } from "../../lib/media";
import { useBrowserSignals } from "../../lib/signals";
import type { ConnectionStatus } from "../../lib/stream";
import { useVoiceAnswer } from "../../lib/voice";

const CONNECTION_LABEL: Record<ConnectionStatus, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Reconnecting… your progress is saved",
  closed: "Disconnected",
};

export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span data-testid="connection-status" data-status={status} aria-live="polite">
      <Badge tone={status === "open" ? "success" : status === "closed" ? "danger" : "warning"}>{CONNECTION_LABEL[status]}</Badge>
    </span>
  );
}

export function TimerDisplay({ remaining }: { remaining: number | null }) {
  if (remaining === null) return null;
  const low = remaining <= 60;
  return (
    <span
      className={cx("rounded-lg px-3 py-1 font-mono text-lg font-semibold tabular-nums", low ? "bg-red-100 text-red-800" : "bg-slate-100 text-slate-900")}
      role="timer"
      aria-label={`Time remaining ${formatClock(remaining)}`}
      data-testid="timer"
    >
      {formatClock(remaining)}
    </span>
  );
}

export function InterviewRoomPage() {
  const { sessionId = "" } = useParams();
  const navigate = useNavigate();
  const interview = useInterview(sessionId);
  const { session, question, remaining, feedback, warnings, finished, stream } = interview;
  const [answer, setAnswer] = useState("");
  const [mode, setMode] = useState<"text" | "voice">("text");
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const camera = useUserMedia({ video: true, audio: false }, !finished);
  const fullscreen = useFullscreen();
  const voice = useVoiceAnswer(sessionId, (result) => setAnswer(result.text));

  const running = session.data?.status === "active" && !finished;
  useBrowserSignals(sessionId, session.data?.signal_key, stream.send, running);

  useEffect(() => {
    if (finished && !finished.terminated) navigate(`/candidate/interviews/${sessionId}/summary`, { replace: true });
  }, [finished, navigate, sessionId]);

  useEffect(() => {
    setAnswer("");
  }, [question?.id]);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (!answer.trim()) return;
    setSubmitting(true);
    setSubmitError(null);
    try {
      await interview.submitAnswer(answer.trim(), mode);
      setAnswer("");
    } catch (caught) {
      setSubmitError(caught);
    } finally {
      setSubmitting(false);
    }
  }

  if (session.isLoading) return <Loading label="Joining your interview…" />;
  if (session.error) return <ErrorMessage error={session.error} />;

  if (finished?.terminated) {
    return (
      <Card className="mx-auto max-w-xl text-center" data-testid="interview-terminated">
        <h1 className="text-xl font-semibold text-red-800">This interview was ended</h1>
        <p className="mt-2 text-slate-700">{finished.reason ?? "Too many integrity warnings were recorded."}</p>
        <Link to="/candidate" className="mt-4 inline-block font-medium text-indigo-700 hover:underline">
          Back to your dashboard
        </Link>
      </Card>
    );
  }

  const currentFeedback = [...feedback].reverse();

  return (
    <div className="grid gap-6">
      <WarningDialog warning={warnings[0]} onAcknowledge={interview.acknowledgeWarning} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{session.data?.job_title}</h1>
          <p className="text-sm text-slate-600">
            {question?.number ? `Question ${question.number}${question.total ? ` of ${question.total}` : ""}` : "Interview in progress"}
          </p>
        </div>
        <div className="flex items-center gap-3">
          <ConnectionBadge status={stream.status} />
          <TimerDisplay remaining={remaining} />
          <Button variant="secondary" size="sm" onClick={() => interview.finishNow().catch(setSubmitError)} data-testid="finish-interview">
            Finish interview
          </Button>
        </div>
      </div>
      {!fullscreen.active && running && (
        <Alert tone="warning">
          You left full screen. Leaving full screen is recorded.{" "}
          <button className="font-semibold underline" onClick={() => void fullscreen.enter().catch(() => undefined)}>
            Return to full screen
          </button>
        </Alert>
      )}

      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid gap-6">
          <Card title="Question">
            {question ? (
              <p className="text-lg leading-relaxed text-slate-900" data-testid="question-text" aria-live="polite">
                {question.content}
              </p>
            ) : (
              <Loading label="Preparing the next question…" />
            )}
          </Card>

          <Card title="Your answer">
            <Tabs.Root value={mode} onValueChange={(value) => setMode(value as "text" | "voice")}>
              <Tabs.List aria-label="How to answer" className="mb-4 inline-flex rounded-lg bg-slate-100 p-1">
                {(["text", "voice"] as const).map((value) => (
                  <Tabs.Trigger key={value} value={value} data-testid={`answer-mode-${value}`}
                    className="rounded-md px-4 py-1.5 text-sm font-medium text-slate-700 data-[state=active]:bg-white data-[state=active]:text-slate-900 data-[state=active]:shadow-sm">
                    {value === "text" ? "Type" : "Speak"}
                  </Tabs.Trigger>
                ))}
              </Tabs.List>
              <form onSubmit={submit} className="flex flex-col gap-3">
                <Tabs.Content value="text">
                  <TextArea label="Answer" rows={8} value={answer} onChange={(event) => setAnswer(event.target.value)}
                    placeholder="Structure it: the situation, what you did, and the result." data-testid="answer-text" disabled={!question} />
                </Tabs.Content>
                <Tabs.Content value="voice" className="flex flex-col items-start gap-3">
                  <Button
                    size="lg"
                    variant={voice.state === "recording" ? "danger" : "primary"}
                    onClick={voice.state === "recording" ? voice.stop : voice.start}
                    busy={voice.state === "starting" || voice.state === "transcribing"}
                    disabled={!question}
                    data-testid="record-button"
                    aria-pressed={voice.state === "recording"}
                  >
                    {voice.state === "recording" ? "Stop — I'm done" : voice.state === "transcribing" ? "Transcribing…" : "Start speaking"}
                  </Button>
                  {voice.error && <Alert tone="danger">{voice.error}</Alert>}
                  <div className="w-full rounded-lg bg-slate-50 p-3 text-sm text-slate-800" aria-live="polite" data-testid="live-transcript">
                    {voice.partial || interview.transcript || <span className="text-slate-500">Your words appear here as you speak.</span>}
                  </div>
                  {answer && (
                    <TextArea label="Transcript to submit (you can correct it)" rows={4} value={answer} onChange={(event) => setAnswer(event.target.value)} />
                  )}
                </Tabs.Content>
                <ErrorMessage error={submitError} />
                <Button type="submit" className="self-end" busy={submitting} disabled={!answer.trim() || !question} data-testid="submit-answer">
                  Submit answer
                </Button>
              </form>
            </Tabs.Root>
          </Card>
        </div>

        <div className="grid content-start gap-6">
          <Card title="You">
            <div className="aspect-video overflow-hidden rounded-lg bg-slate-900">
              {camera.state.status === "ready" ? (
                <VideoPreview stream={camera.state.stream} label="Your camera" className="h-full w-full object-cover" />
              ) : (
                <p className="p-4 text-sm text-slate-200">{camera.state.status === "failed" ? camera.state.message : "Starting camera…"}</p>
              )}
            </div>
          </Card>
          <Card title="Feedback" data-testid="feedback-panel">
            {currentFeedback.length === 0 ? (
              <p className="text-sm text-slate-600">Feedback on each answer appears here.</p>
            ) : (
              <ol className="flex flex-col gap-3" aria-live="polite">
                {currentFeedback.map((entry, index) => (
                  <li key={entry.questionId || index} className="rounded-lg border border-slate-200 p-3 text-sm" data-testid="feedback">
                    {entry.score !== undefined && <p className="font-semibold text-slate-900">Score {Math.round(entry.score)}/100</p>}
                    <p className="whitespace-pre-wrap text-slate-800">{entry.text}</p>
                    {!entry.done && <p className="mt-1 text-xs text-slate-500">Writing…</p>}
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
