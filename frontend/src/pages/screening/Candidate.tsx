import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { Alert, Badge, Button, Card, EmptyState, ErrorMessage, Loading, PageHeader, TextArea } from "../../components/ui";
import { formatDate, humanize } from "../../lib/format";
import { type Notice, type Screening, useCandidateScreening, useMyScreenings, useScreeningAction } from "../../lib/screening";

const ENDED = new Set(["completed", "terminated"]);

/** The candidate's screening invitations, on the dashboard. */
export function MyScreenings() {
  const screenings = useMyScreenings();
  const items = screenings.data ?? [];
  if (!screenings.isLoading && items.length === 0) return null;
  return (
    <Card title="Screening interviews from recruiters" data-testid="my-screenings">
      <ErrorMessage error={screenings.error} />
      <ul className="divide-y divide-slate-100">
        {items.map((screening) => (
          <li key={screening.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="screening-row">
            <div>
              <p className="font-medium text-slate-900">{screening.job_title}</p>
              <p className="text-sm text-slate-600">Take it before {formatDate(screening.deadline)}</p>
            </div>
            <div className="flex items-center gap-3">
              <Badge tone={screening.decision ? "success" : screening.status === "invited" ? "info" : "neutral"}>{humanize(screening.decision ? "decided" : screening.status)}</Badge>
              <Link to={`/candidate/screenings/${screening.id}`} className="text-sm font-medium text-indigo-700 hover:underline" data-testid="open-screening">
                Open<span className="sr-only"> the screening for {screening.job_title}</span>
              </Link>
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function NoticeText({ notice }: { notice: Notice }) {
  const sections: [string, string[]][] = [
    ["What an AI evaluates", notice.ai_evaluates],
    ["What is not evaluated by AI", notice.not_ai_evaluated],
    ["What is recorded", notice.recorded],
    ["Who sees it", notice.who_sees_it],
    ["Your choices", notice.your_rights],
  ];
  return (
    <div className="grid gap-4 text-sm text-slate-800" data-testid="ai-notice" data-version={notice.version}>
      {sections.map(([title, lines]) => (
        <section key={title}>
          <h3 className="font-semibold text-slate-900">{title}</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5">{lines.map((line) => <li key={line}>{line}</li>)}</ul>
        </section>
      ))}
      <section>
        <h3 className="font-semibold text-slate-900">How long it is kept</h3>
        <p className="mt-1" data-testid="notice-retention">{notice.retention}</p>
      </section>
    </div>
  );
}

function ConsentStep({ screening, notice }: { screening: Screening; notice: Notice }) {
  const navigate = useNavigate();
  const [comment, setComment] = useState("");
  const answer = useScreeningAction<{ accept: boolean; comment?: string }>(`/screenings/${screening.id}/consent`);
  return (
    <Card title={notice.title}>
      <NoticeText notice={notice} />
      <div className="mt-6 grid gap-3">
        <ErrorMessage error={answer.error} />
        <TextArea label="A note for the recruiter (optional)" value={comment} maxLength={1000} onChange={(event) => setComment(event.target.value)} data-testid="consent-comment" />
        <div className="flex flex-wrap gap-2">
          <Button busy={answer.isPending} data-testid="consent-accept"
            onClick={() => answer.mutate({ accept: true }, { onSuccess: (updated) => updated.session_id && navigate(`/candidate/interviews/${updated.session_id}/precheck`) })}>
            I agree — start the AI interview
          </Button>
          <Button variant="secondary" busy={answer.isPending} data-testid="consent-decline"
            onClick={() => answer.mutate({ accept: false, comment: comment || undefined })}>
            Decline and ask for an interview with a person
          </Button>
        </div>
      </div>
    </Card>
  );
}

function HumanReview({ screening }: { screening: Screening }) {
  const [comment, setComment] = useState("");
  const ask = useScreeningAction<{ comment: string }>(`/screenings/${screening.id}/human-review`);
  if (screening.human_review_requested) return <Alert tone="info" data-testid="human-review-sent">You asked for a person to review the AI's evaluation.</Alert>;
  return (
    <form className="grid gap-2" onSubmit={(event) => { event.preventDefault(); ask.mutate({ comment }); }}>
      <ErrorMessage error={ask.error} />
      <TextArea label="Ask a person to review the AI's evaluation" required minLength={5} maxLength={2000} value={comment}
        onChange={(event) => setComment(event.target.value)} data-testid="human-review-comment" />
      <div><Button type="submit" variant="secondary" busy={ask.isPending} data-testid="human-review-submit">Request a human review</Button></div>
    </form>
  );
}

export function CandidateScreeningPage() {
  const { screeningId = "" } = useParams();
  const view = useCandidateScreening(screeningId);
  if (view.isLoading) return <Loading />;
  if (view.error || !view.data) return <ErrorMessage error={view.error} />;
  const { screening, notice, answers, flags, outcome } = view.data;
  const sessionStatus = view.data.session_status;
  const ended = sessionStatus !== null && ENDED.has(sessionStatus);
  return (
    <>
      <PageHeader title={`Screening: ${screening.job_title}`} description={`Open until ${formatDate(screening.deadline)} · ${screening.question_count} questions, about ${screening.duration_minutes} minutes`} />
      <div className="grid gap-6">
        {screening.status === "invited" && <ConsentStep screening={screening} notice={notice} />}
        {screening.status === "declined" && (
          <Alert tone="info" title="You declined the AI interview" data-testid="declined">The recruiter was asked to offer you an interview with a person instead.</Alert>
        )}
        {screening.status === "expired" && <Alert tone="warning" data-testid="expired">The deadline of this screening passed.</Alert>}
        {screening.status === "started" && screening.session_id && !ended && (
          <Card title="Your interview">
            <p className="text-sm text-slate-700">You agreed to the notice on {formatDate(screening.consent?.at)}. No scores or feedback are shown while it runs; a person at the company reviews your answers.</p>
            <Link to={`/candidate/interviews/${screening.session_id}/precheck`} className="mt-3 inline-block rounded-lg bg-indigo-700 px-4 py-2 text-sm font-medium text-white" data-testid="take-screening">Continue the interview</Link>
          </Card>
        )}
        {(outcome || ended) && (
          <Card title="Outcome" data-testid="screening-outcome" data-outcome={outcome ?? "pending"}>
            {outcome === null ? <p className="text-sm text-slate-700">A recruiter is reviewing your interview. A person decides; the AI's score is only a recommendation.</p>
              : <p className="text-sm font-medium text-slate-900">{outcome === "advance" ? "You were invited to the next stage." : "The recruiter decided not to go further with your application."} ({formatDate(view.data.decided_at)})</p>}
          </Card>
        )}
        {ended && (
          <>
            <Card title="Your answers" data-testid="screening-answers">
              {answers.length === 0 ? <EmptyState title="No answers were recorded" /> : (
                <ol className="grid gap-3">
                  {answers.map((item, index) => (
                    <li key={index} className="rounded-lg border border-slate-200 p-3 text-sm" data-testid="screening-answer">
                      <p className="font-medium text-slate-900">{item.question}</p>
                      <p className="mt-1 whitespace-pre-wrap text-slate-800">{item.answer}</p>
                      {item.score !== null && <p className="mt-1 text-xs text-slate-600">AI score: {Math.round(item.score)}/100</p>}
                    </li>
                  ))}
                </ol>
              )}
            </Card>
            <Card title="Integrity flags" data-testid="screening-flags"
              actions={flags.length > 0 && screening.session_id ? <Link to={`/candidate/interviews/${screening.session_id}/flags`} className="text-sm font-medium text-indigo-700" data-testid="contest-flags">See evidence and contest</Link> : undefined}>
              {flags.length === 0 ? <p className="text-sm text-slate-700">No integrity flags were raised.</p> : (
                <ul className="list-disc pl-5 text-sm">{flags.map((flag) => <li key={flag.index}>{flag.rule} · {humanize(flag.status)}</li>)}</ul>
              )}
            </Card>
            <Card title="Disagree with the AI?"><HumanReview screening={screening} /></Card>
          </>
        )}
      </div>
    </>
  );
}
