import { useEffect, useState } from "react";
import { tokenStore } from "../lib/api";
import { formatDate, humanize } from "../lib/format";
import { useIntegrityReport } from "../lib/interviewQueries";
import type { AntiCheatEvent, IntegrityReport } from "../lib/types";
import { Badge, Card, ErrorMessage, Loading } from "./ui";

export type { IntegrityReport };

/** Snapshots need the Authorization header, so they are fetched as blobs rather than linked. */
export function SnapshotImage({ url, alt }: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    let cancelled = false;
    const token = tokenStore.get()?.access_token;
    fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
      .then((response) => (response.ok ? response.blob() : null))
      .then((blob) => {
        if (blob && !cancelled) {
          objectUrl = URL.createObjectURL(blob);
          setSrc(objectUrl);
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return src ? <img src={src} alt={alt} className="mt-2 h-24 rounded-md border border-slate-200 object-cover" data-testid="snapshot" /> : null;
}

const RISK_TONE = { low: "success", medium: "warning", high: "danger" } as const;

export function RiskGauge({ score, level }: { score?: number; level?: string }) {
  const tone = RISK_TONE[(level ?? "low") as keyof typeof RISK_TONE] ?? "neutral";
  return (
    <div className="flex items-center gap-3" data-testid="risk-score">
      <span className="text-3xl font-bold text-slate-900">{score != null ? Math.round(score) : "—"}</span>
      <div>
        <p className="text-xs text-slate-600">Risk score / 100</p>
        <Badge tone={tone}>{humanize(level ?? "unknown")} risk</Badge>
      </div>
    </div>
  );
}

export function IntegrityPanel({ sessionId, live = false, extraEvents = [] }: { sessionId: string; live?: boolean; extraEvents?: AntiCheatEvent[] }) {
  const report = useIntegrityReport(sessionId, live);
  const snapshots = new Map((report.data?.snapshots ?? []).map((snapshot) => [snapshot.index, snapshot]));
  const known = report.data?.timeline ?? [];
  // Warnings that arrived on the stream since the last fetch, until the report includes them. A warning is the
  // log's strike entry of the same kind and count (the stream replays every warning after a reload, and the
  // warning is emitted after its entry is written, so times cannot match them).
  const strikeOf = (event: AntiCheatEvent) => `${event.event}:${String(event.details?.strike ?? event.details?.count ?? "")}`;
  const logged = new Set(known.map(strikeOf));
  const pending = extraEvents.filter((event, position) => !logged.has(strikeOf(event))
    && extraEvents.findIndex((other) => strikeOf(other) === strikeOf(event)) === position);
  const timeline = [...known, ...pending].sort((a, b) => String(b.at).localeCompare(String(a.at)));

  return (
    <Card title="Integrity" data-testid="integrity-panel" actions={<RiskGauge score={report.data?.risk_score} level={report.data?.risk_level} />}>
      <ErrorMessage error={report.error} />
      {report.isLoading ? <Loading /> : (
        <>
          {report.data && (
            <p className={`mb-3 text-sm ${report.data.chain.valid ? "text-slate-600" : "font-semibold text-red-700"}`} role={report.data.chain.valid ? undefined : "alert"} data-testid="chain-status">
              {report.data.chain.valid ? `Tamper check passed: ${report.data.chain.explanation}.` : `The event log failed its tamper check: ${report.data.chain.explanation}.`}
            </p>
          )}
          {report.data && Object.keys(report.data.thresholds).length > 0 && (
            <dl className="mb-4 grid grid-cols-2 gap-2 text-xs" data-testid="strikes">
              {Object.entries(report.data.thresholds).map(([kind, threshold]) => (
                <div key={kind} className="flex justify-between rounded bg-slate-50 px-2 py-1">
                  <dt className="text-slate-700">{humanize(kind)}</dt>
                  <dd className="font-semibold tabular-nums text-slate-900">{report.data!.strikes[kind] ?? 0}/{threshold}</dd>
                </div>
              ))}
            </dl>
          )}
          {report.data?.evidence && report.data.evidence.length > 0 && (
            <ul className="mb-4 list-disc space-y-1 pl-5 text-sm text-slate-800" aria-label="Why this risk score">
              {report.data.evidence.map((item) => <li key={item.what}>{item.explanation}</li>)}
            </ul>
          )}
          {timeline.length === 0 ? (
            <p className="text-sm text-slate-600">No integrity events recorded.</p>
          ) : (
            <ol className="relative space-y-4 border-l-2 border-slate-200 pl-4" data-testid="anticheat-timeline">
              {timeline.map((event, index) => {
                const snapshot = event.index !== undefined ? snapshots.get(event.index) : undefined;
                return (
                  <li key={`${event.index ?? `live-${index}`}-${event.at}`} className="text-sm" data-testid="timeline-event">
                    <span className="absolute -left-[7px] mt-1.5 h-3 w-3 rounded-full bg-amber-500" aria-hidden="true" />
                    <p className="font-medium text-slate-900">{humanize(event.event)}</p>
                    <p className="text-xs text-slate-600">{formatDate(event.at)}</p>
                    {typeof event.details?.message === "string" && <p className="text-xs text-slate-700">{event.details.message}</p>}
                    {snapshot && <SnapshotImage url={snapshot.url} alt={`Camera snapshot when ${humanize(event.event).toLowerCase()} was detected`} />}
                  </li>
                );
              })}
            </ol>
          )}
        </>
      )}
    </Card>
  );
}
