import { useRef, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Card, EmptyState, ErrorMessage, Loading, PageHeader, TextArea, statusTone } from "../../components/ui";
import { api, tokenStore, type Page } from "../../lib/api";
import { ApiError, errorText } from "../../lib/errors";
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
  const queryClient = useQueryClient();
  const [jobDescription, setJobDescription] = useState("");
  const analyze = useMutation({
    mutationFn: () => api.post<ResumeAnalysis | Resume>(`/resume/${resume.id}/analyze`, { job_description: jobDescription.trim() || undefined }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["resumes"] }),
  });
  const fresh = analyze.data && ("analysis_result" in analyze.data ? analyze.data.analysis_result : (analyze.data as ResumeAnalysis));
  const analysis = fresh ?? resume.analysis_result ?? {};
  const score = analysis.overall_score ?? resume.ats_score;
  const [downloadError, setDownloadError] = useState<string | null>(null);

  async function download() {
    setDownloadError(null);
    try {
      const response = await fetch(`/resume/${resume.id}/download`, {
        headers: { Authorization: `Bearer ${tokenStore.get()?.access_token ?? ""}` },
      });
      if (!response.ok) throw new ApiError(response.status, String(response.status), "We couldn't download that file. Please try again.");
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement("a"), { href: url, download: resume.filename });
      link.click();
      URL.revokeObjectURL(url);
    } catch (caught) {
      setDownloadError(errorText(caught));
    }
  }

  return (
    <Card title={`ATS report · ${resume.filename}`} data-testid="ats-report"
      actions={<Button variant="secondary" size="sm" onClick={download}>Download original</Button>}>
      {downloadError && <p className="mb-3 text-sm text-red-700" role="alert">{downloadError}</p>}
      <div className="grid gap-6 md:grid-cols-[10rem_1fr]">
        <div className="flex flex-col items-center justify-center rounded-xl bg-indigo-50 p-4">
          <span className="text-4xl font-bold text-indigo-800" data-testid="ats-score">{score != null ? Math.round(score) : "—"}</span>
          <span className="text-sm text-indigo-900">ATS score / 100</span>
        </div>
        <div className="grid gap-4">
          <div>
            <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Skills found</h3>
            <Chips items={resume.skills} tone="info" />
          </div>
          <div>
            <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Keywords matched</h3>
            <Chips items={analysis.keyword_matches} tone="success" />
          </div>
          <div>
            <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Missing skills</h3>
            <Chips items={analysis.missing_skills} tone="warning" />
          </div>
          {analysis.suggestions && analysis.suggestions.length > 0 && (
            <div>
              <h3 className="mb-1.5 text-sm font-semibold text-slate-900">Suggestions</h3>
              <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800" data-testid="ats-suggestions">
                {analysis.suggestions.map((suggestion) => <li key={suggestion}>{suggestion}</li>)}
              </ul>
            </div>
          )}
          <dl className="grid grid-cols-2 gap-3 text-sm">
            <div><dt className="text-slate-600">Experience</dt><dd className="font-medium">{resume.experience_years != null ? `${resume.experience_years} years` : "—"}</dd></div>
            <div><dt className="text-slate-600">Education</dt><dd className="font-medium">{resume.education || "—"}</dd></div>
          </dl>
        </div>
      </div>
      <form className="mt-6 flex flex-col gap-3 border-t border-slate-100 pt-4" onSubmit={(event) => { event.preventDefault(); analyze.mutate(); }}>
        <TextArea label="Compare with a job description" rows={3} value={jobDescription} onChange={(event) => setJobDescription(event.target.value)}
          hint="Paste a posting to see which of its keywords your resume covers." data-testid="ats-job-description" />
        <ErrorMessage error={analyze.error} />
        <Button type="submit" variant="secondary" className="self-start" busy={analyze.isPending} data-testid="ats-analyze">Analyse</Button>
      </form>
    </Card>
  );
}

export function ResumePage() {
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const resumes = useQuery({
    queryKey: ["resumes"],
    queryFn: () => api.get<Page<Resume> | Resume[]>("/resume"),
    refetchInterval: (query) => {
      const data = query.state.data;
      const list = Array.isArray(data) ? data : data?.items ?? [];
      return list.some((resume) => resume.status === "pending") ? 1500 : false;
    },
  });
  const list = Array.isArray(resumes.data) ? resumes.data : resumes.data?.items ?? [];
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file);
      return api.upload<Resume>("/resume/upload", form);
    },
    onSuccess: (resume) => {
      setSelected(resume.id);
      void queryClient.invalidateQueries({ queryKey: ["resumes"] });
    },
  });

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
                        <span className="block text-xs text-slate-600">{formatDate(resume.uploaded_at)}</span>
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
            : current.status === "failed" ? <Card><p role="alert" className="text-sm text-red-700">We couldn't read this file. Try saving it as a PDF or Word document and upload it again.</p></Card>
            : <AtsReport key={current.id} resume={current} />
        ) : (
          <Card><EmptyState title="Your ATS report appears here">Upload a resume to get started.</EmptyState></Card>
        )}
      </div>
    </>
  );
}
