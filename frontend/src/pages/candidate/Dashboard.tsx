import { Link } from "react-router-dom";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader, StatCard, statusTone } from "../../components/ui";
import { formatDate, formatShortDate, humanize, roundScore } from "../../lib/format";
import { candidateSessionPath, FINISHED, sessionId, typeLabel } from "../../lib/sessions";
import { useAuth } from "../../lib/auth";
import type { InterviewSession } from "../../lib/types";
import { useHistory, useSessionList } from "../../lib/interviewQueries";
import { MyScreenings } from "../screening/Candidate";

function SessionRow({ session }: { session: InterviewSession }) {
  const finished = FINISHED.has(session.status);
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="session-row">
      <div>
        <p className="font-medium text-slate-900">{session.job_title}</p>
        <p className="text-sm text-slate-600">
          {typeLabel(session.type)} · {humanize(session.mode)} · {formatDate(session.scheduled_at ?? session.completed_at ?? session.created_at)}
        </p>
      </div>
      <div className="flex items-center gap-3">
        {finished && session.result?.total_score !== undefined && (
          <span className="text-sm font-semibold text-slate-900">{roundScore(session.result.total_score)}/100</span>
        )}
        <Badge tone={statusTone(session.status)}>{humanize(session.status)}</Badge>
        <Link to={candidateSessionPath(session)} className="text-sm font-medium text-indigo-700 hover:underline">
          {finished ? "View report" : "Continue"}
          <span className="sr-only"> for {session.job_title}</span>
        </Link>
      </div>
    </li>
  );
}

export function CandidateDashboard() {
  const { user } = useAuth();
  const sessions = useSessionList();

  const items = sessions.data?.items ?? [];
  const upcoming = items.filter((session) => !FINISHED.has(session.status));
  const past = items.filter((session) => FINISHED.has(session.status));
  // GET /interview/sessions/history: finished interviews, oldest first, with their scores.
  const history = useHistory();
  const scored = (history.data ?? [])
    .filter((point) => typeof point.total_score === "number")
    .map((point) => ({
      label: formatShortDate(point.completed_at),
      score: Math.round(point.total_score ?? 0),
      title: point.job_title,
    }));
  const average = scored.length ? Math.round(scored.reduce((sum, point) => sum + point.score, 0) / scored.length) : null;

  return (
    <>
      <PageHeader
        title={`Hello, ${user?.full_name.split(" ")[0] ?? "there"}`}
        description="Your interviews, your progress, and what to practise next."
        actions={
          <Link to="/candidate/interviews/new" className="rounded-lg bg-indigo-700 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-800" data-testid="start-practice">
            Start a mock interview
          </Link>
        }
      />
      <ErrorMessage error={sessions.error} />
      {sessions.isLoading ? (
        <Loading />
      ) : (
        <div className="grid gap-6">
          <MyScreenings />
          <div className="grid gap-4 sm:grid-cols-3">
            <StatCard label="Interviews completed" value={past.length} data-testid="stat-completed" />
            <StatCard label="Average score" value={average === null ? "—" : `${average}/100`} data-testid="stat-average" />
            <StatCard label="Upcoming or in progress" value={upcoming.length} />
          </div>
          <Card title="Scores over time" data-testid="score-chart">
            {scored.length === 0 ? (
              <EmptyState title="No scores yet">Finish a mock interview to see your progress here.</EmptyState>
            ) : (
              <div className="h-64" role="img" aria-label={`Line chart of ${scored.length} interview scores; latest ${scored[scored.length - 1].score} out of 100`}>
                <ResponsiveContainer width="100%" height="100%">
                  <LineChart data={scored} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                    <XAxis dataKey="label" tick={{ fontSize: 12, fill: "#475569" }} />
                    <YAxis domain={[0, 100]} tick={{ fontSize: 12, fill: "#475569" }} />
                    <Tooltip formatter={(value: number) => [`${value}/100`, "Score"]} labelFormatter={(label, payload) => `${payload?.[0]?.payload?.title ?? ""} · ${label}`} />
                    <Line type="monotone" dataKey="score" stroke="#4338ca" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} />
                  </LineChart>
                </ResponsiveContainer>
              </div>
            )}
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card title="Upcoming and in progress" data-testid="upcoming-sessions">
              {upcoming.length === 0 ? (
                <EmptyState title="Nothing scheduled">Start a mock interview whenever you are ready.</EmptyState>
              ) : (
                <ul className="divide-y divide-slate-100">
                  {upcoming.map((session) => <SessionRow key={sessionId(session)} session={session} />)}
                </ul>
              )}
            </Card>
            <Card title="Past interviews" data-testid="past-sessions">
              {past.length === 0 ? (
                <EmptyState title="No past interviews yet" />
              ) : (
                <ul className="divide-y divide-slate-100">
                  {past.map((session) => <SessionRow key={sessionId(session)} session={session} />)}
                </ul>
              )}
            </Card>
          </div>
        </div>
      )}
    </>
  );
}
