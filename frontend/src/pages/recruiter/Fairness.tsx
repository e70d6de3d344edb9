import { useState } from "react";
import { useParams } from "react-router-dom";
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Alert, Button, Card, EmptyState, ErrorMessage, Loading, PageHeader, SelectField, Table, TextField, td, th } from "../../components/ui";
import { humanize } from "../../lib/format";
import { type FairnessParams, downloadFile, useFairness, useJob } from "../../lib/queries";
import type { AuditSection } from "../../lib/types";

const ATTRIBUTES: { value: FairnessParams["attribute"]; label: string }[] = [
  { value: "gender", label: "Sex / gender" }, { value: "ethnicity", label: "Race / ethnicity" },
  { value: "age_band", label: "Age band" }, { value: "disability", label: "Disability" }, { value: "veteran", label: "Veteran status" },
];

function RatesChart({ section, testId }: { section: AuditSection; testId: string }) {
  const data = Object.entries(section.groups).map(([name, group]) => ({
    name: humanize(name), rate: Math.round(group.selection_rate * 100), ratio: group.impact_ratio ?? 0,
  }));
  const label = data.map((item) => `${item.name} ${item.rate}%`).join(", ");
  return (
    <div className="h-60" role="img" aria-label={`Selection rate by group: ${label}`} data-testid={testId}>
      <ResponsiveContainer>
        <BarChart data={data} margin={{ left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="name" tick={{ fontSize: 12, fill: "#475569" }} />
          <YAxis unit="%" domain={[0, 100]} tick={{ fontSize: 12, fill: "#475569" }} />
          <Tooltip />
          <Bar dataKey="rate" name="Selection rate (%)" fill="#4338ca" radius={[6, 6, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function RatiosChart({ section }: { section: AuditSection }) {
  const data = Object.entries(section.groups).map(([name, group]) => ({ name: humanize(name), ratio: group.impact_ratio ?? 0 }));
  return (
    <div className="h-60" role="img" aria-label={`Impact ratio by group: ${data.map((item) => `${item.name} ${item.ratio.toFixed(2)}`).join(", ")}`} data-testid="chart-impact-ratios">
      <ResponsiveContainer>
        <BarChart data={data} margin={{ left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="name" tick={{ fontSize: 12, fill: "#475569" }} />
          <YAxis domain={[0, 1]} tick={{ fontSize: 12, fill: "#475569" }} />
          <Tooltip />
          <ReferenceLine y={0.8} stroke="#b45309" strokeDasharray="4 4" label={{ value: "4/5", fill: "#b45309", fontSize: 12 }} />
          <Bar dataKey="ratio" name="Impact ratio" fill="#0f766e" radius={[6, 6, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

function GroupTable({ section, label, testId }: { section: AuditSection; label: string; testId: string }) {
  const rows = Object.entries(section.groups);
  if (rows.length === 0) return <p className="text-sm text-slate-700" data-testid={`${testId}-empty`}>No group has at least {section.min_group_size} people who disclosed this.</p>;
  return (
    <Table label={label}>
      <thead><tr><th className={th}>Group</th><th className={th}>Applicants</th><th className={th}>Selected</th><th className={th}>Selection rate</th><th className={th}>Impact ratio</th><th className={th}>Scoring rate</th><th className={th}>Scoring impact ratio</th></tr></thead>
      <tbody>
        {rows.map(([name, group]) => (
          <tr key={name} data-testid={testId} data-group={name}>
            <td className={td}>{humanize(name)}</td><td className={td}>{group.total}</td><td className={td}>{group.selected}</td>
            <td className={td}>{Math.round(group.selection_rate * 100)}%</td>
            <td className={td} data-testid="impact-ratio">{group.impact_ratio?.toFixed(2) ?? "—"}</td>
            <td className={td}>{group.scoring_rate != null ? `${Math.round(group.scoring_rate * 100)}%` : "—"}</td>
            <td className={td}>{group.scoring_impact_ratio?.toFixed(2) ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function FairnessPage() {
  const { jobId = "" } = useParams();
  const job = useJob(jobId);
  const [params, setParams] = useState<FairnessParams>({ attribute: "gender", shortlist: "top_n", stage: "interview", min_group_size: 5 });
  const [topN, setTopN] = useState("");
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const audit = useFairness(jobId, { ...params, top_n: params.shortlist === "top_n" && topN ? Number(topN) : undefined });
  const report = audit.data;
  const query = new URLSearchParams(Object.entries({ ...params, top_n: topN }).filter(([, v]) => v !== "" && v != null).map(([k, v]) => [k, String(v)]));

  async function exportAs(format: "csv" | "pdf") {
    setDownloadError(null);
    try {
      await downloadFile(`/matching/jobs/${jobId}/fairness/export?format=${format}&${query}`, `bias-audit-${params.attribute}.${format}`);
    } catch (caught) {
      setDownloadError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <>
      <PageHeader title={`Fairness audit${job.data ? ` · ${job.data.title}` : ""}`}
        description="Selection rates and impact ratios by voluntarily disclosed group. Groups too small to protect individuals are suppressed; demographics never enter the score."
        actions={<div className="flex gap-2">
          <Button variant="secondary" size="sm" onClick={() => exportAs("csv")} data-testid="export-csv">Export CSV</Button>
          <Button variant="secondary" size="sm" onClick={() => exportAs("pdf")} data-testid="export-pdf">Export PDF</Button>
        </div>} />
      {downloadError && <p className="mb-3 text-sm text-red-700" role="alert">{downloadError}</p>}
      <Card>
        <form className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" onSubmit={(event) => event.preventDefault()}>
          <SelectField label="Characteristic" value={params.attribute} options={ATTRIBUTES} data-testid="fairness-attribute"
            onChange={(event) => setParams({ ...params, attribute: event.target.value as FairnessParams["attribute"] })} />
          <SelectField label="Shortlist" value={params.shortlist} data-testid="fairness-shortlist"
            options={[{ value: "top_n", label: "Top of the ranking" }, { value: "status", label: "Pipeline stage reached" }]}
            onChange={(event) => setParams({ ...params, shortlist: event.target.value as FairnessParams["shortlist"] })} />
          {params.shortlist === "top_n" ? (
            <TextField label="How many at the top" type="number" min={1} value={topN} onChange={(event) => setTopN(event.target.value)}
              hint="Rounded down to a multiple of the minimum group size" data-testid="fairness-top-n" />
          ) : (
            <SelectField label="Stage" value={params.stage} options={["screening", "interview", "offer"].map((value) => ({ value, label: humanize(value) }))}
              onChange={(event) => setParams({ ...params, stage: event.target.value as FairnessParams["stage"] })} />
          )}
          <TextField label="Minimum group size" type="number" min={3} value={String(params.min_group_size)} data-testid="fairness-min-group"
            onChange={(event) => setParams({ ...params, min_group_size: Math.max(3, Number(event.target.value) || 3) })} />
        </form>
      </Card>
      <ErrorMessage error={job.error ?? audit.error} />
      {audit.isLoading ? <Loading /> : !report ? null : (
        <div className="mt-6 grid gap-6" data-testid="fairness-report">
          <Card title="Summary">
            <p className="text-sm text-slate-800" data-testid="fairness-shortlist-text">Shortlist: {report.shortlist} · {report.selected} selected of {report.pool_size}; {report.excluded_without_data} did not disclose.</p>
            <p className="mt-1 text-sm text-slate-800">Impact ratio (lowest / highest selection rate): <strong data-testid="fairness-ratio">{report.disparate_impact_ratio?.toFixed(2) ?? "—"}</strong>
              {report.four_fifths_pass === false && " — below the four-fifths threshold"}</p>
            {report.suppressed_groups > 0 && <p className="mt-1 text-sm text-slate-700" data-testid="fairness-suppressed">{report.suppressed_groups} group(s) suppressed (fewer than {report.min_group_size} people).</p>}
            {report.warning && <div className="mt-3"><Alert tone="warning" data-testid="fairness-warning">{report.warning}</Alert></div>}
          </Card>
          {Object.keys(report.groups).length === 0 ? (
            <EmptyState title="Not enough disclosed data">No group has at least {report.min_group_size} applicants who disclosed this characteristic.</EmptyState>
          ) : (
            <div className="grid gap-6 lg:grid-cols-2">
              <Card title="Selection rate by group"><RatesChart section={report} testId="chart-selection-rates" /></Card>
              <Card title="Impact ratio by group"><RatiosChart section={report} /></Card>
            </div>
          )}
          <Card title={`By ${humanize(report.attribute)}`}><GroupTable section={report} label="Groups" testId="fairness-group" /></Card>
          {report.intersectional && (
            <Card title="Intersectional: sex × ethnicity" data-testid="fairness-intersectional">
              <GroupTable section={report.intersectional} label="Intersectional groups" testId="fairness-intersection-group" />
              {report.intersectional.suppressed_groups > 0 && <p className="mt-2 text-sm text-slate-700">{report.intersectional.suppressed_groups} intersectional group(s) suppressed.</p>}
            </Card>
          )}
        </div>
      )}
    </>
  );
}
