import { useSignalState } from "../lib/interviewQueries";
import { humanize } from "../lib/format";

// The kinds a candidate can run into during an interview, in the order they matter to them.
const SHOWN = ["tab_switch", "fullscreen_exit", "face_missing", "multiple_faces", "looking_away", "camera_covered", "suspicious_input", "second_screen"];

/** What the candidate has left of each warning budget, always in view (refreshed with every new warning). */
export function IntegrityBudget({ sessionId, warningCount }: { sessionId: string; warningCount: number }) {
  const state = useSignalState(sessionId, warningCount);
  if (!state.data) return null;
  const { thresholds, strike_counts: used } = state.data;
  const kinds = SHOWN.filter((kind) => (thresholds[kind] ?? 0) > 0);
  return (
    <section aria-label="Warnings left" className="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="integrity-budget">
      <h2 className="font-semibold text-slate-900">Warnings left</h2>
      <p className="mt-1 text-slate-600">Each rule allows a few warnings before the interview ends.</p>
      <ul className="mt-2 grid gap-1">
        {kinds.map((kind) => {
          const left = Math.max(0, thresholds[kind] - (used[kind] ?? 0));
          return (
            <li key={kind} className="flex justify-between gap-2" data-testid={`budget-${kind}`} data-left={left}>
              <span>{humanize(kind)}</span>
              <span className={left <= 1 ? "font-semibold text-red-700" : "text-slate-700"}>{left} of {thresholds[kind]} left</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
