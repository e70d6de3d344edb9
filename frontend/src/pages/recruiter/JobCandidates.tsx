import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Alert, Badge, Button, Card, EmptyState, ErrorMessage, FormActions, Loading, Modal, PageHeader, Pagination, SelectField, TextField } from "../../components/ui";
import { humanize } from "../../lib/format";
import { type RankingSort, useJob, useRanking } from "../../lib/queries";
import type { ExperienceLevel, Job, RankedCandidate, SessionMode } from "../../lib/types";
import { useCreateSession } from "../../lib/interviewQueries";
import { SendScreeningDialog } from "../screening/Recruiter";

const SORTS: { value: RankingSort; label: string }[] = [
  { value: "rank", label: "Best match first" },
  { value: "-rank", label: "Weakest match first" },
  { value: "skills", label: "Skills" },
  { value: "experience", label: "Relevant experience" },
  { value: "education", label: "Education" },
  { value: "text_similarity", label: "Closeness to the job" },
  { value: "interview", label: "Interview score" },
];

function ScoreBar({ label, value }: { label: string; value: number }) {
  const percent = Math.round(value);
  return (
    <div data-testid="breakdown-bar" data-component={label}>
      <div className="flex justify-between text-xs text-slate-700"><span>{humanize(label)}</span><span>{percent}</span></div>
      <div className="mt-0.5 h-1.5 rounded-full bg-slate-200" aria-hidden="true">
        <div className="h-full rounded-full bg-indigo-600" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

export function ScheduleDialog({ job, candidate, onClose }: { job: Job; candidate: RankedCandidate; onClose: () => void }) {
  const navigate = useNavigate();
  const [when, setWhen] = useState("");
  const [mode, setMode] = useState("technical");
  const schedule = useCreateSession(
    () => ({
      type: "live",
      mode: mode as SessionMode,
      job_title: job.title,
      job_description: job.description,
      experience_level: (job.experience_level ?? "mid") as ExperienceLevel,
      candidate_id: candidate.candidate_id,
      job_id: job.id,
      scheduled_at: when ? new Date(when).toISOString() : undefined,
      question_count: 5,
      duration_minutes: 45,
      focus_areas: job.required_skills,
    }),
    () => navigate("/recruiter/interviews"),
  );
  return (
    <Modal open onOpenChange={(open) => !open && onClose()} title={`Interview ${candidate.candidate_name ?? "candidate"}`} description={job.title}>
      <form className="grid gap-4" onSubmit={(event) => { event.preventDefault(); schedule.mutate(); }}>
        <ErrorMessage error={schedule.error} />
        <TextField label="Date and time" type="datetime-local" required value={when} onChange={(event) => setWhen(event.target.value)} data-testid="schedule-when" />
        <SelectField label="Focus" value={mode} onChange={(event) => setMode(event.target.value)}
          options={[{ value: "technical", label: "Technical" }, { value: "behavioral", label: "Behavioural" }]} />
        <FormActions onCancel={onClose} busy={schedule.isPending} submitLabel="Schedule" submitTestId="schedule-submit" />
      </form>
    </Modal>
  );
}

function CandidateCard({ match, job, onSchedule, onScreen }: { match: RankedCandidate; job?: Job; onSchedule: () => void; onScreen: () => void }) {
  const reasons = (match.reasons ?? []).filter((reason) => reason.component !== "flags");
  return (
    <Card data-testid="ranked-candidate">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="flex items-center gap-4">
          <span className="flex h-10 w-10 items-center justify-center rounded-full bg-slate-100 font-semibold text-slate-800" aria-label={`Rank ${match.rank}`} data-testid="candidate-rank">{match.rank}</span>
          <div>
            <p className="font-semibold text-slate-900" data-testid="candidate-name">{match.candidate_name ?? match.candidate_email ?? "Candidate"}</p>
            {match.candidate_email && <p className="text-sm text-slate-600">{match.candidate_email}</p>}
            <p className="text-sm text-slate-700" data-testid="candidate-recommendation">{match.recommendation}</p>
          </div>
        </div>
        <div className="flex items-center gap-3">
          <Badge tone={statusToneOf(match.application_status)}>{humanize(match.application_status)}</Badge>
          <Badge tone={match.total >= 70 ? "success" : match.total >= 40 ? "warning" : "neutral"}>
            <span data-testid="candidate-score">{Math.round(match.total)}</span>&nbsp;/ 100
          </Badge>
          {job && match.application_status === "screening" && <Button size="sm" variant="secondary" onClick={onScreen} data-testid="send-screening">Send screening interview</Button>}
          {job && <Button size="sm" onClick={onSchedule} data-testid="schedule-interview">Schedule interview</Button>}
        </div>
      </div>
      {(match.flags ?? []).length > 0 && (
        <div className="mt-3">
          <Alert tone="warning" title="Check this resume by hand" data-testid="candidate-flags">
            <ul className="list-disc pl-5">{(match.flags ?? []).map((flag) => <li key={flag.code} data-flag={flag.code}>{flag.message}</li>)}</ul>
          </Alert>
        </div>
      )}
      <div className="mt-4 grid gap-6 md:grid-cols-[16rem_1fr]">
        <div className="grid content-start gap-2" aria-label="Score breakdown">
          {Object.entries(match.breakdown).map(([key, value]) => <ScoreBar key={key} label={key} value={value} />)}
        </div>
        <ul className="space-y-1.5 text-sm text-slate-800" data-testid="match-reasons">
          {reasons.map((reason, index) => (
            <li key={index} data-component={reason.component} data-testid="match-reason">
              <span className="mr-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">{humanize(reason.component)}</span>
              {reason.text}
            </li>
          ))}
        </ul>
      </div>
    </Card>
  );
}

function statusToneOf(status: string) {
  return status === "rejected" ? "danger" : status === "offer" ? "success" : status === "applied" ? "neutral" : "info";
}

export function JobCandidatesPage() {
  const { jobId = "" } = useParams();
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<RankingSort>("rank");
  const [scheduling, setScheduling] = useState<RankedCandidate | null>(null);
  const [screening, setScreening] = useState<RankedCandidate | null>(null);
  const job = useJob(jobId);
  const ranking = useRanking(jobId, page, sort);
  const data = ranking.data;
  const progress = data?.progress;

  return (
    <>
      <PageHeader title={job.data?.title ?? "Candidates"} description="Applicants ranked by how well their resume shows what this job needs; every reason quotes the resume line it rests on."
        actions={<div className="flex gap-2">
          <Link to={`/recruiter/jobs/${jobId}/screenings`} className="rounded-lg px-3 py-1.5 text-sm font-medium text-indigo-800 hover:bg-indigo-50" data-testid="open-screenings">Screenings</Link>
          <Link to={`/recruiter/jobs/${jobId}/fairness`} className="rounded-lg px-3 py-1.5 text-sm font-medium text-indigo-800 hover:bg-indigo-50" data-testid="open-fairness">Fairness audit</Link>
        </div>} />
      <ErrorMessage error={job.error ?? ranking.error} />
      <div className="mb-4 flex flex-wrap items-end justify-between gap-4">
        <p className="text-sm text-slate-700" data-testid="ranking-status" data-status={data?.status ?? "loading"}>
          {data ? `${data.total} ranked of ${data.applicants} applicants` : ""}
          {data && data.status !== "ready" && (progress ? ` · updating ${Math.round(progress.percent)}%${progress.eta_seconds != null ? `, about ${Math.ceil(progress.eta_seconds)} s left` : ""}` : " · updating…")}
        </p>
        <SelectField label="Sort by" value={sort} onChange={(event) => { setSort(event.target.value as RankingSort); setPage(1); }} options={SORTS} data-testid="ranking-sort" />
      </div>
      {progress && data?.status !== "ready" && (
        <div className="mb-4 h-2 rounded-full bg-slate-200" role="progressbar" aria-valuenow={Math.round(progress.percent)} aria-valuemin={0} aria-valuemax={100} aria-label="Ranking progress">
          <div className="h-full rounded-full bg-indigo-600" style={{ width: `${progress.percent}%` }} />
        </div>
      )}
      {ranking.isLoading ? <Loading /> : !data || data.items.length === 0 ? (
        data && data.status !== "ready" ? <Loading label="Ranking the applicants…" /> :
        <EmptyState title="No candidates yet">Candidates appear here when they apply.</EmptyState>
      ) : (
        <>
          <ol className="grid gap-4" data-testid="ranked-candidates">
            {data.items.map((match) => (
              <li key={match.application_id}><CandidateCard match={match} job={job.data} onSchedule={() => setScheduling(match)} onScreen={() => setScreening(match)} /></li>
            ))}
          </ol>
          <div className="mt-4"><Pagination page={data.page} pages={data.pages} onPage={setPage} /></div>
        </>
      )}
      {data && data.unscored.length > 0 && (
        <p className="mt-4 text-sm text-slate-600" data-testid="unscored">{data.unscored.length} application(s) not ranked: {data.unscored.map((item) => humanize(item.reason)).join(", ")}</p>
      )}
      {screening && <SendScreeningDialog applicationId={screening.application_id} candidateName={screening.candidate_name ?? "the candidate"} onClose={() => setScreening(null)} />}
      {scheduling && job.data && <ScheduleDialog job={job.data} candidate={scheduling} onClose={() => setScheduling(null)} />}
    </>
  );
}
