import { useEffect, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Alert, Badge, Button, Card, ErrorMessage, Loading, PageHeader, cx } from "../../components/ui";
import { ProctoringNotice } from "../../components/ProctoringNotice";
import { captureCameraFrames } from "../../lib/cameraCheck";
import { precheckAndStart } from "../../lib/interview";
import { humanize } from "../../lib/format";
import { playTestTone, screenCount, useAudioLevel, useFullscreen, useUserMedia, VideoPreview } from "../../lib/media";
import { useConsentThen, useProctoringConsent, useSession } from "../../lib/interviewQueries";

// A level the fake test microphone and quiet speech both reach, but room hiss does not.
const HEARD_THRESHOLD = 0.08;

function CheckItem({ name, passed, title, children }: { name: string; passed: boolean; title: string; children: ReactNode }) {
  return (
    <li className="flex flex-col gap-2 border-b border-slate-100 py-4 last:border-b-0" data-testid={`check-${name}`} data-passed={passed}>
      <div className="flex items-center justify-between gap-2">
        <h3 className="font-medium text-slate-900">{title}</h3>
        <Badge tone={passed ? "success" : "warning"}>{passed ? "Ready" : "Not yet"}</Badge>
      </div>
      <div className="text-sm text-slate-700">{children}</div>
    </li>
  );
}

export function PrecheckPage() {
  const { sessionId = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSession(sessionId);
  const consent = useProctoringConsent(sessionId);
  const { state: media, retry } = useUserMedia({ video: true, audio: true });
  const stream = media.status === "ready" ? media.stream : null;
  const level = useAudioLevel(stream);
  const [micHeard, setMicHeard] = useState(false);
  const [tonePlayed, setTonePlayed] = useState(false);
  const [speakerConfirmed, setSpeakerConfirmed] = useState(false);
  const fullscreen = useFullscreen();
  const [fullscreenError, setFullscreenError] = useState<string | null>(null);
  const screens = screenCount();

  useEffect(() => {
    if (level > HEARD_THRESHOLD) setMicHeard(true);
  }, [level]);

  const cameraReady = !!stream && stream.getVideoTracks().some((track) => track.readyState === "live");
  const checks = {
    camera: cameraReady,
    microphone: !!stream && micHeard,
    speaker: speakerConfirmed,
    fullscreen: fullscreen.active,
    screens: screens === 1,
  };
  const allPassed = Object.values(checks).every(Boolean);

  const start = useConsentThen(
    sessionId,
    consent.data,
    false,
    async () => precheckAndStart(sessionId, {
      camera_frames: stream ? await captureCameraFrames(stream) : [],
      camera: checks.camera,
      microphone: checks.microphone,
      speaker: checks.speaker,
      fullscreen: checks.fullscreen,
      screens,
    }),
    (started) => {
      queryClient.setQueryData(["session", sessionId], started);
      navigate(`/candidate/interviews/${sessionId}/room`);
    },
  );

  if (session.isLoading) return <Loading />;
  if (session.error) return <ErrorMessage error={session.error} />;
  const status = session.data?.status;
  if (status && status !== "setup" && status !== "precheck") {
    const ended = status === "completed" || status === "terminated";
    return (
      <Card className="mx-auto max-w-xl text-center" data-testid="precheck-not-needed">
        <h1 className="text-xl font-semibold text-slate-900">{ended ? "This interview has ended" : "This interview is already running"}</h1>
        <Link to={`/candidate/interviews/${sessionId}/${ended ? "summary" : "room"}`} className="mt-3 inline-block font-medium text-indigo-700 hover:underline">
          {ended ? "See the report" : "Continue the interview"}
        </Link>
      </Card>
    );
  }

  return (
    <>
      <PageHeader
        title="System check"
        description={session.data ? `${session.data.job_title} · ${humanize(session.data.mode)} interview` : undefined}
      />
      <ProctoringNotice consent={consent.data} />
      <div className="grid gap-6 lg:grid-cols-[1.2fr_1fr]">
        <Card title="Camera preview">
          <div className="aspect-video overflow-hidden rounded-lg bg-slate-900">
            {stream ? (
              <VideoPreview stream={stream} label="Your camera" className="h-full w-full object-cover" />
            ) : (
              <div className="flex h-full items-center justify-center p-6 text-center text-sm text-slate-200">
                {media.status === "failed" ? media.message : "Waiting for your camera…"}
              </div>
            )}
          </div>
          {media.status === "failed" && (
            <Button variant="secondary" className="mt-3" onClick={retry}>
              Try the camera and microphone again
            </Button>
          )}
        </Card>

        <Card title="Checklist">
          <ul aria-live="polite">
            <CheckItem name="camera" title="Camera" passed={checks.camera}>
              {checks.camera ? "We can see you." : "Allow camera access when the browser asks."}
            </CheckItem>
            <CheckItem name="microphone" title="Microphone" passed={checks.microphone}>
              <p>{checks.microphone ? "We can hear you." : "Say a few words so we can hear you."}</p>
              <div
                className="mt-2 h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
                role="meter"
                aria-label="Microphone level"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(level * 100)}
                data-testid="mic-level"
              >
                <div className={cx("h-full transition-[width] duration-75", level > HEARD_THRESHOLD ? "bg-emerald-600" : "bg-slate-400")}
                  style={{ width: `${Math.round(level * 100)}%` }} />
              </div>
            </CheckItem>
            <CheckItem name="speaker" title="Speakers or headphones" passed={checks.speaker}>
              <div className="flex flex-wrap gap-2">
                <Button variant="secondary" size="sm" data-testid="play-tone" onClick={async () => {
                  await playTestTone();
                  setTonePlayed(true);
                }}>
                  Play test sound
                </Button>
                <Button variant="secondary" size="sm" disabled={!tonePlayed} data-testid="heard-tone"
                  aria-pressed={speakerConfirmed} onClick={() => setSpeakerConfirmed(true)}>
                  I heard it
                </Button>
              </div>
            </CheckItem>
            <CheckItem name="fullscreen" title="Full screen" passed={checks.fullscreen}>
              <p className="mb-2">The interview runs in full screen. Leaving full screen during the interview is reported.</p>
              {!fullscreen.active && (
                <Button variant="secondary" size="sm" data-testid="enter-fullscreen" onClick={() => {
                  setFullscreenError(null);
                  fullscreen.enter().catch(() => setFullscreenError("This browser refused full screen. Try pressing F11."));
                }}>
                  Enter full screen
                </Button>
              )}
              {fullscreenError && <p className="text-red-700">{fullscreenError}</p>}
            </CheckItem>
            <CheckItem name="screens" title="Single screen" passed={checks.screens}>
              {checks.screens ? "Only one screen is connected." : "Disconnect extra monitors before you start."}
            </CheckItem>
          </ul>
          <ErrorMessage error={start.error} />
          {!allPassed && (
            <Alert tone="info">Every check must pass before you can start.</Alert>
          )}
          <Button size="lg" className="mt-4 w-full" disabled={!allPassed || !consent.data} busy={start.isPending}
            data-testid="start-interview" onClick={() => start.mutate()}>
            Agree and start interview
          </Button>
        </Card>
      </div>
    </>
  );
}
