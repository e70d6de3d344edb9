import { useCallback, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { ChatPanel } from "../../components/Chat";
import { IntegrityPanel } from "../../components/Integrity";
import { ProctoringNotice } from "../../components/ProctoringNotice";
import { Alert, Badge, Button, Card, ErrorMessage, Loading, PageHeader } from "../../components/ui";
import { api } from "../../lib/api";
import { homePathFor, useAuth } from "../../lib/auth";
import { antiCheatKeys } from "../../lib/interview";
import { useUserMedia, VideoPreview } from "../../lib/media";
import { useLiveRoom } from "../../lib/rtc";
import { useBrowserSignals } from "../../lib/signals";
import { useInterviewStream } from "../../lib/stream";
import { useConsentThen, useProctoringConsent, useSession } from "../../lib/interviewQueries";
import type { AntiCheatEvent, InterviewSession, StartResult, StreamEvent } from "../../lib/types";

/**
 * A live interview between a recruiter and a candidate: both videos, chat, and (for the recruiter) End. The live
 * interview is proctored like a mock one, but only ever flagged for review: the candidate agrees to the notice and
 * their page starts the interview (which gives it the signal key); the recruiter sees the flags in a timeline.
 */
export function LiveInterviewPage() {
  const { sessionId = "" } = useParams();
  const { user } = useAuth();
  const session = useSession(sessionId);
  const isRecruiter = user?.role === "recruiter" || user?.role === "admin";
  const [signalKey, setSignalKey] = useState<string | null>(() => antiCheatKeys.get(sessionId));

  if (session.isLoading) return <Loading />;
  if (session.error) return <ErrorMessage error={session.error} />;
  const status = session.data?.status;
  const ended = status === "completed" || status === "terminated";
  if (!isRecruiter && !ended && !signalKey) {
    return <LiveProctoringGate sessionId={sessionId} running={status === "active" || status === "paused"} onStarted={setSignalKey} />;
  }
  return <LiveRoom sessionId={sessionId} session={session.data} isRecruiter={isRecruiter} signalKey={signalKey} />;
}

/** The candidate's step before the room: the proctoring notice, agreed to on the server, then POST /start. */
function LiveProctoringGate({ sessionId, running, onStarted }: { sessionId: string; running: boolean; onStarted: (key: string | null) => void }) {
  const queryClient = useQueryClient();
  const consent = useProctoringConsent(sessionId);
  const join = useConsentThen(
    sessionId,
    consent.data,
    running, // a running interview was agreed to already
    // Starting a running interview again returns the same key (a reload in another tab of the browser).
    () => api.post<StartResult>(`/interview/sessions/${sessionId}/start`),
    (started) => {
      antiCheatKeys.set(sessionId, started.anti_cheat_key);
      queryClient.setQueryData(["session", sessionId], started.session);
      onStarted(started.anti_cheat_key ?? null);
    },
  );
  return (
    <Card className="mx-auto max-w-2xl" data-testid="live-proctoring-gate">
      <h1 className="mb-4 text-xl font-semibold text-slate-900">Your live interview</h1>
      <ProctoringNotice consent={consent.data} />
      <p className="mb-4 text-sm text-slate-700">In a live interview a flag never ends the interview: it is shown to your interviewer for review.</p>
      <ErrorMessage error={consent.error ?? join.error} />
      <Button size="lg" className="w-full" disabled={!consent.data} busy={join.isPending} onClick={() => join.mutate()} data-testid="live-agree">
        Agree and join the interview
      </Button>
    </Card>
  );
}

function LiveRoom({ sessionId, session, isRecruiter, signalKey }: { sessionId: string; session: InterviewSession | undefined; isRecruiter: boolean; signalKey: string | null }) {
  const { user } = useAuth();
  const camera = useUserMedia({ video: true, audio: true });
  const localStream = camera.state.status === "ready" ? camera.state.stream : null;
  const room = useLiveRoom(sessionId, { localStream, publish: true, userId: user?.id });
  const otherSide = isRecruiter ? "Candidate" : "Interviewer";
  const [flags, setFlags] = useState<AntiCheatEvent[]>([]);
  const onEvent = useCallback((event: StreamEvent) => {
    if (event.type !== "warning") return;
    const data = (event.data ?? {}) as Record<string, unknown>;
    setFlags((current) => [...current, { event: String(data.kind ?? "warning"), at: event.timestamp ?? new Date().toISOString(), details: data }]);
  }, []);
  // The interview stream carries the candidate's signed signals and the warnings both sides see.
  const stream = useInterviewStream(`/interview/${sessionId}/stream`, onEvent);
  useBrowserSignals(sessionId, isRecruiter ? null : signalKey, stream.send, room.status !== "ended");
  const lastFlag = flags.length > 0 ? flags[flags.length - 1] : null;

  if (room.status === "ended") {
    return (
      <Card className="mx-auto max-w-lg text-center" data-testid="live-ended">
        <h1 className="text-xl font-semibold text-slate-900">The interview has ended</h1>
        <Link to={user ? homePathFor(user.role) : "/"} className="mt-3 inline-block font-medium text-indigo-700 hover:underline">Back to your home page</Link>
      </Card>
    );
  }

  return (
    <>
      <PageHeader
        title={session?.job_title ?? "Live interview"}
        description={isRecruiter ? `With ${session?.candidate_name ?? "the candidate"}` : "Live interview"}
        actions={
          <div className="flex items-center gap-3">
            <Badge tone={room.status === "connected" ? "success" : room.status === "error" ? "danger" : "warning"}>
              <span data-testid="live-status">{room.status === "connected" ? "Connected" : room.status === "error" ? "Disconnected" : "Connecting…"}</span>
            </Badge>
            {isRecruiter && <Button variant="danger" onClick={room.end} data-testid="end-interview">End interview</Button>}
          </div>
        }
      />
      {camera.state.status === "failed" && <Alert tone="warning">{camera.state.message}</Alert>}
      {room.error && <Alert tone="danger">{room.error}</Alert>}
      {!isRecruiter && lastFlag && (
        <Alert tone="warning" data-testid="live-warning">{String(lastFlag.details?.message ?? "An integrity flag was recorded for your interviewer to review.")}</Alert>
      )}
      <div className="mt-4 grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid content-start gap-4">
          <div className="relative aspect-video overflow-hidden rounded-xl bg-slate-900" data-testid="remote-video">
            {room.remoteStream ? (
              <VideoPreview stream={room.remoteStream} label={`${otherSide}'s camera`} muted={false} className="h-full w-full object-contain" />
            ) : (
              <p className="p-6 text-sm text-slate-200">Waiting for the {otherSide.toLowerCase()} to join…</p>
            )}
            <div className="absolute bottom-3 right-3 aspect-video w-1/4 overflow-hidden rounded-lg border-2 border-white/70 bg-slate-800" data-testid="local-video">
              {localStream && <VideoPreview stream={localStream} label="Your camera" className="h-full w-full object-cover" />}
            </div>
          </div>
          <p className="text-sm text-slate-600">
            {room.participants.length > 0 ? `In the room: ${room.participants.map((person) => person.name ?? person.role ?? "participant").join(", ")}` : "You're the first one here."}
          </p>
        </div>
        <div className="grid content-start gap-6">
          <Card title="Chat" className="flex flex-col">
            <ChatPanel messages={room.messages} onSend={room.sendMessage} disabled={room.status !== "connected"} />
          </Card>
          {isRecruiter && <IntegrityPanel sessionId={sessionId} live extraEvents={flags} />}
        </div>
      </div>
    </>
  );
}
