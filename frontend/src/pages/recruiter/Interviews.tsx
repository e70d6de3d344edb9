import { Link } from "react-router-dom";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader, Table, statusTone, td, th } from "../../components/ui";
import { FINISHED, sessionId, typeLabel } from "../../lib/sessions";
import { useSessionList } from "../../lib/interviewQueries";
import { formatDate, humanize } from "../../lib/format";

export function RecruiterInterviewsPage() {
  const sessions = useSessionList("recruiter");
  const items = sessions.data?.items ?? [];
  return (
    <>
      <PageHeader title="Interviews" description="Scheduled live interviews and finished sessions. Schedule new ones from a job's candidate list." />
      <ErrorMessage error={sessions.error} />
      <Card>
        {sessions.isLoading ? <Loading /> : items.length === 0 ? <EmptyState title="No interviews yet" /> : (
          <Table label="Interviews">
            <thead><tr><th className={th}>Candidate</th><th className={th}>Job</th><th className={th}>Type</th><th className={th}>When</th><th className={th}>Status</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {items.map((session) => {
                const id = sessionId(session);
                return (
                  <tr key={id} data-testid="interview-row">
                    <td className={td}>{session.candidate_name ?? "Candidate"}</td>
                    <td className={td}>{session.job_title}</td>
                    <td className={td}>{typeLabel(session.type)} · {humanize(session.mode)}</td>
                    <td className={td}>{formatDate(session.scheduled_at ?? session.started_at ?? session.created_at)}</td>
                    <td className={td}><Badge tone={statusTone(session.status)}>{humanize(session.status)}</Badge></td>
                    <td className={`${td} text-right`}>
                      {FINISHED.has(session.status) ? (
                        <Link className="font-medium text-indigo-800 hover:underline" to={`/recruiter/reports/${id}`}>Report</Link>
                      ) : session.type === "live" ? (
                        <Link className="font-medium text-indigo-800 hover:underline" to={`/live/${id}`} data-testid="join-live">Join</Link>
                      ) : (
                        <Link className="font-medium text-indigo-800 hover:underline" to={`/recruiter/watch/${id}`}>Watch</Link>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </Card>
    </>
  );
}
