import { useQuery } from "@tanstack/react-query";
import { api } from "../lib/api";
import { formatDate, humanize } from "../lib/format";
import type { AntiCheatEvent } from "../lib/types";
import { Badge, Card, ErrorMessage, Loading } from "./ui";

export interface IntegrityReport {
  risk_score?: number;
  risk_level?: "low" | "medium" | "high" | string;
  timeline?: AntiCheatEvent[];
  counts_by_kind?: Record<string, number>;
  evidence?: (string | { what?: string; explanation?: string; when?: string; weight?: number })[];
  chain_valid?: boolean;
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
  const report = useQuery({
    queryKey: ["integrity", sessionId],
    queryFn: () => api.get<IntegrityReport>(`/interview/sessions/${sessionId}/integrity`),
    refetchInterval: live ? 5000 : false,
  });
  const timeline = [...(report.data?.timeline ?? []), ...extraEvents]
    .sort((a, b) => String(b.timestamp).localeCompare(String(a.timestamp)));

  return (
    <Card title="Integrity" data-testid="integrity-panel" actions={<RiskGauge score={report.data?.risk_score} level={report.data?.risk_level} />}>
      <ErrorMessage error={report.error} />
      {report.isLoading ? <Loading /> : (
        <>
          {report.data?.chain_valid === false && (
            <p className="mb-3 text-sm font-semibold text-red-700" role="alert">The event log failed its tamper check.</p>
          )}
          {report.data?.evidence && report.data.evidence.length > 0 && (
            <ul className="mb-4 list-disc space-y-1 pl-5 text-sm text-slate-800">
              {report.data.evidence.map((item, index) => (
                <li key={index}>{typeof item === "string" ? item : item.explanation ?? item.what}</li>
              ))}
            </ul>
          )}
          {timeline.length === 0 ? (
            <p className="text-sm text-slate-600">No integrity events recorded.</p>
          ) : (
            <ol className="relative space-y-4 border-l-2 border-slate-200 pl-4" data-testid="anticheat-timeline">
              {timeline.map((event, index) => (
                <li key={`${event.sequence_hash ?? index}-${event.timestamp}`} className="text-sm" data-testid="timeline-event">
                  <span className="absolute -left-[7px] mt-1.5 h-3 w-3 rounded-full bg-amber-500" aria-hidden="true" />
                  <p className="font-medium text-slate-900">{humanize(event.event)}</p>
                  <p className="text-xs text-slate-600">{formatDate(event.timestamp)}</p>
                  {event.snapshot_url && (
                    <img src={event.snapshot_url} alt={`Camera snapshot when ${humanize(event.event).toLowerCase()} was detected`}
                      className="mt-2 h-24 rounded-md border border-slate-200 object-cover" loading="lazy" />
                  )}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </Card>
  );
}
