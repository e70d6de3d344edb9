/**
 * What the proctoring watches, who sees it and how long it is kept: shown before the system check, so
 * the candidate knows before the camera is analysed. Starting the interview is the agreement.
 */
export function ProctoringNotice({ recruited }: { recruited: boolean }) {
  return (
    <section aria-labelledby="proctoring-notice-title" className="mb-6 rounded-xl border border-indigo-200 bg-indigo-50 p-4 text-sm text-slate-800" data-testid="proctoring-notice">
      <h2 id="proctoring-notice-title" className="font-semibold text-slate-900">Before you start: how this interview is proctored</h2>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        <li><strong>What is checked.</strong> Your camera picture (a face in view, one person, where you look, a covered or frozen camera), leaving the tab, the window or full screen, copy and paste, developer tools and extra screens. Your page sends a signed status every few seconds.</li>
        <li><strong>What is kept.</strong> A log of each event with its time and rule, and a small snapshot (160 px wide) of the camera frame behind each camera warning. No video is recorded by the proctoring.</li>
        <li><strong>Who sees it.</strong> {recruited ? "The recruiter running this interview, the recruiter of the job and administrators." : "You and administrators; this practice interview has no recruiter."}</li>
        <li><strong>How long.</strong> With the interview, until it or your account is deleted (deleting your account erases it).</li>
        <li><strong>What a warning does.</strong> You are warned each time and always see how many warnings are left; leaving full screen gives you a few seconds to return first. Every flag is a recommendation to a person, with its evidence.</li>
      </ul>
      <p className="mt-2">By starting the interview you agree to this monitoring.</p>
    </section>
  );
}
