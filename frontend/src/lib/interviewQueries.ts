/** Query hooks for interviews: sessions, reports, proctoring consent, the anti-cheat budget, integrity and flags.
 * The hiring side's hooks are in queries.ts, accounts' and admins' in accountQueries.ts (one module each, so none
 * grows past a few hundred lines). Query keys are shared with the pages that set or invalidate them. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Page } from "./api";
import { precheckAndStart } from "./interview";
import type {
  CreateSessionInput,
  FlagList,
  HistoryPoint,
  IntegrityReport,
  InterviewSession,
  LiveSession,
  ProctoringConsent,
  SignalState,
} from "./types";

export const consentUrl = (sessionId: string) => `/interview/sessions/${sessionId}/proctoring/consent`;

/** The caller's sessions; `scope` keeps the recruiter's lists apart from the candidate's in the cache. */
export function useSessionList(scope?: "recruiter" | "reports", limit = 100) {
  return useQuery({
    queryKey: scope ? ["sessions", scope] : ["sessions"],
    queryFn: () => api.get<Page<InterviewSession>>("/interview/sessions", { limit }),
  });
}

export function useSession(sessionId: string) {
  return useQuery({ queryKey: ["session", sessionId], queryFn: () => api.get<InterviewSession>(`/interview/sessions/${sessionId}`) });
}

export function useSummary(sessionId: string) {
  return useQuery({
    queryKey: ["summary", sessionId],
    queryFn: () => api.get<InterviewSession>(`/interview/sessions/${sessionId}/summary`),
    retry: false,
  });
}

export function useHistory() {
  return useQuery({ queryKey: ["history"], queryFn: () => api.get<HistoryPoint[]>("/interview/sessions/history") });
}

export function useProctoringConsent(sessionId: string) {
  return useQuery({ queryKey: ["proctoring-consent", sessionId], queryFn: () => api.get<ProctoringConsent>(consentUrl(sessionId)) });
}

export function useLiveNow() {
  return useQuery({
    queryKey: ["sessions", "live-now"],
    queryFn: () => api.get<LiveSession[]>("/interview/live", { limit: 100 }),
    refetchInterval: 5000,
  });
}

/** The candidate's warning budget; `warningCount` in the key refreshes it with every new warning. */
export function useSignalState(sessionId: string, warningCount: number) {
  return useQuery({
    queryKey: ["signal-state", sessionId, warningCount],
    queryFn: () => api.get<SignalState>(`/interview/sessions/${sessionId}/signals`),
  });
}

export function useIntegrityReport(sessionId: string, live: boolean) {
  return useQuery({
    queryKey: ["integrity", sessionId],
    queryFn: () => api.get<IntegrityReport>(`/interview/sessions/${sessionId}/integrity`),
    refetchInterval: live ? 5000 : false,
  });
}

export function useFlags(sessionId: string) {
  return useQuery({ queryKey: ["flags", sessionId], queryFn: () => api.get<FlagList>(`/interview/sessions/${sessionId}/flags`) });
}

/** The candidate contests a flag; the answer (every flag, updated) replaces the page's list. */
export function useContestFlag(sessionId: string, index: number, comment: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<FlagList>(`/interview/sessions/${sessionId}/flags/${index}/appeal`, { comment }),
    onSuccess: (flags) => queryClient.setQueryData(["flags", sessionId], flags),
  });
}

/** A reviewer upholds or dismisses a flag. */
export function useDecideFlag(sessionId: string, index: number, note: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (outcome: "upheld" | "dismissed") =>
      api.post<FlagList>(`/interview/sessions/${sessionId}/flags/${index}/decision`, { outcome, note }),
    onSuccess: (flags) => queryClient.setQueryData(["flags", sessionId], flags),
  });
}

/** Creates an interview from the body the page builds when the form is sent. */
export function useCreateSession(body: () => CreateSessionInput, onCreated: (session: InterviewSession) => void) {
  return useMutation({
    mutationFn: () => api.post<InterviewSession>("/interview/sessions", body()),
    onSuccess: onCreated,
  });
}

export function useEndSession(sessionId: string, onEnded: (session: InterviewSession) => void) {
  return useMutation({
    mutationFn: () => api.post<InterviewSession>(`/interview/sessions/${sessionId}/end`, { reason: "ended_by_recruiter" }),
    onSuccess: onEnded,
  });
}

/** The phone's voice interview: the microphone is asked for, the precheck sent (one screen), the session started. */
export function useBeginVoiceInterview(sessionId: string, refetch: () => Promise<unknown>) {
  return useMutation({
    mutationFn: async () => {
      // A phone has one screen; the microphone was granted when the browser asked.
      const media = await navigator.mediaDevices.getUserMedia({ audio: true });
      media.getTracks().forEach((track) => track.stop());
      await precheckAndStart(sessionId, { camera: true, microphone: true, speaker: true, fullscreen: true, screens: 1 });
      await refetch();
    },
  });
}

/** Records the proctoring consent (when the notice asks for it) before `then` runs: the precheck, or the join. */
export function useConsentThen<T>(sessionId: string, consent: ProctoringConsent | undefined, skip: boolean,
  then: () => Promise<T>, onSuccess: (result: T) => void) {
  return useMutation({
    mutationFn: async () => {
      // The agreement is stored on the server (who, when, which notice version) before the precheck runs.
      const version = consent?.notice.version;
      if (version && !consent?.consent && !skip) await api.post(consentUrl(sessionId), { notice_version: version });
      return then();
    },
    onSuccess,
  });
}

