import { useCallback, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { IntegrityPanel } from "../../components/Integrity";
import { Card, ErrorMessage, PageHeader } from "../../components/ui";
import { api } from "../../lib/api";
import { useAuth } from "../../lib/auth";
import { humanize } from "../../lib/format";
import { VideoPreview } from "../../lib/media";
import { useLiveRoom } from "../../lib/rtc";
import { useInterviewStream } from "../../lib/stream";
import type { AntiCheatEvent, InterviewSession, StreamEvent } from "../../lib/types";
import { ConnectionBadge } from "../candidate/InterviewRoom";

interface TranscriptLine {
  seq: number;
  speaker: string;
  text: string;
}

export function WatchPage() {
  const { sessionId = "" } = useParams();
  const { user } = useAuth();
  const session = useQuery({ queryKey: ["session", sessionId], queryFn: () => api.get<InterviewSession>(`/interview/sessions/${sessionId}`) });
  const room = useLiveRoom(sessionId, { localStream: null, publish: false, userId: user?.id });
  const [lines, setLines] = useState<TranscriptLine[]>([]);
  const [question, setQuestion] = useState<string | null>(null);
  const [liveEvents, setLiveEvents] = useState<AntiCheatEvent[]>([]);

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
    } else if (event.type === "warning") {
      setLiveEvents((current) => [...current, { event: String(data.kind ?? data.event ?? "warning"), timestamp: new Date().toISOString(), details: data, snapshot_url: data.snapshot_url as string | undefined }]);
    }
  }, []);
  const stream = useInterviewStream(`/interview/${sessionId}/stream`, onEvent);

  return (
    <>
      <PageHeader title={`Watching: ${session.data?.candidate_name ?? "candidate"}`}
        description={session.data ? `${session.data.job_title} · ${humanize(session.data.status)}` : undefined}
        actions={<ConnectionBadge status={stream.status} />} />
      <ErrorMessage error={session.error} />
      {room.error && <ErrorMessage error={new Error(room.error)} testId="watch-error" />}
      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <div className="grid content-start gap-6">
          <Card title="Candidate video">
            <div className="aspect-video overflow-hidden rounded-lg bg-slate-900" data-testid="relayed-video">
              {room.remoteStream ? (
                <VideoPreview stream={room.remoteStream} label="Candidate's camera, relayed" muted={false} className="h-full w-full object-contain" />
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
