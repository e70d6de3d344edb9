import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader } from "../../components/ui";
import { api, type Page } from "../../lib/api";
import { formatDate, humanize } from "../../lib/format";
import { sessionId, typeLabel } from "../../lib/sessions";
import type { InterviewSession } from "../../lib/types";

export function LiveNowPage() {
  const sessions = useQuery({
    queryKey: ["sessions", "live-now"],
    queryFn: () => api.get<Page<InterviewSession>>("/interview/sessions", { status: "active", limit: 100 }),
    refetchInterval: 5000,
  });
  const running = (sessions.data?.items ?? []).filter((session) => session.status === "active" || session.status === "paused");
  return (
    <>
      <PageHeader title="Live now" description="Interviews running at this moment. The list refreshes every few seconds." />
      <ErrorMessage error={sessions.error} />
      {sessions.isLoading ? <Loading /> : running.length === 0 ? (
        <EmptyState title="No interviews are running right now" />
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="live-sessions">
          {running.map((session) => (
            <li key={sessionId(session)}>
              <Card>
                <div className="flex items-center justify-between gap-2">
                  <span className="flex items-center gap-2 text-sm font-semibold text-red-700">
                    <span className="h-2.5 w-2.5 animate-pulse rounded-full bg-red-600" aria-hidden="true" /> Live
                  </span>
                  {session.risk_score !== undefined && (
                    <Badge tone={session.risk_score >= 60 ? "danger" : session.risk_score >= 30 ? "warning" : "success"}>Risk {Math.round(session.risk_score)}</Badge>
                  )}
                </div>
                <p className="mt-2 font-semibold text-slate-900">{session.candidate_name ?? "Candidate"}</p>
                <p className="text-sm text-slate-600">{session.job_title} · {typeLabel(session.type)} · {humanize(session.mode)}</p>
                <p className="text-xs text-slate-600">Started {formatDate(session.started_at)}</p>
                <Link to={`/recruiter/watch/${sessionId(session)}`} className="mt-3 inline-block rounded-lg bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800" data-testid="watch-session">
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
