import { useState } from "react";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader, Pagination, SelectField, Table, TextField, statusTone, td, th } from "../../components/ui";
import { useAdminUsers, useUpdateUser } from "../../lib/accountQueries";
import { useAuth } from "../../lib/auth";
import { formatDate, humanize } from "../../lib/format";
import type { User } from "../../lib/types";

const ROLES = ["candidate", "recruiter", "admin"];
const STATUSES = ["active", "suspended", "deactivated"];

function UserRow({ user, isSelf, onError }: { user: User; isSelf: boolean; onError: (error: unknown) => void }) {
  const update = useUpdateUser(user.id, onError);
  return (
    <tr data-testid="user-row" data-email={user.email}>
      <td className={td}>
        <p className="font-medium text-slate-900">{user.full_name}</p>
        <p className="text-slate-600">{user.email}</p>
      </td>
      <td className={td}>
        <label className="sr-only" htmlFor={`role-${user.id}`}>Role for {user.email}</label>
        <select id={`role-${user.id}`} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" value={user.role}
          disabled={isSelf || update.isPending} onChange={(event) => update.mutate({ role: event.target.value })} data-testid="user-role">
          {ROLES.map((role) => <option key={role} value={role}>{humanize(role)}</option>)}
        </select>
      </td>
      <td className={td}>
        <label className="sr-only" htmlFor={`status-${user.id}`}>Status for {user.email}</label>
        <div className="flex items-center gap-2">
          <select id={`status-${user.id}`} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" value={user.status ?? "active"}
            disabled={isSelf || update.isPending} onChange={(event) => update.mutate({ status: event.target.value })} data-testid="user-status">
            {STATUSES.map((status) => <option key={status} value={status}>{humanize(status)}</option>)}
          </select>
          <Badge tone={statusTone(user.status)}>{humanize(user.status ?? "active")}</Badge>
        </div>
      </td>
      <td className={td}>{user.two_factor_enabled ? "On" : "Off"}</td>
      <td className={td}>{formatDate(user.last_login_at)}</td>
    </tr>
  );
}

export function AdminUsersPage() {
  const { user: me } = useAuth();
  const [search, setSearch] = useState("");
  const [role, setRole] = useState("");
  const [status, setStatus] = useState("");
  const [page, setPage] = useState(1);
  const [rowError, setRowError] = useState<unknown>(null);
  const users = useAdminUsers(search, role, status, page);

  return (
    <>
      <PageHeader title="Users" description="Find people, change their role, suspend or reactivate accounts." />
      <Card className="mb-6">
        <form className="grid gap-4 sm:grid-cols-[1fr_12rem_12rem]" role="search" onSubmit={(event) => event.preventDefault()}>
          <TextField label="Search by name or email" value={search} onChange={(event) => { setSearch(event.target.value); setPage(1); }} data-testid="user-search" />
          <SelectField label="Role" value={role} onChange={(event) => { setRole(event.target.value); setPage(1); }} data-testid="user-role-filter"
            options={[{ value: "", label: "All roles" }, ...ROLES.map((value) => ({ value, label: humanize(value) }))]} />
          <SelectField label="Status" value={status} onChange={(event) => { setStatus(event.target.value); setPage(1); }} data-testid="user-status-filter"
            options={[{ value: "", label: "Any status" }, ...STATUSES.map((value) => ({ value, label: humanize(value) }))]} />
        </form>
      </Card>
      <ErrorMessage error={users.error ?? rowError} />
      <Card busy={users.isFetching} data-testid="users-card">
        {users.isLoading ? <Loading /> : (users.data?.items.length ?? 0) === 0 ? <EmptyState title="No users match these filters" /> : (
          <Table label="Users">
            <thead>
              <tr><th className={th}>Person</th><th className={th}>Role</th><th className={th}>Status</th><th className={th}>2FA</th><th className={th}>Last sign-in</th></tr>
            </thead>
            <tbody>
              {users.data?.items.map((user) => <UserRow key={user.id} user={user} isSelf={user.id === me?.id} onError={setRowError} />)}
            </tbody>
          </Table>
        )}
        {users.data && <p className="mt-3 text-sm text-slate-600" data-testid="user-total">{users.data.total} {users.data.total === 1 ? "user" : "users"}</p>}
        {users.data && <Pagination page={users.data.page} pages={users.data.pages} onPage={setPage} />}
      </Card>
    </>
  );
}
