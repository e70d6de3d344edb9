import { useState } from "react";
import { Badge, Button, Card, EmptyState, ErrorMessage, FormActions, Loading, Modal, PageHeader, Pagination, SelectField, TextArea, TextField, statusTone } from "../../components/ui";
import { useApplications, useApply, useJobSearch } from "../../lib/queries";
import { formatDate, humanize } from "../../lib/format";
import type { Job } from "../../lib/types";

function ApplyDialog({ job, onClose }: { job: Job; onClose: () => void }) {
  const [coverLetter, setCoverLetter] = useState("");
  const apply = useApply(job.id, coverLetter);
  return (
    <Modal open onOpenChange={(open) => !open && onClose()} title={`Apply: ${job.title}`} description={job.company}>
      {apply.isSuccess ? (
        <div className="flex flex-col gap-4" data-testid="apply-success">
          <p className="text-sm text-slate-800">Your application was sent. Track it under Applications.</p>
          <Button onClick={onClose} className="self-end">Close</Button>
        </div>
      ) : (
        <form className="flex flex-col gap-4" onSubmit={(event) => { event.preventDefault(); apply.mutate(); }}>
          <ErrorMessage error={apply.error} />
          <TextArea label="Cover note (optional)" rows={5} value={coverLetter} onChange={(event) => setCoverLetter(event.target.value)} />
          <FormActions onCancel={onClose} busy={apply.isPending} submitLabel="Send application" submitTestId="apply-submit" />
        </form>
      )}
    </Modal>
  );
}

export function JobSearchPage() {
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [level, setLevel] = useState("");
  const [page, setPage] = useState(1);
  const [applying, setApplying] = useState<Job | null>(null);
  const jobs = useJobSearch(query, level, page);

  return (
    <>
      <PageHeader title="Find a job" description="Search open roles and apply with your CandidateX profile." />
      <Card className="mb-6">
        <form className="grid items-end gap-4 sm:grid-cols-[1fr_12rem_auto]" role="search"
          onSubmit={(event) => { event.preventDefault(); setPage(1); setQuery(search.trim()); }}>
          <TextField label="Keywords" placeholder="Title, skill or company" value={search} onChange={(event) => setSearch(event.target.value)} data-testid="job-search" />
          <SelectField label="Level" value={level} onChange={(event) => { setLevel(event.target.value); setPage(1); }}
            options={[{ value: "", label: "Any level" }, { value: "entry", label: "Entry" }, { value: "mid", label: "Mid" }, { value: "senior", label: "Senior" }, { value: "lead", label: "Lead" }]} />
          <Button type="submit" data-testid="job-search-submit">Search</Button>
        </form>
      </Card>
      <ErrorMessage error={jobs.error} />
      {jobs.isLoading ? <Loading /> : (jobs.data?.items.length ?? 0) === 0 ? (
        <EmptyState title="No jobs match your search">Try fewer or different keywords.</EmptyState>
      ) : (
        <ul className="grid gap-4" data-testid="job-results">
          {jobs.data?.items.map((job) => (
            <li key={job.id}>
              <Card>
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div>
                    <h2 className="text-lg font-semibold text-slate-900" data-testid="job-title">{job.title}</h2>
                    <p className="text-sm text-slate-600">{[job.company, job.location, humanize(job.employment_type), humanize(job.experience_level)].filter(Boolean).join(" · ")}</p>
                  </div>
                  <Button onClick={() => setApplying(job)} data-testid="apply-button">Apply<span className="sr-only"> for {job.title}</span></Button>
                </div>
                <p className="mt-3 line-clamp-3 text-sm text-slate-700">{job.description}</p>
                <ul className="mt-3 flex flex-wrap gap-1.5">
                  {job.required_skills.map((skill) => <li key={skill}><Badge tone="info">{skill}</Badge></li>)}
                </ul>
              </Card>
            </li>
          ))}
        </ul>
      )}
      {jobs.data && <Pagination page={jobs.data.page} pages={jobs.data.pages} onPage={setPage} />}
      {applying && <ApplyDialog job={applying} onClose={() => setApplying(null)} />}
    </>
  );
}

export function ApplicationsPage() {
  const applications = useApplications();
  return (
    <>
      <PageHeader title="Your applications" />
      <ErrorMessage error={applications.error} />
      {applications.isLoading ? <Loading /> : (applications.data?.items.length ?? 0) === 0 ? (
        <EmptyState title="You haven't applied to any jobs yet" />
      ) : (
        <Card>
          <ul className="divide-y divide-slate-100" data-testid="application-list">
            {applications.data?.items.map((application) => (
              <li key={application.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div>
                  <p className="font-medium text-slate-900">{application.job_title ?? "Job"}</p>
                  <p className="text-sm text-slate-600">Applied {formatDate(application.created_at)}</p>
                </div>
                <Badge tone={statusTone(application.status)}>{humanize(application.status)}</Badge>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
}
