import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { Button, Card, ErrorMessage, PageHeader, SelectField, TextArea, TextField } from "../../components/ui";
import { ApiError } from "../../lib/errors";
import { useCreateSession } from "../../lib/interviewQueries";
import { useResumeChoices } from "../../lib/queries";
import type { ExperienceLevel, SessionMode } from "../../lib/types";

const LEVELS = [
  { value: "entry", label: "Entry level" },
  { value: "mid", label: "Mid level" },
  { value: "senior", label: "Senior" },
  { value: "lead", label: "Lead / principal" },
];

export function NewInterviewPage() {
  const navigate = useNavigate();
  const [form, setForm] = useState({
    job_title: "",
    job_description: "",
    experience_level: "mid" as ExperienceLevel,
    mode: "behavioral" as SessionMode,
    focus: "",
    question_count: "5",
    duration_minutes: "30",
    resume_id: "",
    resume_text: "",
  });
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  const resumes = useResumeChoices();
  const resumeList = Array.isArray(resumes.data) ? resumes.data : resumes.data?.items ?? [];

  const create = useCreateSession(
    () => {
      const chosen = resumeList.find((resume) => resume.id === form.resume_id);
      const resumeText = form.resume_text.trim() || chosen?.text || undefined;
      return {
        type: "ai_mock",
        mode: form.mode,
        job_title: form.job_title.trim(),
        job_description: form.job_description.trim(),
        experience_level: form.experience_level,
        resume_text: resumeText,
        question_count: Number(form.question_count),
        duration_minutes: Number(form.duration_minutes),
        focus_areas: form.focus.split(",").map((area) => area.trim()).filter(Boolean),
      };
    },
    (session) => navigate(`/candidate/interviews/${session.session_id}/precheck`),
  );
  const fieldError = (field: string) => (create.error instanceof ApiError ? create.error.forField(field) : undefined);

  return (
    <>
      <PageHeader title="Start a mock interview" description="Tell us about the role. Questions and feedback are tailored to it." />
      <Card>
        <form
          className="grid gap-5 md:grid-cols-2"
          data-testid="new-interview-form"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <div className="md:col-span-2">
            <ErrorMessage error={create.error} />
          </div>
          <TextField label="Job title" required value={form.job_title} onChange={update("job_title")}
            placeholder="e.g. Backend engineer" error={fieldError("job_title")} data-testid="job-title" />
          <SelectField label="Experience level" value={form.experience_level} onChange={update("experience_level")}
            options={LEVELS} data-testid="experience-level" />
          <div className="md:col-span-2">
            <TextArea label="Job description" required rows={5} value={form.job_description} onChange={update("job_description")}
              placeholder="Paste the job posting or describe the role" error={fieldError("job_description")} data-testid="job-description" />
          </div>
          <fieldset className="flex flex-col gap-2">
            <legend className="text-sm font-medium text-slate-800">Interview mode</legend>
            {(["behavioral", "technical"] as const).map((mode) => (
              <label key={mode} className="flex items-center gap-2 text-sm text-slate-800">
                <input type="radio" name="mode" value={mode} checked={form.mode === mode} onChange={update("mode")}
                  className="h-4 w-4 accent-indigo-700" data-testid={`mode-${mode}`} />
                {mode === "behavioral" ? "Behavioural (experience, teamwork, situations)" : "Technical (skills and problem solving)"}
              </label>
            ))}
          </fieldset>
          <TextField label="Focus areas" hint="Separate with commas, e.g. leadership, system design" value={form.focus}
            onChange={update("focus")} data-testid="focus-areas" />
          <TextField label="Number of questions" type="number" min={1} max={20} required value={form.question_count}
            onChange={update("question_count")} error={fieldError("question_count")} data-testid="question-count" />
          <TextField label="Time limit (minutes)" type="number" min={5} max={120} required value={form.duration_minutes}
            onChange={update("duration_minutes")} error={fieldError("duration_minutes")} data-testid="duration" />
          {resumeList.length > 0 && (
            <SelectField label="Use one of your resumes" value={form.resume_id} onChange={update("resume_id")}
              options={[{ value: "", label: "No resume" }, ...resumeList.map((resume) => ({ value: resume.id, label: resume.filename }))]}
              data-testid="resume-select" />
          )}
          <div className="md:col-span-2">
            <TextArea label="Resume text (optional)" rows={4} hint="Paste your resume so questions can refer to your experience."
              value={form.resume_text} onChange={update("resume_text")} data-testid="resume-text" />
          </div>
          <div className="md:col-span-2 flex justify-end">
            <Button type="submit" size="lg" busy={create.isPending} data-testid="create-interview">
              Continue to system check
            </Button>
          </div>
        </form>
      </Card>
    </>
  );
}
