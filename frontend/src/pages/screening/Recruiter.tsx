import { useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { Alert, Badge, Button, Card, EmptyState, ErrorMessage, FormActions, Loading, Modal, PageHeader, SelectField, Table, TextArea, TextField, td, th } from "../../components/ui";
import { formatDate, humanize } from "../../lib/format";
import { downloadFile } from "../../lib/queries";
import { type Screening, useCompare, useReview, useScreeningAction, useSendScreening } from "../../lib/screening";

const ENDED = new Set(["completed", "terminated"]);

/** From the pipeline: send an AI screening interview built from the job and the candidate's résumé. */
export function SendScreeningDialog({ applicationId, candidateName, onClose }: { applicationId: string; candidateName: string; onClose: () => void }) {
  const [mode, setMode] = useState("technical");
  const [questions, setQuestions] = useState("5");
  const [minutes, setMinutes] = useState("30");
  const [days, setDays] = useState("7");
  const [policy, setPolicy] = useState("flag_for_review");
  const send = useSendScreening(applicationId, () => ({
    mode, question_count: Number(questions), duration_minutes: Number(minutes), deadline_days: Number(days), anti_cheat_policy: policy,
  }), onClose);
  return (
    <Modal open onOpenChange={(open) => !open && onClose()} title={`Screening interview for ${candidateName}`} description="Questions come from the job posting and the candidate's résumé.">
      <form className="grid gap-4" onSubmit={(event) => { event.preventDefault(); send.mutate(); }}>
        <ErrorMessage error={send.error} />
        <SelectField label="Focus" value={mode} onChange={(event) => setMode(event.target.value)}
          options={[{ value: "technical", label: "Technical" }, { value: "behavioral", label: "Behavioural" }]} data-testid="screening-mode" />
        <TextField label="Questions" type="number" min={1} max={20} value={questions} onChange={(event) => setQuestions(event.target.value)} data-testid="screening-questions" />
        <TextField label="Length (minutes)" type="number" min={5} max={180} value={minutes} onChange={(event) => setMinutes(event.target.value)} />
        <TextField label="Deadline (days from now)" type="number" min={1} max={60} value={days} onChange={(event) => setDays(event.target.value)} />
        <SelectField label="When integrity checks trip" value={policy} onChange={(event) => setPolicy(event.target.value)}
          options={[{ value: "flag_for_review", label: "Flag for my review (recommended)" }, { value: "terminate", label: "End the interview" }]} />
        <FormActions onCancel={onClose} busy={send.isPending} submitLabel="Send" submitTestId="screening-send" />
      </form>
    </Modal>
  );
}

function seekTo(video: HTMLVideoElement | null, seconds: number | null) {
  if (video && seconds !== null) {
    video.currentTime = seconds;
    void video.play().catch(() => undefined);
  }
}

function DecisionForm({ screening }: { screening: Screening }) {
  const [outcome, setOutcome] = useState<"advance" | "reject">("advance");
  const [reason, setReason] = useState("");
  const decide = useScreeningAction<{ outcome: string; reason: string }>(`/screenings/${screening.id}/decision`);
  const ai = screening.ai_result?.recommendation;
  return (
    <form className="grid gap-3" onSubmit={(event) => { event.preventDefault(); decide.mutate({ outcome, reason }); }} data-testid="decision-form">
      <p className="text-sm text-slate-700">The AI recommends: <strong data-testid="ai-recommendation">{ai ? humanize(ai) : "no recommendation"}</strong>. It is a recommendation only; you decide.</p>
      <ErrorMessage error={decide.error} />
      <SelectField label="Decision" value={outcome} onChange={(event) => setOutcome(event.target.value as "advance" | "reject")} data-testid="decision-outcome"
        options={[{ value: "advance", label: "Advance to the interview stage" }, { value: "reject", label: "Reject" }]} />
      <TextArea label="Reason (kept in the decision log)" required minLength={10} maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} data-testid="decision-reason" />
      <div><Button type="submit" busy={decide.isPending} data-testid="decision-submit">Record the decision</Button></div>
    </form>
  );
}

function Notes({ screening }: { screening: Screening }) {
  const [text, setText] = useState("");
  const add = useScreeningAction<{ text: string }>(`/screenings/${screening.id}/notes`);
  return (
    <div className="grid gap-3">
      <ul className="grid gap-2 text-sm" data-testid="screening-notes">
        {(screening.notes ?? []).map((note, index) => <li key={index} data-testid="screening-note"><span className="font-medium">{note.by_name}</span> ({formatDate(note.at)}): {note.text}</li>)}
      </ul>
      <form className="grid gap-2" onSubmit={(event) => { event.preventDefault(); add.mutate({ text }, { onSuccess: () => setText("") }); }}>
        <ErrorMessage error={add.error} />
        <TextArea label="Add a note" required maxLength={4000} value={text} onChange={(event) => setText(event.target.value)} data-testid="note-text" />
        <div><Button type="submit" variant="secondary" busy={add.isPending} data-testid="note-submit">Add note</Button></div>
      </form>
    </div>
  );
}

export function ScreeningReviewPage() {
  const { screeningId = "" } = useParams();
  const review = useReview(screeningId);
  const video = useRef<HTMLVideoElement>(null);
  if (review.isLoading) return <Loading />;
  if (review.error || !review.data) return <ErrorMessage error={review.error} />;
  const { screening, session, questions, flags, recording } = review.data;
  const running = session !== null && !ENDED.has(session.status);
  return (
    <>
      <PageHeader title={`Screening: ${review.data.candidate_name}`} description={`${screening.job_title} · ${humanize(session?.status ?? screening.status)}`}
        actions={running && session ? <Link to={`/recruiter/watch/${session.id}`} className="rounded-lg bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white" data-testid="watch-live">Watch live</Link> : undefined} />
      <div className="grid gap-6">
        {screening.human_interview_requested && <Alert tone="warning" title="The candidate asks for an interview with a person" data-testid="human-interview-requested">They declined the AI interview. Offer a live interview instead.</Alert>}
        {(screening.human_review_requests ?? []).map((request, index) => (
          <Alert key={index} tone="warning" title="The candidate asks for a human review" data-testid="human-review-request">{request.comment}</Alert>
        ))}
        {review.data.withheld && <Alert tone="info">The application is closed; the candidate's answers are no longer shown.</Alert>}
        {recording && (
          <Card title="Recording"><video ref={video} src={recording.url} controls className="w-full rounded-lg bg-slate-900" data-testid="recording" /></Card>
        )}
        <Card title="Answers" data-testid="review-answers">
          {questions.length === 0 ? <EmptyState title="No answers yet" /> : (
            <ol className="grid gap-4">
              {questions.map((question) => (
                <li key={question.id} className="rounded-lg border border-slate-200 p-3 text-sm" data-testid="review-question">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <p className="font-medium text-slate-900">{question.number}. {question.text} <span className="text-xs text-slate-500">({humanize(question.category)})</span></p>
                    <div className="flex items-center gap-2">
                      {question.score !== null && <Badge tone={question.score >= 60 ? "success" : question.score >= 40 ? "warning" : "danger"}><span data-testid="question-score">{Math.round(question.score)}</span>/100</Badge>}
                      {recording && question.offset_seconds !== null && <Button size="sm" variant="secondary" onClick={() => seekTo(video.current, question.offset_seconds)}>Play from here</Button>}
                    </div>
                  </div>
                  <p className="mt-2 whitespace-pre-wrap text-slate-800" data-testid="review-answer">{question.answer ?? "Not answered"}</p>
                  {question.covered_key_points.length > 0 && <p className="mt-2 text-emerald-900">Covered: {question.covered_key_points.join("; ")}</p>}
                  {question.missed_key_points.length > 0 && <p className="mt-1 text-amber-900" data-testid="missed-points">Missed: {question.missed_key_points.join("; ")}</p>}
                  {question.factual_errors.length > 0 && <p className="mt-1 text-red-800">Factual errors: {question.factual_errors.join("; ")}</p>}
                  {question.guards.length > 0 && <p className="mt-1 text-slate-700">Checks tripped: {question.guards.map(humanize).join(", ")}</p>}
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Integrity flags" data-testid="review-flags">
          {flags.length === 0 ? <p className="text-sm text-slate-700">No flags.</p> : (
            <ul className="list-disc pl-5 text-sm">{flags.map((flag) => <li key={flag.index} data-testid="review-flag">{flag.rule} · {humanize(flag.status)}</li>)}</ul>
          )}
          {session && flags.length > 0 && <Link to={`/candidate/interviews/${session.id}/flags`} className="mt-2 inline-block text-sm text-indigo-700">Evidence and appeals</Link>}
        </Card>
        <Card title="Notes"><Notes screening={screening} /></Card>
        <Card title="Decision">
          {screening.decision ? (
            <p className="text-sm text-slate-900" data-testid="decision-made" data-outcome={screening.decision.outcome}>{humanize(screening.decision.outcome)} by {screening.decision.by_email} on {formatDate(screening.decision.at)}: {screening.decision.reason}</p>
          ) : running ? <p className="text-sm text-slate-700">Decide once the interview has ended.</p> : screening.status === "invited" ? <p className="text-sm text-slate-700">The candidate has not taken it yet.</p> : <DecisionForm screening={screening} />}
          {(screening.decision_log ?? []).length > 0 && (
            <Table label="Decision log">
              <thead><tr><th className={th}>When</th><th className={th}>Who</th><th className={th}>AI recommended</th><th className={th}>Decided</th><th className={th}>Reason</th></tr></thead>
              <tbody>{(screening.decision_log ?? []).map((entry, index) => (
                <tr key={index} data-testid="decision-log-row"><td className={td}>{formatDate(entry.at)}</td><td className={td}>{entry.by_email}</td><td className={td}>{humanize(entry.ai_recommendation ?? "none")}</td><td className={td}>{humanize(entry.outcome)}</td><td className={td}>{entry.reason}</td></tr>
              ))}</tbody>
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}

export function ScreeningComparePage() {
  const { jobId = "" } = useParams();
  const compare = useCompare(jobId);
  const [error, setError] = useState<string | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const names = compare.data?.competencies ?? [];
  const exportAs = (format: "csv" | "pdf") => {
    const query = new URLSearchParams({ format, ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) });
    downloadFile(`/jobs/${jobId}/screening-audit/export?${query}`, `screening-audit-${jobId}.${format}`).catch((failure: Error) => setError(failure.message));
  };
  return (
    <>
      <PageHeader title="Screened candidates" description="Side by side: the AI's scores per competency are recommendations; every decision is a person's." />
      <ErrorMessage error={compare.error} />
      {compare.isLoading ? <Loading /> : !compare.data || compare.data.rows.length === 0 ? <EmptyState title="No screenings yet">Send one from the candidates list.</EmptyState> : (
        <Card>
          <Table label="Screened candidates">
            <thead><tr><th className={th}>Candidate</th><th className={th}>Total</th>{names.map((name) => <th key={name} className={th}>{humanize(name)}</th>)}<th className={th}>AI recommends</th><th className={th}>Flags</th><th className={th}>Decision</th><th className={th} /></tr></thead>
            <tbody>
              {compare.data.rows.map((row) => (
                <tr key={row.screening_id} data-testid="compare-row">
                  <td className={td}>{row.candidate_name}{row.human_interview_requested && <span className="ml-1 text-xs text-amber-800">(asks for a person)</span>}</td>
                  <td className={td} data-testid="compare-total">{row.total_score === null ? humanize(row.status) : Math.round(row.total_score)}</td>
                  {names.map((name) => <td key={name} className={td}>{row.competencies[name] === undefined ? "—" : Math.round(row.competencies[name])}</td>)}
                  <td className={td}>{row.ai_recommendation ? humanize(row.ai_recommendation) : "—"}</td>
                  <td className={td}>{row.open_flags ?? "—"}</td>
                  <td className={td} data-testid="compare-decision">{row.decision ? humanize(row.decision) : "—"}</td>
                  <td className={td}><Link to={`/recruiter/screenings/${row.screening_id}`} className="text-indigo-700" data-testid="open-review">Review</Link></td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      <Card title="Audit export (for a bias auditor)" className="mt-6">
        {error && <p className="mb-2 text-sm text-red-700" role="alert">{error}</p>}
        <div className="flex flex-wrap items-end gap-3">
          <TextField label="Decisions from" type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
          <TextField label="to" type="date" value={to} onChange={(event) => setTo(event.target.value)} />
          <Button variant="secondary" onClick={() => exportAs("csv")} data-testid="audit-csv">Download CSV</Button>
          <Button variant="secondary" onClick={() => exportAs("pdf")} data-testid="audit-pdf">Download PDF</Button>
        </div>
      </Card>
    </>
  );
}
