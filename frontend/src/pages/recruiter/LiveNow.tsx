import { Link } from "react-router-dom";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader } from "../../components/ui";
import { formatClock, formatDate, humanize } from "../../lib/format";
import { typeLabel } from "../../lib/sessions";
import { useLiveNow } from "../../lib/interviewQueries";

export function LiveNowPage() {
  const sessions = useLiveNow();
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
