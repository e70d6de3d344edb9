import { Link, useParams } from "react-router-dom";
import {
  Bar, BarChart, CartesianGrid, Cell, PolarAngleAxis, PolarGrid, PolarRadiusAxis, Radar, RadarChart,
  ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";
import { RubricBars, ScorePill } from "../../components/Feedback";
import { Alert, Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader, StatCard, statusTone } from "../../components/ui";
import { useAuth } from "../../lib/auth";
import { formatDate, humanize, roundScore } from "../../lib/format";
import type { InterviewSession, SpeakingMetrics } from "../../lib/types";
import { useSummary } from "../../lib/interviewQueries";
import { describeEnd } from "./InterviewRoom";

const METRICS: { key: keyof SpeakingMetrics; label: string; format: (value: number) => string }[] = [
  { key: "words_per_minute", label: "Speaking pace", format: (value) => `${Math.round(value)} words/min` },
  { key: "filler_rate", label: "Filler words", format: (value) => `${(value * 100).toFixed(1)}% of words` },
  { key: "pause_count", label: "Pauses", format: (value) => String(Math.round(value)) },
  { key: "longest_pause_s", label: "Longest pause", format: (value) => `${value.toFixed(1)} s` },
  { key: "talk_time_s", label: "Talk time", format: (value) => `${Math.round(value)} s` },
  { key: "answers_spoken", label: "Answers spoken", format: (value) => String(value) },
];

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

function barColour(score: number): string {
  return score >= 70 ? "#047857" : score >= 45 ? "#b45309" : "#b91c1c";
}

function FlagsLink({ sessionId }: { sessionId: string }) {
  return (
    <Link to={`/candidate/interviews/${sessionId}/flags`} className="font-medium text-indigo-700 hover:underline" data-testid="flags-link">
      Proctoring flags: see the evidence, contest a flag
    </Link>
  );
}

/** The report of a finished interview: scores, a chart per question, a rubric profile, and every answer. */
export function SummaryView({ session }: { session: InterviewSession }) {
  const result = session.result;
  if (!result) {
    return (
      <div className="grid gap-4">
        <Card data-testid="no-result">
          <EmptyState title="No scores for this interview">
            {session.status === "terminated" ? describeEnd(session.terminated_reason ?? undefined) : "No answers were recorded."}
          </EmptyState>
        </Card>
        <FlagsLink sessionId={session.session_id} />
      </div>
    );
  }
  const perQuestion = (result.per_question ?? []).map((item, index) => ({
    name: `Q${index + 1}`,
    score: Math.round(item.score),
    question: item.question_text,
    followUp: item.is_follow_up,
  }));
  // The rubric averaged over every evaluated answer: where this candidate is strong or weak overall.
  const rubricTotals: Record<string, number[]> = {};
  for (const answer of session.answers ?? []) {
    for (const [criterion, value] of Object.entries(answer.evaluation?.rubric ?? {})) {
      (rubricTotals[criterion] ??= []).push(value);
    }
  }
  const profile = Object.entries(rubricTotals).map(([criterion, values]) => ({
    name: humanize(criterion),
    score: Math.round(values.reduce((sum, value) => sum + value, 0) / values.length),
  }));
  const metrics = METRICS.filter((metric) => typeof result.speaking_metrics?.[metric.key] === "number");
  const fillers = Object.entries((result.speaking_metrics?.filler_words ?? {}) as Record<string, number>);
  const questionText = (id: string) => session.questions?.find((question) => question.id === id)?.text;

  return (
    <div className="grid gap-6">
      {session.status === "terminated" && (
        <Alert tone="warning" title="This interview ended early">{describeEnd(session.terminated_reason ?? undefined)}</Alert>
      )}
      <FlagsLink sessionId={session.session_id} />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <StatCard label="Overall score" value={`${roundScore(result.total_score)}/100`} data-testid="total-score" />
        {result.behavioral_score != null && <StatCard label="Behavioural" value={`${roundScore(result.behavioral_score)}/100`} data-testid="behavioral-score" />}
        {result.technical_score != null && <StatCard label="Technical" value={`${roundScore(result.technical_score)}/100`} data-testid="technical-score" />}
        {result.communication_score != null && <StatCard label="Communication" value={`${roundScore(result.communication_score)}/100`} data-testid="communication-score" />}
      </div>
      {result.summary && (
        <Card title="Summary" data-testid="summary-text">
          <p className="text-sm leading-relaxed text-slate-800">{result.summary}</p>
          {typeof result.answered === "number" && typeof result.asked === "number" && (
            <p className="mt-2 text-xs text-slate-600">{result.answered} of {result.asked} questions answered.</p>
          )}
        </Card>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Score per question" data-testid="summary-chart">
          {perQuestion.length > 0 ? (
            <div className="h-64" role="img" aria-label={`Bar chart of scores per question: ${perQuestion.map((item) => `${item.name} ${item.score}`).join(", ")}`}>
              <ResponsiveContainer>
                <BarChart data={perQuestion} margin={{ top: 8, right: 8, left: -16 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                  <XAxis dataKey="name" tick={{ fontSize: 12, fill: "#475569" }} />
                  <YAxis domain={[0, 100]} tick={{ fontSize: 12, fill: "#475569" }} />
                  <Tooltip formatter={(value: number) => [`${value}/100`, "Score"]}
                    labelFormatter={(_label, payload) => String(payload?.[0]?.payload?.question ?? "")} />
                  <Bar dataKey="score" radius={[6, 6, 0, 0]} isAnimationActive={false}>
                    {perQuestion.map((item) => <Cell key={item.name} fill={barColour(item.score)} />)}
                  </Bar>
                </BarChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <EmptyState title="No per-question scores" />
          )}
        </Card>
        <Card title="Answer quality profile" data-testid="profile-chart">
          {profile.length >= 3 ? (
            <div className="h-64" role="img" aria-label={`Radar chart: ${profile.map((item) => `${item.name} ${item.score}`).join(", ")}`}>
              <ResponsiveContainer>
                <RadarChart data={profile} outerRadius="70%">
                  <PolarGrid stroke="#cbd5e1" />
                  <PolarAngleAxis dataKey="name" tick={{ fontSize: 11, fill: "#334155" }} />
                  <PolarRadiusAxis domain={[0, 100]} tick={{ fontSize: 10, fill: "#64748b" }} />
                  <Radar dataKey="score" stroke="#4338ca" fill="#6366f1" fillOpacity={0.35} isAnimationActive={false} />
                  <Tooltip />
                </RadarChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <EmptyState title="Not enough scored criteria for a profile" />
          )}
        </Card>
      </div>
      <div className="grid gap-6 md:grid-cols-3">
        <List title="Strengths" items={result.strengths} testId="strengths" empty="No strengths recorded." />
        <List title="To improve" items={result.weaknesses} testId="weaknesses" empty="Nothing flagged." />
        <List title="Recommendations" items={result.recommendations} testId="recommendations" empty="No recommendations." />
      </div>
      {metrics.length > 0 && (
        <Card title="How you spoke" data-testid="speaking-metrics">
          <dl className="grid gap-4 sm:grid-cols-3">
            {metrics.map((metric) => (
              <div key={String(metric.key)}>
                <dt className="text-sm text-slate-600">{metric.label}</dt>
                <dd className="text-lg font-semibold text-slate-900">{metric.format(result.speaking_metrics![metric.key] as number)}</dd>
              </div>
            ))}
          </dl>
          {fillers.length > 0 && (
            <p className="mt-3 text-sm text-slate-700">Fillers you used: {fillers.map(([word, count]) => `“${word}” ×${count}`).join(", ")}</p>
          )}
        </Card>
      )}
      {session.answers && session.answers.length > 0 && (
        <Card title="Your answers" data-testid="answers">
          <ol className="flex flex-col gap-4">
            {session.answers.map((answer, index) => (
              <li key={answer.question_id} className="border-b border-slate-100 pb-4 last:border-b-0" data-testid="answer-review">
                <div className="flex items-start justify-between gap-3">
                  <p className="font-medium text-slate-900">{index + 1}. {questionText(answer.question_id) ?? "Question"}</p>
                  {answer.evaluation && <ScorePill score={answer.evaluation.score} />}
                </div>
                <p className="mt-1 text-xs text-slate-500">{answer.type === "voice" ? "Spoken answer" : "Typed answer"} · {formatDate(answer.submitted_at)}</p>
                <p className="mt-1 whitespace-pre-wrap text-sm text-slate-700">{answer.content}</p>
                {answer.evaluation && (
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm font-medium text-indigo-700">Feedback on this answer</summary>
                    {answer.evaluation.weaknesses && answer.evaluation.weaknesses.length > 0 && (
                      <ul className="mt-2 list-disc pl-5 text-sm text-amber-900">{answer.evaluation.weaknesses.map((item) => <li key={item}>{item}</li>)}</ul>
                    )}
                    <RubricBars evaluation={answer.evaluation} />
                  </details>
                )}
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
  const { user } = useAuth();
  const summary = useSummary(sessionId);
  return (
    <>
      <PageHeader
        title="Interview report"
        description={summary.data ? `${summary.data.job_title} · ${humanize(summary.data.mode)} · ${formatDate(summary.data.completed_at)}` : undefined}
        actions={
          <div className="flex items-center gap-3">
            {summary.data && <Badge tone={statusTone(summary.data.status)}>{humanize(summary.data.status)}</Badge>}
            {user?.role === "candidate" && (
              <Link to="/candidate/interviews/new" className="rounded-lg bg-indigo-700 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-800">Practise again</Link>
            )}
          </div>
        }
      />
      <ErrorMessage error={summary.error} />
      {summary.isLoading ? <Loading label="Preparing your report…" /> : summary.data && <SummaryView session={summary.data} />}
    </>
  );
}
