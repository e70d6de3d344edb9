import { Link } from "react-router-dom";
import { Badge, Card, EmptyState, ErrorMessage, Loading, PageHeader } from "../../components/ui";
import { ApiError } from "../../lib/errors";
import { humanize } from "../../lib/format";
import { useRecommendations } from "../../lib/queries";

export function RecommendationsPage() {
  const recommendations = useRecommendations();
  const data = recommendations.data;
  const noResume = recommendations.error instanceof ApiError && recommendations.error.code === "no_resume";
  return (
    <>
      <PageHeader title="Recommended jobs" description="Open jobs that fit what your resume shows, best first, with the reasons." />
      {noResume ? (
        <EmptyState title="Upload a resume first"><Link className="text-indigo-800 underline" to="/candidate/resume">Upload your resume</Link> to get recommendations.</EmptyState>
      ) : <ErrorMessage error={recommendations.error} />}
      {recommendations.isLoading ? <Loading /> : data && (
        data.items.length === 0 ? (
          data.status === "ready" ? <EmptyState title="No open jobs right now" /> : <Loading label="Finding jobs that fit…" />
        ) : (
          <ol className="grid gap-4" data-testid="recommended-jobs" data-status={data.status}>
            {data.items.map((job) => (
              <li key={job.job_id}>
                <Card data-testid="recommended-job">
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div>
                      <h2 className="text-lg font-semibold text-slate-900" data-testid="recommended-title">{job.title}</h2>
                      <p className="text-sm text-slate-600">{[job.company, job.location, job.remote ? "Remote" : null].filter(Boolean).join(" · ")}</p>
                      <p className="mt-1 text-sm text-slate-700">{job.recommendation}</p>
                    </div>
                    <Badge tone={job.total >= 70 ? "success" : job.total >= 40 ? "warning" : "neutral"}><span data-testid="recommended-score">{Math.round(job.total)}</span>&nbsp;/ 100</Badge>
                  </div>
                  {job.matched_skills.length > 0 && (
                    <ul className="mt-3 flex flex-wrap gap-1.5" aria-label="Skills you show">
                      {job.matched_skills.map((skill) => <li key={skill}><Badge tone="success">{skill}</Badge></li>)}
                    </ul>
                  )}
                  <ul className="mt-3 space-y-1 text-sm text-slate-800" data-testid="recommended-reasons">
                    {(job.reasons ?? []).filter((reason) => reason.component !== "flags").slice(0, 6).map((reason, index) => (
                      <li key={index}><span className="mr-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">{humanize(reason.component)}</span>{reason.text}</li>
                    ))}
                  </ul>
                  <Link to="/candidate/jobs" className="mt-3 inline-block text-sm font-medium text-indigo-800 hover:underline">Find it in Jobs to apply</Link>
                </Card>
              </li>
            ))}
          </ol>
        )
      )}
    </>
  );
}
