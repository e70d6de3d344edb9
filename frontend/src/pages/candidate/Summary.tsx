import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import {
  Bar, BarChart, CartesianGrid, PolarAngleAxis, PolarGrid, PolarRadiusAxis, Radar, RadarChart,
  ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";
import { Card, EmptyState, ErrorMessage, Loading, PageHeader, StatCard } from "../../components/ui";
import { api } from "../../lib/api";
import { humanize, roundScore } from "../../lib/format";
import type { InterviewSummary } from "../../lib/types";

const METRIC_LABELS: Record<string, { label: string; unit?: string }> = {
  words_per_minute: { label: "Speaking pace", unit: "words/min" },
  filler_words: { label: "Filler words" },
  filler_word_rate: { label: "Filler words per 100 words" },
  pause_ratio: { label: "Time spent pausing", unit: "%" },
  speaking_time_seconds: { label: "Talk time", unit: "s" },
  talk_time_seconds: { label: "Talk time", unit: "s" },
  long_pauses: { label: "Long pauses" },
};

function List({ title, items, testId, empty }: { title: string; items?: string[]; testId: string; empty: string }) {
  return (
    <Card title={title} data-testid={testId}>
      {items && items.length > 0 ? (
        <ul className="list-disc space-y-1.5 pl-5 text-sm text-slate-800">
          {items.map((item) => <li key={item}>{item}</li>)}
        </ul>
      ) : (
        <p className="text-sm text-slate-600">{empty}</p>
      )}
    </Card>
  );
}

function metricValue(key: string, value: number): string {
  if (key === "pause_ratio") return `${Math.round(value * 100)}%`;
  const unit = METRIC_LABELS[key]?.unit;
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit && unit !== "%" ? ` ${unit}` : ""}`;
}

export function SummaryView({ summary }: { summary: InterviewSummary }) {
  const categoryScores = Object.entries(summary.scores ?? {}).map(([name, score]) => ({ name: humanize(name), score: Math.round(score) }));
  const answerScores = (summary.answers ?? [])
    .filter((answer) => typeof answer.score === "number")
    .map((answer, index) => ({ name: `Q${index + 1}`, score: Math.round(answer.score ?? 0) }));
  const metrics = Object.entries(summary.speaking_metrics ?? {}).filter(([, value]) => typeof value === "number") as [string, number][];

  return (
    <div className="grid gap-6">
      <div className="grid gap-4 sm:grid-cols-3">
        <StatCard label="Overall score" value={`${roundScore(summary.total_score)}/100`} data-testid="total-score" />
        {summary.behavioral_score != null && <StatCard label="Behavioural" value={`${roundScore(summary.behavioral_score)}/100`} />}
        {summary.technical_score != null && <StatCard label="Technical" value={`${roundScore(summary.technical_score)}/100`} />}
      </div>
      {summary.feedback && (
        <Card title="Overall feedback">
          <p className="whitespace-pre-wrap text-sm leading-relaxed text-slate-800">{summary.feedback}</p>
        </Card>
      )}
      <Card title={categoryScores.length >= 3 ? "Skills profile" : "Score per question"} data-testid="summary-chart">
        {categoryScores.length >= 3 ? (
          <div className="h-72" role="img" aria-label={`Radar chart: ${categoryScores.map((item) => `${item.name} ${item.score}`).join(", ")}`}>
            <ResponsiveContainer>
              <RadarChart data={categoryScores} outerRadius="75%">
                <PolarGrid stroke="#cbd5e1" />
                <PolarAngleAxis dataKey="name" tick={{ fontSize: 12, fill: "#334155" }} />
                <PolarRadiusAxis domain={[0, 100]} tick={{ fontSize: 10, fill: "#64748b" }} />
                <Radar dataKey="score" stroke="#4338ca" fill="#6366f1" fillOpacity={0.35} />
                <Tooltip />
              </RadarChart>
            </ResponsiveContainer>
          </div>
        ) : answerScores.length > 0 ? (
          <div className="h-64" role="img" aria-label={`Bar chart of scores per question: ${answerScores.map((item) => `${item.name} ${item.score}`).join(", ")}`}>
            <ResponsiveContainer>
              <BarChart data={answerScores} margin={{ left: -16 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                <XAxis dataKey="name" tick={{ fontSize: 12, fill: "#475569" }} />
                <YAxis domain={[0, 100]} tick={{ fontSize: 12, fill: "#475569" }} />
                <Tooltip />
                <Bar dataKey="score" fill="#4338ca" radius={[6, 6, 0, 0]} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        ) : (
          <EmptyState title="No per-question scores" />
        )}
      </Card>
      <div className="grid gap-6 md:grid-cols-3">
        <List title="Strengths" items={summary.strengths} testId="strengths" empty="No strengths recorded." />
        <List title="To improve" items={summary.weaknesses} testId="weaknesses" empty="Nothing flagged." />
        <List title="Recommendations" items={summary.recommendations} testId="recommendations" empty="No recommendations." />
      </div>
      {metrics.length > 0 && (
        <Card title="How you spoke" data-testid="speaking-metrics">
          <dl className="grid gap-4 sm:grid-cols-3">
            {metrics.map(([key, value]) => (
              <div key={key}>
                <dt className="text-sm text-slate-600">{METRIC_LABELS[key]?.label ?? humanize(key)}</dt>
                <dd className="text-lg font-semibold text-slate-900">{metricValue(key, value)}</dd>
              </div>
            ))}
          </dl>
        </Card>
      )}
      {summary.answers && summary.answers.length > 0 && (
        <Card title="Your answers">
          <ol className="flex flex-col gap-4">
            {summary.answers.map((answer, index) => (
              <li key={answer.question_id} className="border-b border-slate-100 pb-4 last:border-b-0">
                <p className="font-medium text-slate-900">{index + 1}. {answer.question ?? summary.questions?.find((q) => q.id === answer.question_id)?.content}</p>
                <p className="mt-1 whitespace-pre-wrap text-sm text-slate-700">{answer.content}</p>
                {answer.feedback && <p className="mt-2 text-sm text-indigo-900">{answer.feedback}</p>}
              </li>
            ))}
          </ol>
        </Card>
      )}
    </div>
  );
}

export function SummaryPage() {
  const { sessionId = "" } = useParams();
  const summary = useQuery({
    queryKey: ["summary", sessionId],
    queryFn: () => api.get<InterviewSummary>(`/interview/sessions/${sessionId}/summary`),
  });
  return (
    <>
      <PageHeader
        title="Interview report"
        description={summary.data?.job_title}
        actions={<Link to="/candidate/interviews/new" className="rounded-lg bg-indigo-700 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-800">Practise again</Link>}
      />
      <ErrorMessage error={summary.error} />
      {summary.isLoading ? <Loading label="Preparing your report…" /> : summary.data && <SummaryView summary={summary.data} />}
    </>
  );
}
