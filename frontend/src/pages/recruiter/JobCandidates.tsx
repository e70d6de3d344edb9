import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router-dom";
import { Badge, Button, Card, EmptyState, ErrorMessage, Loading, Modal, PageHeader, SelectField, TextField } from "../../components/ui";
import { api, type Page } from "../../lib/api";
import { humanize } from "../../lib/format";
import type { CandidateMatch, InterviewSession, Job } from "../../lib/types";

function ScoreBar({ label, value }: { label: string; value: number }) {
  const percent = Math.round(value <= 1 ? value * 100 : value);
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-700"><span>{label}</span><span>{percent}</span></div>
      <div className="mt-0.5 h-1.5 rounded-full bg-slate-200" aria-hidden="true">
        <div className="h-full rounded-full bg-indigo-600" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

export function ScheduleDialog({ job, candidate, onClose }: { job: Job; candidate: CandidateMatch; onClose: () => void }) {
  const navigate = useNavigate();
  const [when, setWhen] = useState("");
  const [mode, setMode] = useState("technical");
  const schedule = useMutation({
    mutationFn: () => api.post<InterviewSession>("/interview/sessions", {
      type: "live",
      mode,
      job_title: job.title,
      job_description: job.description,
      experience_level: job.experience_level ?? "mid",
      candidate_id: candidate.candidate_id,
      job_id: job.id,
      scheduled_at: when ? new Date(when).toISOString() : undefined,
      question_count: 5,
      duration_minutes: 45,
      focus_areas: job.required_skills ?? job.skills ?? [],
    }),
    onSuccess: () => navigate("/recruiter/interviews"),
  });
  return (
    <Modal open onOpenChange={(open) => !open && onClose()} title={`Interview ${candidate.candidate_name ?? "candidate"}`} description={job.title}>
      <form className="grid gap-4" onSubmit={(event) => { event.preventDefault(); schedule.mutate(); }}>
        <ErrorMessage error={schedule.error} />
        <TextField label="Date and time" type="datetime-local" required value={when} onChange={(event) => setWhen(event.target.value)} data-testid="schedule-when" />
        <SelectField label="Focus" value={mode} onChange={(event) => setMode(event.target.value)}
          options={[{ value: "technical", label: "Technical" }, { value: "behavioral", label: "Behavioural" }]} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>Cancel</Button>
          <Button type="submit" busy={schedule.isPending} data-testid="schedule-submit">Schedule</Button>
        </div>
      </form>
    </Modal>
  );
}

export function JobCandidatesPage() {
  const { jobId = "" } = useParams();
  const [scheduling, setScheduling] = useState<CandidateMatch | null>(null);
  const job = useQuery({ queryKey: ["job", jobId], queryFn: () => api.get<Job>(`/jobs/${jobId}`) });
  const matches = useQuery({
    queryKey: ["matches", jobId],
    queryFn: () => api.get<Page<CandidateMatch> | CandidateMatch[]>(`/matching/jobs/${jobId}/candidates`),
  });
  const ranked = (Array.isArray(matches.data) ? matches.data : matches.data?.items ?? []).slice().sort((a, b) => b.score - a.score);

  return (
    <>
      <PageHeader title={job.data?.title ?? "Candidates"} description="Candidates ranked by how well they fit this job, with the reasons." />
      <ErrorMessage error={job.error ?? matches.error} />
      {matches.isLoading ? <Loading /> : ranked.length === 0 ? (
        <EmptyState title="No candidates yet">Candidates appear here when they apply or match the job.</EmptyState>
      ) : (
        <ol className="grid gap-4" data-testid="ranked-candidates">
          {ranked.map((match, index) => (
            <li key={match.candidate_id}>
              <Card>
                <div className="flex flex-wrap items-start justify-between gap-4">
                  <div className="flex items-center gap-4">
                    <span className="flex h-10 w-10 items-center justify-center rounded-full bg-slate-100 font-semibold text-slate-800" aria-label={`Rank ${index + 1}`}>{index + 1}</span>
                    <div>
                      <p className="font-semibold text-slate-900" data-testid="candidate-name">{match.candidate_name ?? match.email ?? "Candidate"}</p>
                      {match.email && <p className="text-sm text-slate-600">{match.email}</p>}
                    </div>
                  </div>
                  <div className="flex items-center gap-3">
                    <Badge tone={match.score >= 70 ? "success" : match.score >= 40 ? "warning" : "neutral"}>
                      <span data-testid="candidate-score">{Math.round(match.score <= 1 ? match.score * 100 : match.score)}</span>&nbsp;/ 100
                    </Badge>
                    {job.data && <Button size="sm" onClick={() => setScheduling(match)} data-testid="schedule-interview">Schedule interview</Button>}
                  </div>
                </div>
                <div className="mt-4 grid gap-6 md:grid-cols-2">
                  <div className="grid content-start gap-2" aria-label="Score breakdown">
                    {Object.entries(match.breakdown ?? {}).map(([key, value]) => <ScoreBar key={key} label={humanize(key)} value={value} />)}
                  </div>
                  <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800" data-testid="match-reasons">
                    {(match.reasons ?? []).map((reason) => <li key={reason}>{reason}</li>)}
                  </ul>
                </div>
              </Card>
            </li>
          ))}
        </ol>
      )}
      {scheduling && job.data && <ScheduleDialog job={job.data} candidate={scheduling} onClose={() => setScheduling(null)} />}
    </>
  );
}
