import { Link, useParams } from "react-router-dom";
import { IntegrityPanel } from "../../components/Integrity";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader, statusTone } from "../../components/ui";
import { FINISHED, sessionId as idOf } from "../../lib/sessions";
import { formatDate, humanize, roundScore } from "../../lib/format";
import { useSessionList, useSummary } from "../../lib/interviewQueries";
import { SummaryView } from "../candidate/Summary";

function ReportDetail({ sessionId }: { sessionId: string }) {
  const summary = useSummary(sessionId);
  return (
    <div className="grid gap-6">
      <ErrorMessage error={summary.error} />
      {summary.isLoading ? <Loading /> : summary.data && <SummaryView session={summary.data} />}
      <IntegrityPanel sessionId={sessionId} />
    </div>
  );
}

export function ReportsPage() {
  const { sessionId } = useParams();
  const sessions = useSessionList("reports");
  const finished = (sessions.data?.items ?? []).filter((session) => FINISHED.has(session.status));
  return (
    <>
      <PageHeader title="Reports" description="Scores, feedback and integrity for finished interviews." />
      <ErrorMessage error={sessions.error} />
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <Card title="Finished interviews">
          {sessions.isLoading ? <Loading /> : finished.length === 0 ? <EmptyState title="No finished interviews" /> : (
            <ul className="divide-y divide-slate-100" data-testid="report-list">
              {finished.map((session) => (
                <li key={idOf(session)}>
                  <Link to={`/recruiter/reports/${idOf(session)}`} aria-current={sessionId === idOf(session) ? "page" : undefined}
                    className="block py-2.5 hover:bg-slate-50 aria-[current=page]:bg-indigo-50">
                    <span className="block text-sm font-medium text-slate-900">{session.candidate_name ?? "Candidate"} · {session.job_title}</span>
                    <span className="flex items-center gap-2 text-xs text-slate-600">
                      {formatDate(session.completed_at)} <Badge tone={statusTone(session.status)}>{humanize(session.status)}</Badge>
                      {session.result?.total_score !== undefined && <span>{roundScore(session.result.total_score)}/100</span>}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Card>
        {sessionId ? <ReportDetail key={sessionId} sessionId={sessionId} /> : <Card><EmptyState title="Choose an interview to see its report" /></Card>}
      </div>
    </>
  );
}
