import { humanize } from "../lib/format";
import type { Evaluation } from "../lib/types";
import { Spinner, cx } from "./ui";

function scoreTone(score: number): string {
  return score >= 70 ? "bg-emerald-100 text-emerald-900" : score >= 45 ? "bg-amber-100 text-amber-900" : "bg-red-100 text-red-900";
}

export function ScorePill({ score }: { score: number }) {
  return (
    <span className={cx("rounded-full px-2.5 py-0.5 text-sm font-semibold tabular-nums", scoreTone(score))} data-testid="feedback-score">
      {Math.round(score)}/100
    </span>
  );
}

/** The rubric as labelled bars with the reason for each value. */
export function RubricBars({ evaluation }: { evaluation: Evaluation }) {
  const rubric = Object.entries(evaluation.rubric ?? {});
  if (rubric.length === 0) return null;
  return (
    <dl className="mt-2 grid gap-1.5">
      {rubric.map(([criterion, value]) => (
        <div key={criterion}>
          <dt className="flex justify-between text-xs text-slate-700">
            <span>{humanize(criterion)}</span>
            <span className="tabular-nums">{Math.round(value)}</span>
          </dt>
          <dd>
            <div className="h-1.5 w-full overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
              <div className="h-full bg-indigo-600" style={{ width: `${Math.max(2, Math.min(100, value))}%` }} />
            </div>
            {evaluation.rubric_explanations?.[criterion] && (
              <p className="mt-0.5 text-xs text-slate-600">{evaluation.rubric_explanations[criterion]}</p>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Feedback on one answer, as it streams in: "evaluating" first, then score, strengths and what to improve. */
export function FeedbackCard({ question, evaluation, compact = false }: { question?: string; evaluation?: Evaluation; compact?: boolean }) {
  return (
    <article className="rounded-lg border border-slate-200 p-3 text-sm" data-testid="feedback" data-stage={evaluation ? "evaluated" : "received"}>
      <div className="flex items-start justify-between gap-2">
        {question && <p className="line-clamp-2 font-medium text-slate-900">{question}</p>}
        {evaluation && <ScorePill score={evaluation.score} />}
      </div>
      {!evaluation ? (
        <p className="mt-2"><Spinner small label="Evaluating your answer…" /></p>
      ) : (
        <>
          {evaluation.strengths && evaluation.strengths.length > 0 && (
            <ul className="mt-2 space-y-0.5 text-emerald-900" aria-label="Strengths">
              {evaluation.strengths.map((item) => <li key={item}>+ {item}</li>)}
            </ul>
          )}
          {evaluation.weaknesses && evaluation.weaknesses.length > 0 && (
            <ul className="mt-1 space-y-0.5 text-amber-900" aria-label="To improve">
              {evaluation.weaknesses.slice(0, compact ? 2 : undefined).map((item) => <li key={item}>– {item}</li>)}
            </ul>
          )}
          {evaluation.recommendations && evaluation.recommendations.length > 0 && (
            <p className="mt-2 text-slate-700"><span className="font-medium">Try next: </span>{evaluation.recommendations[0]}</p>
          )}
          {!compact && (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs font-medium text-indigo-700">How it was scored</summary>
              <RubricBars evaluation={evaluation} />
            </details>
          )}
        </>
      )}
    </article>
  );
}
