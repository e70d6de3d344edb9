import { useState } from "react";
import { Link } from "react-router-dom";
import { Badge, Button, Card, EmptyState, ErrorMessage, FormActions, Loading, Modal, PageHeader, SelectField, Table, TextArea, TextField, statusTone, td, th } from "../../components/ui";
import { useCreateJob, useJobTransition, useMyJobs } from "../../lib/queries";
import { ApiError } from "../../lib/errors";
import { formatDate, humanize } from "../../lib/format";

function CreateJobDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form, setForm] = useState({ title: "", company: "", location: "", employment_type: "full_time", experience_level: "mid", skills: "", description: "" });
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));
  const create = useCreateJob(
    () => ({
      ...form,
      title: form.title.trim(),
      description: form.description.trim(),
      skills: form.skills.split(",").map((skill) => skill.trim()).filter(Boolean),
    }),
    onClose,
  );
  const fieldError = (field: string) => (create.error instanceof ApiError ? create.error.forField(field) : undefined);
  return (
    <Modal open={open} onOpenChange={(next) => !next && onClose()} title="New job" description="Saved as a draft until you publish it.">
      <form className="grid gap-4" onSubmit={(event) => { event.preventDefault(); create.mutate(); }} data-testid="job-form">
        <ErrorMessage error={create.error} />
        <TextField label="Title" required value={form.title} onChange={update("title")} error={fieldError("title")} data-testid="job-form-title" />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label="Company" value={form.company} onChange={update("company")} />
          <TextField label="Location" value={form.location} onChange={update("location")} placeholder="Remote, Berlin…" />
          <SelectField label="Employment" value={form.employment_type} onChange={update("employment_type")}
            options={[{ value: "full_time", label: "Full time" }, { value: "part_time", label: "Part time" }, { value: "contract", label: "Contract" }, { value: "internship", label: "Internship" }]} />
          <SelectField label="Level" value={form.experience_level} onChange={update("experience_level")}
            options={[{ value: "entry", label: "Entry" }, { value: "mid", label: "Mid" }, { value: "senior", label: "Senior" }, { value: "lead", label: "Lead" }]} />
        </div>
        <TextField label="Required skills" hint="Separate with commas" value={form.skills} onChange={update("skills")} data-testid="job-form-skills" />
        <TextArea label="Description" required rows={6} value={form.description} onChange={update("description")} error={fieldError("description")} data-testid="job-form-description" />
        <FormActions onCancel={onClose} busy={create.isPending} submitLabel="Save draft" submitTestId="job-form-submit" />
      </form>
    </Modal>
  );
}

export function RecruiterJobsPage() {
  const [creating, setCreating] = useState(false);
  const jobs = useMyJobs();
  const transition = useJobTransition();

  return (
    <>
      <PageHeader title="Jobs" description="Post roles, publish them to candidates, and review who fits best."
        actions={<Button onClick={() => setCreating(true)} data-testid="new-job">New job</Button>} />
      <ErrorMessage error={jobs.error ?? transition.error} />
      <Card>
        {jobs.isLoading ? <Loading /> : (jobs.data?.items.length ?? 0) === 0 ? (
          <EmptyState title="No jobs yet">Create your first job to start receiving candidates.</EmptyState>
        ) : (
          <Table label="Your jobs">
            <thead><tr><th className={th}>Title</th><th className={th}>Status</th><th className={th}>Applicants</th><th className={th}>Created</th><th className={th}><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {jobs.data?.items.map((job) => (
                <tr key={job.id} data-testid="job-row">
                  <td className={td}>
                    <Link to={`/recruiter/jobs/${job.id}`} className="font-medium text-indigo-800 hover:underline">{job.title}</Link>
                    <p className="text-xs text-slate-600">{[job.company, job.location].filter(Boolean).join(" · ")}</p>
                  </td>
                  <td className={td}><Badge tone={statusTone(job.status)}><span data-testid="job-status">{humanize(job.status)}</span></Badge></td>
                  <td className={td}>{job.applications_count ?? "—"}</td>
                  <td className={td}>{formatDate(job.created_at)}</td>
                  <td className={`${td} text-right`}>
                    <div className="flex justify-end gap-2">
                      {job.status === "draft" && <Button size="sm" onClick={() => transition.mutate({ job, action: "publish" })} data-testid="publish-job">Publish</Button>}
                      {job.status === "published" && <Button size="sm" variant="secondary" onClick={() => transition.mutate({ job, action: "close" })} data-testid="close-job">Close</Button>}
                      <Link to={`/recruiter/jobs/${job.id}`} className="rounded-lg px-3 py-1.5 text-sm font-medium text-indigo-800 hover:bg-indigo-50">Candidates</Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <CreateJobDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
