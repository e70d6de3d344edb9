import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card, ErrorMessage, Loading, PageHeader, StatCard } from "../../components/ui";
import { useDashboardStats } from "../../lib/accountQueries";
import { humanize } from "../../lib/format";

function CountChart({ title, counts, testId }: { title: string; counts: Record<string, number>; testId: string }) {
  const data = Object.entries(counts).map(([name, value]) => ({ name: humanize(name), value }));
  return (
    <Card title={title} data-testid={testId}>
      <div className="h-56" role="img" aria-label={`${title}: ${data.map((item) => `${item.name} ${item.value}`).join(", ")}`}>
        <ResponsiveContainer>
          <BarChart data={data} margin={{ left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="name" tick={{ fontSize: 12, fill: "#475569" }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: "#475569" }} />
            <Tooltip />
            <Bar dataKey="value" name="Users" fill="#4338ca" radius={[6, 6, 0, 0]} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

export function AdminStatsPage() {
  const stats = useDashboardStats();
  const data = stats.data;
  const extra = Object.entries(data?.extra ?? {}).filter(([, value]) => typeof value === "number") as [string, number][];
  return (
    <>
      <PageHeader title="Platform statistics" description="Accounts, sign-ins and activity across CandidateX." />
      <ErrorMessage error={stats.error} />
      {stats.isLoading ? <Loading /> : data && (
        <div className="grid gap-6">
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <StatCard label="Users" value={data.users_total} data-testid="stat-users-total" />
            <StatCard label="New in the last 7 days" value={data.signups_last_7_days} />
            <StatCard label="Sign-ins, last 24 h" value={data.logins_last_24h} />
            <StatCard label="Failed sign-ins, last 24 h" value={data.failed_logins_last_24h} hint={`${data.lockouts_last_24h} account lockouts`} />
            {extra.map(([key, value]) => <StatCard key={key} label={humanize(key)} value={value} />)}
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <CountChart title="Users by role" counts={data.users_by_role} testId="chart-roles" />
            <CountChart title="Users by status" counts={data.users_by_status} testId="chart-status" />
          </div>
        </div>
      )}
    </>
  );
}
