import type { ProctoringConsent } from "../lib/types";

/**
 * What the proctoring watches, who sees it and how long it is kept: the server's notice (its text and the
 * retention period are the server's), shown before the system check. Starting the interview records the
 * agreement on the server with the notice's version.
 */
export function ProctoringNotice({ consent }: { consent: ProctoringConsent | undefined }) {
  const notice = consent?.notice;
  return (
    <section aria-labelledby="proctoring-notice-title" className="mb-6 rounded-xl border border-indigo-200 bg-indigo-50 p-4 text-sm text-slate-800" data-testid="proctoring-notice">
      <h2 id="proctoring-notice-title" className="font-semibold text-slate-900">Before you start: {notice?.title.toLowerCase() ?? "how this interview is proctored"}</h2>
      {notice ? (
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li><strong>What is checked.</strong> {notice.monitored.join(" ")}</li>
          <li><strong>What is kept.</strong> {notice.kept}</li>
          <li><strong>Who sees it.</strong> {notice.who_sees}</li>
          <li data-testid="notice-retention"><strong>How long.</strong> {notice.retention}</li>
          <li><strong>What a warning does.</strong> You are warned each time and always see how many warnings are left; leaving full screen gives you a few seconds to return first. Every flag is a recommendation to a person, with its evidence.</li>
        </ul>
      ) : (
        <p className="mt-2">Loading the proctoring notice…</p>
      )}
      <p className="mt-2">
        {consent?.consent ? `You agreed to this notice (version ${consent.consent.notice_version}).` : "By starting the interview you agree to this monitoring; your agreement is recorded with the notice's version."}
      </p>
    </section>
  );
}
