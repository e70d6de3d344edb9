/** Screening interviews: types and query hooks (docs/screening.md). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./api";

export interface ScreeningDecision {
  by: string;
  by_email: string;
  at: string;
  outcome: "advance" | "reject";
  reason: string;
  ai_recommendation: string | null;
  ai_total_score: number | null;
}

export interface Screening {
  id: string;
  application_id: string;
  job_id: string;
  job_title: string;
  candidate_id: string;
  status: "invited" | "declined" | "started" | "expired";
  mode: string;
  question_count: number;
  duration_minutes: number;
  anti_cheat_policy: string;
  deadline: string;
  session_id: string | null;
  consent: { accepted: boolean; at: string } | null;
  human_interview_requested: boolean;
  human_review_requested: boolean;
  decision: ScreeningDecision | null;
  ai_result?: { total_score?: number; recommendation?: string | null; competencies?: Record<string, number> } | null;
  notes?: { by_name: string; text: string; at: string }[];
  decision_log?: ScreeningDecision[];
  human_review_requests?: { comment: string; at: string }[];
}

export interface Notice {
  version: string;
  title: string;
  ai_evaluates: string[];
  not_ai_evaluated: string[];
  recorded: string[];
  who_sees_it: string[];
  your_rights: string[];
  retention: string;
}

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

export interface CompareRow {
  screening_id: string;
  application_id: string;
  candidate_name: string;
  application_status: string;
  status: string;
  session_id: string | null;
  total_score: number | null;
  competencies: Record<string, number>;
  ai_recommendation: string | null;
  open_flags: number | null;
  human_interview_requested: boolean;
  decision: string | null;
}

const RUNNING = (status?: string | null) => status === "active" || status === "paused" || status === "setup" || status === "precheck";

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
