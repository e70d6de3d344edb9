import { useCallback, useState } from "react";
import { useParams } from "react-router-dom";
import { IntegrityPanel } from "../../components/Integrity";
import { Alert, Button, Card, ErrorMessage, PageHeader } from "../../components/ui";
import { useAuth } from "../../lib/auth";
import { humanize } from "../../lib/format";
import { VideoPreview } from "../../lib/media";
import { useLiveRoom } from "../../lib/rtc";
import { useInterviewStream } from "../../lib/stream";
import type { AntiCheatEvent, StreamEvent } from "../../lib/types";
import { useEndSession, useSession } from "../../lib/interviewQueries";
import { ConnectionBadge } from "../candidate/InterviewRoom";

interface TranscriptLine {
  seq: number;
  speaker: string;
  text: string;
}

export function WatchPage() {
  const { sessionId = "" } = useParams();
  const { user } = useAuth();
  const session = useSession(sessionId);
  const room = useLiveRoom(sessionId, { localStream: null, publish: false, userId: user?.id });
  const [lines, setLines] = useState<TranscriptLine[]>([]);
  const [question, setQuestion] = useState<string | null>(null);
  const [liveEvents, setLiveEvents] = useState<AntiCheatEvent[]>([]);
  const [ended, setEnded] = useState<string | null>(null);

  const onEvent = useCallback((event: StreamEvent) => {
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === "transcript") {
      // Partial transcripts are ephemeral; only the final text of an answer goes in the log.
      if (data.final === false || event.ephemeral) return;
      setLines((current) => [...current, { seq: event.seq, speaker: "Candidate", text: String(data.text ?? "") }]);
    } else if (event.type === "question") {
      const text = String(data.text ?? "");
      setQuestion(text);
      setLines((current) => [...current, { seq: event.seq, speaker: "Interviewer", text }]);
    } else if (event.type === "complete") {
      setEnded(String(data.status ?? "completed"));
    } else if (event.type === "warning") {
      setLiveEvents((current) => [...current, { event: String(data.kind ?? "warning"), at: event.timestamp ?? new Date().toISOString(), details: data }]);
    }
  }, []);
  const stream = useInterviewStream(`/interview/${sessionId}/stream`, onEvent);
  const end = useEndSession(sessionId, (updated) => setEnded(updated.status));

  return (
    <>
      <PageHeader title={`Watching: ${session.data?.job_title ?? "interview"}`}
        description={session.data ? `${humanize(session.data.type === "live" ? "live interview" : "mock interview")} · ${humanize(ended ?? session.data.status)}` : undefined}
        actions={
          <div className="flex items-center gap-3">
            <ConnectionBadge status={stream.status} />
            {!ended && (
              <Button variant="danger" busy={end.isPending} onClick={() => end.mutate()} data-testid="end-interview">End interview</Button>
            )}
          </div>
        } />
      <ErrorMessage error={end.error} />
      {ended && <Alert tone="info" data-testid="watch-ended">This interview has ended ({humanize(ended)}).</Alert>}
      <ErrorMessage error={session.error} />
      {room.error && <ErrorMessage error={new Error(room.error)} testId="watch-error" />}
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid content-start gap-6">
          <Card title="Candidate video">
            <div className="aspect-video overflow-hidden rounded-lg bg-slate-900" data-testid="relayed-video">
              {room.remoteStream ? (
                // Muted, so autoplay works after a reload without a click (browsers block unmuted autoplay);
                // the controls unmute it.
                <VideoPreview stream={room.remoteStream} label="Candidate's camera, relayed" controls className="h-full w-full object-contain" />
              ) : (
                <p className="p-6 text-sm text-slate-200">Waiting for the candidate's video…</p>
              )}
            </div>
          </Card>
          <Card title="Live transcript">
            {question && <p className="mb-3 rounded-lg bg-indigo-50 p-3 text-sm text-indigo-900"><span className="font-semibold">Current question:</span> {question}</p>}
            <ol className="max-h-80 space-y-2 overflow-y-auto text-sm" aria-live="polite" data-testid="watch-transcript">
              {lines.length === 0 && <li className="text-slate-600">Nothing said yet.</li>}
              {lines.map((line) => (
                <li key={line.seq}><span className="font-semibold text-slate-900">{line.speaker}:</span> <span className="text-slate-800">{line.text}</span></li>
              ))}
            </ol>
          </Card>
        </div>
        <IntegrityPanel sessionId={sessionId} live extraEvents={liveEvents} />
      </div>
    </>
  );
}
