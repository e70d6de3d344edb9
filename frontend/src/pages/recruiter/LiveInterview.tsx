import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { ChatPanel } from "../../components/Chat";
import { Alert, Badge, Button, Card, ErrorMessage, Loading, PageHeader } from "../../components/ui";
import { api } from "../../lib/api";
import { homePathFor, useAuth } from "../../lib/auth";
import { useUserMedia, VideoPreview } from "../../lib/media";
import { useLiveRoom } from "../../lib/rtc";
import type { InterviewSession } from "../../lib/types";

/** A live interview between a recruiter and a candidate: both videos, chat, and (for the recruiter) End. */
export function LiveInterviewPage() {
  const { sessionId = "" } = useParams();
  const { user } = useAuth();
  const session = useQuery({ queryKey: ["session", sessionId], queryFn: () => api.get<InterviewSession>(`/interview/sessions/${sessionId}`) });
  const camera = useUserMedia({ video: true, audio: true });
  const localStream = camera.state.status === "ready" ? camera.state.stream : null;
  const room = useLiveRoom(sessionId, { localStream, publish: true, userId: user?.id });
  const isRecruiter = user?.role === "recruiter" || user?.role === "admin";
  const otherSide = isRecruiter ? "Candidate" : "Interviewer";

  if (session.isLoading) return <Loading />;
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
        title={session.data?.job_title ?? "Live interview"}
        description={isRecruiter ? `With ${session.data?.candidate_name ?? "the candidate"}` : "Live interview"}
        actions={
          <div className="flex items-center gap-3">
            <Badge tone={room.status === "connected" ? "success" : room.status === "error" ? "danger" : "warning"}>
              <span data-testid="live-status">{room.status === "connected" ? "Connected" : room.status === "error" ? "Disconnected" : "Connecting…"}</span>
            </Badge>
            {isRecruiter && <Button variant="danger" onClick={room.end} data-testid="end-interview">End interview</Button>}
          </div>
        }
      />
      <ErrorMessage error={session.error} />
      {camera.state.status === "failed" && <Alert tone="warning">{camera.state.message}</Alert>}
      {room.error && <Alert tone="danger">{room.error}</Alert>}
      <div className="mt-4 grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid gap-4">
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
        <Card title="Chat" className="flex flex-col">
          <ChatPanel messages={room.messages} onSend={room.sendMessage} disabled={room.status !== "connected"} />
        </Card>
      </div>
    </>
  );
}
