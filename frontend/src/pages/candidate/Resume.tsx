import { useRef, useState } from "react";
import { Alert, Badge, Button, Card, EmptyState, ErrorMessage, Loading, PageHeader, SelectField, TextArea, TextField, statusTone } from "../../components/ui";
import { errorText } from "../../lib/errors";
import { downloadFile, useAnalyzeResume, usePublishedJobs, useResumes, useUploadResume } from "../../lib/queries";
import { formatDate, humanize } from "../../lib/format";
import type { Resume, ResumeAnalysis } from "../../lib/types";

const ACCEPTED = ".pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain";
const MAX_BYTES = 10 * 1024 * 1024;

function Chips({ items, tone }: { items?: string[]; tone: "success" | "warning" | "info" }) {
  if (!items || items.length === 0) return <p className="text-sm text-slate-600">None</p>;
  return (
    <ul className="flex flex-wrap gap-1.5">
      {items.map((item) => <li key={item}><Badge tone={tone}>{item}</Badge></li>)}
    </ul>
  );
}

function AtsReport({ resume }: { resume: Resume }) {
  const jobs = usePublishedJobs();
  const [jobId, setJobId] = useState("");
  const [jobTitle, setJobTitle] = useState("");
  const [jobDescription, setJobDescription] = useState("");
  const analyze = useAnalyzeResume(resume.id);
  const analysis: ResumeAnalysis | null = analyze.data?.ats_report ?? resume.ats_report;
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const canAnalyse = Boolean(jobId) || jobTitle.trim().length >= 2;
  const degree = analysis?.highest_degree ?? String((resume.parsed as Record<string, unknown> | null)?.highest_degree ?? "");
  const years = analysis?.experience_years ?? (resume.parsed as Record<string, unknown> | null)?.years_experience as number | null | undefined;

  async function download() {
    setDownloadError(null);
    try {
      await downloadFile(`/resume/${resume.id}/download`, resume.filename);
    } catch (caught) {
      setDownloadError(errorText(caught));
    }
  }

  return (
    <Card title={`ATS report · ${resume.filename}`} data-testid="ats-report"
      actions={<Button variant="secondary" size="sm" onClick={download}>Download original</Button>}>
      {downloadError && <p className="mb-3 text-sm text-red-700" role="alert">{downloadError}</p>}
      {(resume.flags ?? []).length > 0 && (
        <div className="mb-4"><Alert tone="warning" title="Recruiters are told about this" data-testid="resume-flags">
          <ul className="list-disc pl-5">{(resume.flags ?? []).map((flag) => <li key={flag.code}>{flag.message}</li>)}</ul>
        </Alert></div>
      )}
      <div className="grid gap-6 md:grid-cols-[10rem_1fr]">
        <div className="flex flex-col items-center justify-center rounded-xl bg-indigo-50 p-4">
          <span className="text-4xl font-bold text-indigo-800" data-testid="ats-score">{analysis ? Math.round(analysis.score) : "—"}</span>
          <span className="text-sm text-indigo-900">ATS score / 100</span>
          {analysis?.job_title && <span className="mt-1 text-center text-xs text-indigo-900" data-testid="ats-job">for {analysis.job_title}</span>}
        </div>
        <div className="grid gap-4">
          <div>
            <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Skills found</h3>
            <Chips items={resume.skills} tone="info" />
          </div>
          {analysis && (
            <>
              <div>
                <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Skills the job asks for that you show</h3>
                <Chips items={analysis.matched_skills} tone="success" />
              </div>
              <div data-testid="ats-missing-required">
                <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Missing required skills</h3>
                <Chips items={analysis.missing_required} tone="warning" />
              </div>
              {(analysis.missing_preferred ?? []).length > 0 && (
                <div data-testid="ats-missing-preferred">
                  <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Missing preferred skills (not required)</h3>
                  <Chips items={analysis.missing_preferred} tone="info" />
                </div>
              )}
              <div>
                <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Keywords matched</h3>
                <Chips items={analysis.keyword_matches} tone="success" />
              </div>
              {analysis.suggestions.length > 0 && (
                <div>
                  <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Suggestions</h3>
                  <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800" data-testid="ats-suggestions">
                    {analysis.suggestions.map((suggestion) => <li key={suggestion}>{suggestion}</li>)}
                  </ul>
                </div>
              )}
            </>
          )}
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <div><dt className="text-slate-600">Experience (dated positions)</dt><dd className="font-medium" data-testid="ats-experience">{years != null ? `${years} years` : "—"}</dd></div>
            <div><dt className="text-slate-600">Highest degree</dt><dd className="font-medium" data-testid="ats-education">{degree && degree !== "none" ? humanize(degree) : "—"}</dd></div>
          </dl>
        </div>
      </div>
      <form className="mt-6 grid gap-3 border-t border-slate-100 pt-4" onSubmit={(event) => {
        event.preventDefault();
        analyze.mutate(jobId ? { job_id: jobId } : { job_title: jobTitle.trim(), job_description: jobDescription.trim() || undefined });
      }}>
        <SelectField label="Compare with a job" value={jobId} onChange={(event) => setJobId(event.target.value)} data-testid="ats-job-select"
          options={[{ value: "", label: "A job I describe below" }, ...(jobs.data?.items ?? []).map((job) => ({ value: job.id, label: `${job.title}${job.company ? ` · ${job.company}` : ""}` }))]} />
        {!jobId && (
          <>
            <TextField label="Job title" value={jobTitle} onChange={(event) => setJobTitle(event.target.value)} data-testid="ats-job-title" />
            <TextArea label="Job description" rows={3} value={jobDescription} onChange={(event) => setJobDescription(event.target.value)}
              hint="Paste a posting to see which of its skills and keywords your resume shows." data-testid="ats-job-description" />
          </>
        )}
        <ErrorMessage error={analyze.error} />
        <p className="text-xs text-slate-600">Your ATS checks are private: recruiters never see them.</p>
        <Button type="submit" variant="secondary" className="self-start" busy={analyze.isPending} disabled={!canAnalyse} data-testid="ats-analyze">Analyse</Button>
      </form>
    </Card>
  );
}

export function ResumePage() {
  const input = useRef<HTMLInputElement>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const resumes = useResumes();
  const list = resumes.data?.items ?? [];
  const upload = useUploadResume((resume) => setSelected(resume.id));

  function choose(file: File | undefined) {
    setLocalError(null);
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setLocalError("That file is larger than 10 MB. Please upload a smaller PDF, Word or text file.");
      return;
    }
    upload.mutate(file);
  }

  const current = list.find((resume) => resume.id === selected) ?? list[0];

  return (
    <>
      <PageHeader title="Resume" description="Upload your resume to see how applicant tracking systems read it." />
      <div className="grid gap-6 lg:grid-cols-[1fr_2fr]">
        <div className="grid content-start gap-6">
          <Card title="Upload">
            <div
              className="flex flex-col items-center gap-3 rounded-lg border-2 border-dashed border-slate-300 p-6 text-center"
              onDragOver={(event) => event.preventDefault()}
              onDrop={(event) => { event.preventDefault(); choose(event.dataTransfer.files[0]); }}
            >
              <p className="text-sm text-slate-700">Drop a PDF, Word (.docx) or text file here, up to 10 MB.</p>
              <input ref={input} type="file" accept={ACCEPTED} className="sr-only" id="resume-file" aria-label="Resume file" data-testid="resume-file"
                onChange={(event) => { choose(event.target.files?.[0]); event.target.value = ""; }} />
              <Button onClick={() => input.current?.click()} busy={upload.isPending} data-testid="resume-upload">Choose a file</Button>
            </div>
            {localError && <p className="mt-3 text-sm text-red-700" role="alert">{localError}</p>}
            <div className="mt-3"><ErrorMessage error={upload.error} /></div>
          </Card>
          <Card title="Your resumes">
            <ErrorMessage error={resumes.error} />
            {resumes.isLoading ? <Loading /> : list.length === 0 ? (
              <EmptyState title="No resumes yet" />
            ) : (
              <ul className="divide-y divide-slate-100" data-testid="resume-list">
                {list.map((resume) => (
                  <li key={resume.id}>
                    <button className="flex w-full items-center justify-between gap-2 py-2.5 text-left hover:bg-slate-50"
                      onClick={() => setSelected(resume.id)} aria-current={current?.id === resume.id}>
                      <span>
                        <span className="block text-sm font-medium text-slate-900">{resume.filename}</span>
                        <span className="block text-xs text-slate-600">{formatDate(resume.created_at)}</span>
                      </span>
                      <Badge tone={statusTone(resume.status)}>{humanize(resume.status ?? "processed")}</Badge>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        {current ? (
          current.status === "pending" ? <Card><Loading label="Reading your resume…" /></Card>
            : current.status === "failed" ? <Card><p role="alert" className="text-sm text-red-700" data-testid="resume-failed">We couldn't read this file{current.error?.message ? `: ${current.error.message}` : ""}. Try saving it as a PDF or Word document and upload it again.</p></Card>
            : <AtsReport key={current.id} resume={current} />
        ) : (
          <Card><EmptyState title="Your ATS report appears here">Upload a resume to get started.</EmptyState></Card>
        )}
      </div>
    </>
  );
}
