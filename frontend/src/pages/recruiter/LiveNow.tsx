import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader } from "../../components/ui";
import { api } from "../../lib/api";
import { formatClock, formatDate, humanize } from "../../lib/format";
import { typeLabel } from "../../lib/sessions";
import type { SessionMode, SessionStatus, SessionType } from "../../lib/types";

/** GET /interview/live: running interviews the caller may view. */
interface LiveSession {
  session_id: string;
  type: SessionType;
  mode?: SessionMode;
  status: SessionStatus;
  candidate_id: string;
  candidate_name?: string | null;
  recruiter_id?: string | null;
  job_title: string;
  started_at?: string | null;
  remaining_seconds?: number | null;
  publishing: boolean;
  publishers?: string[];
  watchers: number;
  recording?: boolean;
}

export function LiveNowPage() {
  const sessions = useQuery({
    queryKey: ["sessions", "live-now"],
    queryFn: () => api.get<LiveSession[]>("/interview/live", { limit: 100 }),
    refetchInterval: 5000,
  });
  const running = sessions.data ?? [];
  return (
    <>
      <PageHeader title="Live now" description="Interviews running at this moment. The list refreshes every few seconds." />
      <ErrorMessage error={sessions.error} />
      {sessions.isLoading ? <Loading /> : running.length === 0 ? (
        <EmptyState title="No interviews are running right now" />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="live-sessions">
          {running.map((session) => (
            <li key={session.session_id}>
              <Card>
                <div className="flex items-center justify-between gap-2">
                  <span className="flex items-center gap-2 text-sm font-semibold text-red-700">
                    <span className="h-2.5 w-2.5 animate-pulse rounded-full bg-red-600" aria-hidden="true" /> Live
                  </span>
                  <span className="flex items-center gap-2">
                    {session.status === "paused" && <Badge tone="warning">Paused</Badge>}
                    <Badge tone={session.publishing ? "success" : "neutral"}>{session.publishing ? "Camera on" : "No video yet"}</Badge>
                  </span>
                </div>
                <p className="mt-2 font-semibold text-slate-900">{session.candidate_name ?? "Candidate"}</p>
                <p className="text-sm text-slate-600">{session.job_title} · {typeLabel(session.type)}{session.mode ? ` · ${humanize(session.mode)}` : ""}</p>
                <p className="text-xs text-slate-600">
                  Started {formatDate(session.started_at)}
                  {typeof session.remaining_seconds === "number" && ` · ${formatClock(session.remaining_seconds)} left`}
                  {session.watchers > 0 && ` · ${session.watchers} watching`}
                </p>
                <Link to={`/recruiter/watch/${session.session_id}`} className="mt-3 inline-block rounded-lg bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800" data-testid="watch-session">
                  Watch
                </Link>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
