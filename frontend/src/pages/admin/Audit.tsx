import { Fragment, useState } from "react";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader, Pagination, SelectField, Table, TextField, td, th } from "../../components/ui";
import { useAuditLogs } from "../../lib/accountQueries";
import { formatDate, humanize } from "../../lib/format";

const OUTCOME_TONE = { success: "success", failure: "warning", denied: "danger" } as const;

export function AuditLogPage() {
  const [filters, setFilters] = useState({ action: "", outcome: "", actor_id: "", since: "", until: "" });
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const set = (field: keyof typeof filters) => (event: { target: { value: string } }) => {
    setFilters((current) => ({ ...current, [field]: event.target.value }));
    setPage(1);
  };
  const logs = useAuditLogs(filters, page);

  return (
    <>
      <PageHeader title="Audit log" description="Every sign-in, permission change and sensitive action, newest first." />
      <Card className="mb-6">
        <form className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" role="search" onSubmit={(event) => event.preventDefault()}>
          <TextField label="Action" placeholder="e.g. auth.login" value={filters.action} onChange={set("action")} data-testid="audit-action" />
          <SelectField label="Outcome" value={filters.outcome} onChange={set("outcome")} data-testid="audit-outcome"
            options={[{ value: "", label: "Any" }, { value: "success", label: "Success" }, { value: "failure", label: "Failure" }, { value: "denied", label: "Denied" }]} />
          <TextField label="User id" value={filters.actor_id} onChange={set("actor_id")} />
          <TextField label="From" type="datetime-local" value={filters.since} onChange={set("since")} />
          <TextField label="Until" type="datetime-local" value={filters.until} onChange={set("until")} />
        </form>
      </Card>
      <ErrorMessage error={logs.error} />
      <Card busy={logs.isFetching} data-testid="audit-card">
        {logs.isLoading ? <Loading /> : (logs.data?.items.length ?? 0) === 0 ? <EmptyState title="No entries match these filters" /> : (
          <Table label="Audit log entries">
            <thead>
              <tr><th className={th}>When</th><th className={th}>Who</th><th className={th}>Action</th><th className={th}>Target</th><th className={th}>Outcome</th><th className={th}>IP</th></tr>
            </thead>
            <tbody>
              {logs.data?.items.map((entry) => (
                <Fragment key={entry.id}>
                  <tr data-testid="audit-row">
                    <td className={td}>{formatDate(entry.created_at)}</td>
                    <td className={td}>{entry.actor_email ?? "Anonymous"}</td>
                    <td className={td}>
                      <button className="font-mono text-xs text-indigo-800 underline-offset-2 hover:underline" aria-expanded={open === entry.id}
                        onClick={() => setOpen(open === entry.id ? null : entry.id)}>
                        {entry.action}
                      </button>
                    </td>
                    <td className={td}>{entry.target_type ? `${humanize(entry.target_type)} ${entry.target_id ?? ""}` : "—"}</td>
                    <td className={td}><Badge tone={OUTCOME_TONE[entry.outcome as keyof typeof OUTCOME_TONE] ?? "neutral"}>{humanize(entry.outcome)}</Badge></td>
                    <td className={td}>{entry.ip ?? "—"}</td>
                  </tr>
                  {open === entry.id && (
                    <tr>
                      <td colSpan={6} className="bg-slate-50 px-3 py-2">
                        <pre className="overflow-x-auto text-xs text-slate-800">{JSON.stringify({ ...entry.details, user_agent: entry.user_agent }, null, 2)}</pre>
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </Table>
        )}
        {logs.data && <Pagination page={logs.data.page} pages={logs.data.pages} onPage={setPage} />}
      </Card>
    </>
  );
}
