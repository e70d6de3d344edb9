import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { SnapshotImage } from "../components/Integrity";
import { Alert, Badge, Button, Card, EmptyState, ErrorMessage, Loading, PageHeader } from "../components/ui";
import { useAuth } from "../lib/auth";
import { formatDate, humanize } from "../lib/format";
import { useContestFlag, useDecideFlag, useFlags } from "../lib/interviewQueries";
import type { Flag } from "../lib/types";

const STATUS_TONE = { open: "neutral", contested: "warning", upheld: "danger", dismissed: "success" } as const;

function evidenceText(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .filter(([, value]) => typeof value !== "object")
    .map(([key, value]) => `${humanize(key)}: ${String(value)}`)
    .join(" · ");
}

function FlagCard({ flag, sessionId, ended, canContest, canDecide }: {
  flag: Flag; sessionId: string; ended: boolean; canContest: boolean; canDecide: boolean;
}) {
  const [comment, setComment] = useState("");
  const [note, setNote] = useState("");
  const contest = useContestFlag(sessionId, flag.index, comment);
  const decide = useDecideFlag(sessionId, flag.index, note);
  return (
    <li className="rounded-xl border border-slate-200 bg-white p-4" data-testid="flag" data-status={flag.status} data-kind={flag.kind}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold text-slate-900">{humanize(flag.kind)}</h3>
        <Badge tone={STATUS_TONE[flag.status]}>{humanize(flag.status)}</Badge>
      </div>
      <p className="mt-1 text-sm text-slate-600">
        {formatDate(flag.at)} · {flag.source === "vision" ? "camera" : flag.source === "server" ? "server" : "browser"}
        {flag.threshold ? ` · warning ${flag.strike} of ${flag.threshold}` : ""}
      </p>
      <p className="mt-2 text-sm text-slate-800"><strong>Rule:</strong> {flag.rule}</p>
      {evidenceText(flag.evidence) && <p className="mt-1 text-sm text-slate-700"><strong>Evidence:</strong> {evidenceText(flag.evidence)}</p>}
      {flag.snapshot_url && <div className="mt-2 w-40"><SnapshotImage url={flag.snapshot_url} alt={`Camera frame behind the ${humanize(flag.kind).toLowerCase()} flag`} /></div>}
      {flag.appeal && <p className="mt-2 text-sm text-slate-800" data-testid="flag-appeal"><strong>Candidate's comment:</strong> {flag.appeal.comment}</p>}
      {flag.decision && (
        <p className="mt-1 text-sm text-slate-800" data-testid="flag-decision">
          <strong>{flag.decision.outcome === "dismissed" ? "Dismissed" : "Upheld"}:</strong> {flag.decision.note || "no note"}
          {flag.decision.outcome === "dismissed" && " — this flag no longer counts in the risk score."}
        </p>
      )}
      {canContest && ended && flag.status === "open" && (
        <form className="mt-3 grid gap-2" onSubmit={(event) => { event.preventDefault(); contest.mutate(); }}>
          <label className="text-sm font-medium text-slate-800" htmlFor={`contest-${flag.index}`}>Contest this flag</label>
          <textarea id={`contest-${flag.index}`} className="rounded-lg border border-slate-300 p-2 text-sm" rows={2}
            value={comment} onChange={(event) => setComment(event.target.value)} data-testid="contest-comment"
            placeholder="What happened? A person reads this and decides." />
          <ErrorMessage error={contest.error} />
          <Button size="sm" type="submit" busy={contest.isPending} data-testid="contest-submit">Send for review</Button>
        </form>
      )}
      {canDecide && flag.status === "contested" && (
        <div className="mt-3 grid gap-2">
          <label className="text-sm font-medium text-slate-800" htmlFor={`note-${flag.index}`}>Your decision</label>
          <textarea id={`note-${flag.index}`} className="rounded-lg border border-slate-300 p-2 text-sm" rows={2}
            value={note} onChange={(event) => setNote(event.target.value)} data-testid="decision-note" />
          <ErrorMessage error={decide.error} />
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" busy={decide.isPending} onClick={() => decide.mutate("upheld")} data-testid="uphold">Uphold</Button>
            <Button size="sm" busy={decide.isPending} onClick={() => decide.mutate("dismissed")} data-testid="dismiss">Dismiss</Button>
          </div>
        </div>
      )}
    </li>
  );
}

/** Every proctoring flag of an interview with its evidence: the candidate contests, the reviewer decides. */
export function IntegrityFlagsPage() {
  const { sessionId = "" } = useParams();
  const { user } = useAuth();
  const flags = useFlags(sessionId);
  if (flags.isLoading) return <Loading />;
  if (flags.error) return <ErrorMessage error={flags.error} />;
  const data = flags.data!;
  const ended = data.status === "completed" || data.status === "terminated";
  const isCandidate = user?.role === "candidate";
  return (
    <>
      <PageHeader title="Proctoring flags" description="Every flag recorded in this interview, with the rule and the evidence behind it." />
      {isCandidate && (
        <Alert tone="info">
          {ended ? "If a flag is wrong, tell us what happened: the interview's recruiter or an administrator reviews it, and a dismissed flag no longer counts."
            : "You can contest flags once the interview has ended."}
        </Alert>
      )}
      <Card className="mt-4">
        {data.flags.length === 0 ? (
          <EmptyState title="No flags">Nothing was flagged in this interview.</EmptyState>
        ) : (
          <ul className="grid gap-3" data-testid="flags">
            {data.flags.map((flag) => (
              <FlagCard key={flag.index} flag={flag} sessionId={sessionId} ended={ended} canContest={isCandidate} canDecide={!isCandidate} />
            ))}
          </ul>
        )}
      </Card>
      <Link to={`/candidate/interviews/${sessionId}/summary`} className="mt-4 inline-block font-medium text-indigo-700 hover:underline">Back to the report</Link>
    </>
  );
}
