/** Screening interviews: types and query hooks (docs/screening.md). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./api";
import type { components } from "./api-schema";

type Schemas = components["schemas"];

// The generated models (a renamed field breaks tsc), with the free-form JSON fields given their shapes.
export type ScreeningDecision = Schemas["DecisionOut"];
export type Notice = Schemas["ScreeningNoticeOut"];

export type Screening = Omit<Schemas["ScreeningOut"], "ai_result" | "consent" | "notes" | "human_review_requests"> & {
  ai_result?: { total_score?: number; recommendation?: string | null; competencies?: Record<string, number> } | null;
  consent: { accepted: boolean; at: string } | null;
  notes?: { by_name: string; text: string; at: string }[];
  human_review_requests?: { comment: string; at: string }[];
};

export interface Flag {
  index: number;
  kind: string;
  rule: string;
  at?: string;
  status: string;
}

export interface CandidateScreening {
  screening: Screening;
  notice: Notice;
  answers: { question: string; answer: string; score: number | null }[];
  flags: Flag[];
  session_status: string | null;
  outcome: "advance" | "reject" | null;
  decided_at: string | null;
}

export interface ReviewQuestion {
  number: number;
  id: string;
  text: string;
  category: string;
  offset_seconds: number | null;
  answer: string | null;
  score: number | null;
  covered_key_points: string[];
  missed_key_points: string[];
  factual_errors: string[];
  guards: string[];
}

export interface Review {
  screening: Screening;
  candidate_name: string;
  session: { id: string; status: string } | null;
  questions: ReviewQuestion[];
  flags: Flag[];
  recording: { url: string } | null;
  result: { total_score?: number; summary?: string } | null;
  withheld: boolean;
}

export type CompareRow = Schemas["CompareRow"];

const RUNNING = (status?: string | null) => status === "active" || status === "paused" || status === "setup" || status === "precheck";

/** Sends a screening interview for an application, from the values the dialog holds when it is sent. */
export function useSendScreening(applicationId: string, body: () => Record<string, unknown>, onSent: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Screening>(`/applications/${applicationId}/screening`, body()),
    onSuccess: () => { void queryClient.invalidateQueries({ queryKey: ["screenings"] }); onSent(); },
  });
}

export function useMyScreenings() {
  return useQuery({ queryKey: ["screenings"], queryFn: () => api.get<Screening[]>("/screenings") });
}

export function useCandidateScreening(screeningId: string) {
  return useQuery({
    queryKey: ["screening", screeningId, "candidate"],
    queryFn: () => api.get<CandidateScreening>(`/screenings/${screeningId}/candidate-view`),
    refetchInterval: (query) => (RUNNING(query.state.data?.session_status) || (query.state.data?.session_status && !query.state.data.outcome) ? 3000 : false),
  });
}

export function useReview(screeningId: string) {
  return useQuery({
    queryKey: ["screening", screeningId, "review"],
    queryFn: () => api.get<Review>(`/screenings/${screeningId}/review`),
    refetchInterval: (query) => (RUNNING(query.state.data?.session?.status) ? 3000 : false),
  });
}

export function useCompare(jobId: string) {
  return useQuery({
    queryKey: ["screenings", "compare", jobId],
    queryFn: () => api.get<{ job_id: string; competencies: string[]; rows: CompareRow[] }>(`/jobs/${jobId}/screenings`),
  });
}

/** A screening write, then every view of it reloads. */
export function useScreeningAction<T>(path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: T) => api.post<Screening>(path, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["screening"] }),
  });
}
