import { useEffect, useState, type FormEvent } from "react";
import * as Tabs from "@radix-ui/react-tabs";
import { Link, useNavigate, useParams } from "react-router-dom";
import { WarningDialog } from "../../components/WarningDialog";
import { FeedbackCard } from "../../components/Feedback";
import { Alert, Badge, Button, Card, ErrorMessage, Loading, TextArea, cx } from "../../components/ui";
import { formatClock, humanize } from "../../lib/format";
import { usePublishMedia } from "../../lib/rtc";
import { useInterview } from "../../lib/interview";
import { useFullscreen, useUserMedia, VideoPreview } from "../../lib/media";
import { useBrowserSignals } from "../../lib/signals";
import { IntegrityBudget } from "../../components/IntegrityBudget";
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
  const { session, status, question, remaining, feedback, warnings, finished, stream } = interview;
  const [answer, setAnswer] = useState("");
  const [mode, setMode] = useState<"text" | "voice">("text");
  const [actionError, setActionError] = useState<unknown>(null);
  const [submitting, setSubmitting] = useState(false);
  const [finishing, setFinishing] = useState(false);
  const camera = useUserMedia({ video: true, audio: true }, !finished);
  const cameraStream = camera.state.status === "ready" ? camera.state.stream : null;
  const fullscreen = useFullscreen();
  const voice = useVoiceAnswer(sessionId, () => undefined);
  const paused = status === "paused";
  const running = (status === "active" || paused) && !finished;
  const publishing = usePublishMedia(sessionId, cameraStream, running);
  // With the microphone published over WebRTC the server hears every word, and whatever is said while the
  // interview runs becomes an answer: so the microphone is live only while the candidate answers by voice.
  const webrtcVoice = publishing === "live";
  const [speaking, setSpeaking] = useState(false);
  const [voiceWaiting, setVoiceWaiting] = useState(false);
  useEffect(() => {
    cameraStream?.getAudioTracks().forEach((track) => {
      track.enabled = webrtcVoice && speaking && !paused && mode === "voice";
    });
  }, [cameraStream, webrtcVoice, speaking, paused, mode]);
  useEffect(() => {
    setSpeaking(false);
    setVoiceWaiting(false);
  }, [question?.id, interview.streamError]);

  const [graceEndsAt, setGraceEndsAt] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useBrowserSignals(sessionId, interview.antiCheatKey, stream.send, running,
    (ms) => setGraceEndsAt(ms > 0 ? Date.now() + ms : null), mode);
  useEffect(() => {
    if (graceEndsAt === null) return;
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [graceEndsAt]);
  const graceLeft = graceEndsAt === null ? 0 : Math.max(0, Math.ceil((graceEndsAt - now) / 1000));

  useEffect(() => {
    if (finished && !finished.terminated) navigate(`/candidate/interviews/${sessionId}/summary`, { replace: true });
  }, [finished, navigate, sessionId]);

  useEffect(() => {
    setAnswer("");
    setActionError(null);
  }, [question?.id]);

  async function act(work: () => Promise<void>) {
    setActionError(null);
    try {
      await work();
    } catch (caught) {
      setActionError(caught);
    }
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    setSubmitting(true);
    // An empty answer goes to the server too: its answer ("can't be empty") is shown in words.
    await act(async () => {
      await interview.submitAnswer(answer, mode);
      setAnswer("");
    });
    setSubmitting(false);
  }

  if (session.isLoading) return <Loading label="Joining your interview…" />;
  if (session.error) return <ErrorMessage error={session.error} />;

  if (finished?.terminated) {
    return (
      <Card className="mx-auto max-w-xl text-center" data-testid="interview-terminated">
        <h1 className="text-xl font-semibold text-red-800">This interview was ended</h1>
        <p className="mt-2 text-slate-700">{describeEnd(finished.reason)}</p>
        <div className="mt-4 flex justify-center gap-4">
          <Link to={`/candidate/interviews/${sessionId}/summary`} className="font-medium text-indigo-700 hover:underline">See what was recorded</Link>
          <Link to="/candidate" className="font-medium text-indigo-700 hover:underline">Back to your dashboard</Link>
        </div>
      </Card>
    );
  }
  if (status === "setup" || status === "precheck") {
    return (
      <Card className="mx-auto max-w-xl text-center">
        <h1 className="text-xl font-semibold text-slate-900">This interview has not started</h1>
        <Link to={`/candidate/interviews/${sessionId}/precheck`} className="mt-3 inline-block font-medium text-indigo-700 hover:underline">Run the system check</Link>
      </Card>
    );
  }

  const currentFeedback = [...feedback].reverse();
  const planned = session.data?.question_count ?? 0;
  // an interview a recruiter sent for a job (a screening) coaches nothing while it runs
  const screening = Boolean(session.data?.job_id && session.data?.recruiter_id);

  return (
    <div className="grid gap-6">
      <WarningDialog warning={warnings[0]} onAcknowledge={interview.acknowledgeWarning} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{session.data?.job_title}</h1>
          <p className="text-sm text-slate-600" data-testid="question-progress">
            {question?.number ? `Question ${question.number}${question.total ? ` of ${question.total}` : ""}` : "Interview in progress"}
            {question?.is_follow_up && " · follow-up"}
          </p>
          {planned > 0 && (question?.total ?? 0) > planned && (
            <p className="text-sm text-slate-700" data-testid="follow-up-note">
              {`Follow-up questions added ${(question?.total ?? 0) - planned} to the ${planned} planned.`}
            </p>
          )}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <ConnectionBadge status={stream.status} />
          <TimerDisplay remaining={remaining} />
          {paused ? (
            <Button variant="secondary" size="sm" onClick={() => act(interview.resume)} data-testid="resume-interview">Resume</Button>
          ) : (
            <Button variant="secondary" size="sm" onClick={() => act(interview.pause)} data-testid="pause-interview">Pause</Button>
          )}
          <Button variant="secondary" size="sm" busy={finishing} data-testid="finish-interview" onClick={async () => {
            setFinishing(true);
            await act(interview.finishNow);
            setFinishing(false);
          }}>
            Finish interview
          </Button>
        </div>
      </div>
      {paused && (
        <Alert tone="info" title="Paused" data-testid="paused-banner">
          The clock is stopped. Resume when you are ready to continue.
        </Alert>
      )}
      {!fullscreen.active && running && !paused && (
        <Alert tone="warning" data-testid="fullscreen-grace">
          {graceLeft > 0
            ? `You left full screen. Return within ${graceLeft} s and it will not count as a warning.`
            : "You left full screen. Leaving full screen is recorded."}{" "}
          <button className="font-semibold underline" onClick={() => void fullscreen.enter().catch(() => undefined)}>
            Return to full screen
          </button>
        </Alert>
      )}
      {running && <IntegrityBudget sessionId={sessionId} warningCount={warnings.length} />}
      {interview.streamError && (
        <Alert tone="danger" data-testid="stream-error">{interview.streamError}</Alert>
      )}

      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid content-start gap-6">
          <Card title="Question">
            {question && paused ? (
              <p className="text-slate-700" data-testid="question-hidden">
                The question is hidden while the interview is paused. Resume to see it again.
              </p>
            ) : question ? (
              <>
                <p className="text-lg leading-relaxed text-slate-900" data-testid="question-text" data-question-id={question.id} aria-live="polite">
                  {question.text}
                </p>
                <p className="mt-2 flex flex-wrap gap-2 text-xs text-slate-600">
                  {question.category && <Badge>{humanize(question.category)}</Badge>}
                  {question.difficulty && <Badge>{humanize(question.difficulty)}</Badge>}
                  {question.time_limit_seconds > 0 && <span>Suggested time: about {Math.round(question.time_limit_seconds / 60)} min</span>}
                </p>
              </>
            ) : interview.allAnswered ? (
              <div data-testid="all-answered">
                <p className="text-slate-800">You have answered every question.</p>
                <Button className="mt-3" onClick={() => act(interview.finishNow)}>See my report</Button>
              </div>
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
                    placeholder="Structure it: the situation, what you did, and the result." data-testid="answer-text" disabled={!question || paused} />
                </Tabs.Content>
                <Tabs.Content value="voice" className="flex flex-col items-start gap-3" data-testid="voice-panel">
                  <p className="text-sm text-slate-700">
                    Speak your answer. It is saved when you tap “I'm done” (or after a short silence), then scored like a typed one.
                  </p>
                  {webrtcVoice ? (
                    <Button size="lg" variant={speaking ? "danger" : "primary"} disabled={!question || paused || voiceWaiting}
                      busy={voiceWaiting} aria-pressed={speaking} data-testid="record-button"
                      onClick={() => {
                        if (speaking) {
                          stream.send({ type: "voice_done" });
                          setSpeaking(false);
                          setVoiceWaiting(true);
                        } else {
                          interview.clearStreamError();
                          setSpeaking(true);
                        }
                      }}>
                      {speaking ? "Stop — I'm done" : voiceWaiting ? "Saving your answer…" : "Start speaking"}
                    </Button>
                  ) : (
                    <Button size="lg" variant={voice.state === "recording" ? "danger" : "primary"}
                      onClick={voice.state === "recording" ? voice.stop : voice.start}
                      busy={voice.state === "starting" || voice.state === "transcribing"} disabled={!question || paused}
                      data-testid="record-button" aria-pressed={voice.state === "recording"}>
                      {voice.state === "recording" ? "Stop — I'm done" : voice.state === "transcribing" ? "Saving your answer…" : "Start speaking"}
                    </Button>
                  )}
                  {voice.error && <Alert tone="danger">{voice.error}</Alert>}
                  <div className="w-full rounded-lg bg-slate-50 p-3 text-sm text-slate-800" aria-live="polite" data-testid="live-transcript">
                    {interview.transcript || voice.partial || <span className="text-slate-500">Your words appear here as you speak.</span>}
                  </div>
                </Tabs.Content>
                {mode === "text" && <ErrorMessage error={actionError} />}
                {mode === "text" && (
                  <Button type="submit" className="self-end" busy={submitting} disabled={!question || paused} data-testid="submit-answer">
                    Submit answer
                  </Button>
                )}
              </form>
            </Tabs.Root>
          </Card>
        </div>

        <div className="grid content-start gap-6">
          <Card title="You">
            <div className="relative aspect-video overflow-hidden rounded-lg bg-slate-900">
              {cameraStream ? (
                <VideoPreview stream={cameraStream} label="Your camera" className="h-full w-full object-cover" />
              ) : (
                <p className="p-4 text-sm text-slate-200">{camera.state.status === "failed" ? camera.state.message : "Starting camera…"}</p>
              )}
              {publishing === "live" && (
                <span className="absolute left-2 top-2 rounded bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="publishing">● Recording</span>
              )}
            </div>
          </Card>
          <Card title="Feedback" data-testid="feedback-panel">
            {screening ? (
              <p className="text-sm text-slate-700" data-testid="screening-no-feedback">Your answers are saved. A screening shows no scores or feedback while it runs; a person at the company reviews them.</p>
            ) : currentFeedback.length === 0 ? (
              <p className="text-sm text-slate-600">Feedback on each answer appears here.</p>
            ) : (
              <ol className="flex flex-col gap-3" aria-live="polite">
                {currentFeedback.map((entry) => (
                  <li key={entry.questionId}>
                    <FeedbackCard question={interview.questionText(entry.questionId)} evaluation={entry.evaluation} compact />
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

/** Words for why an interview ended early. */
export function describeEnd(reason?: string): string {
  if (!reason) return "Too many integrity warnings were recorded.";
  if (reason.startsWith("anti_cheat:")) return `Too many integrity warnings were recorded (${humanize(reason.slice("anti_cheat:".length)).toLowerCase()}).`;
  if (reason === "ended_by_recruiter") return "The interviewer ended the interview.";
  if (reason === "time_up") return "The time ran out.";
  return humanize(reason);
}
