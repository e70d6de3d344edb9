/** Query hooks for the hiring side (jobs, rankings, ATS, recommendations, fairness, demographics), in one place. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, tokenStore, type Page } from "./api";
import { ApiError } from "./errors";
import type { Demographics, DemographicsInput, FairnessReport, Job, Ranking, Recommendations, Resume } from "./types";

export type RankingSort = "rank" | "-rank" | "skills" | "experience" | "education" | "text_similarity" | "career_consistency" | "interview";

export interface FairnessParams {
  attribute: "gender" | "ethnicity" | "age_band" | "disability" | "veteran";
  shortlist: "top_n" | "status";
  top_n?: number;
  stage: "screening" | "interview" | "offer";
  min_group_size: number;
}

/** While a background result is being computed, ask again every second. */
const untilReady = (status?: string) => (status && status !== "ready" ? 1000 : false);

export function useJob(jobId: string) {
  return useQuery({ queryKey: ["job", jobId], queryFn: () => api.get<Job>(`/jobs/${jobId}`), enabled: Boolean(jobId) });
}

export function usePublishedJobs(query = "") {
  return useQuery({ queryKey: ["jobs", "published", query], queryFn: () => api.get<Page<Job>>("/jobs", { q: query || undefined, limit: 50 }) });
}

export function useRanking(jobId: string, page: number, sort: RankingSort, limit = 20) {
  return useQuery({
    queryKey: ["ranking", jobId, page, sort, limit],
    queryFn: () => api.get<Ranking>(`/jobs/${jobId}/candidates`, { page, sort, limit }),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => untilReady(query.state.data?.status),
  });
}

export function useFairness(jobId: string, params: FairnessParams) {
  return useQuery({
    queryKey: ["fairness", jobId, params],
    queryFn: () => api.get<FairnessReport>(`/matching/jobs/${jobId}/fairness`, { ...params }),
    placeholderData: keepPreviousData,
  });
}

export function useRecommendations(resumeId?: string) {
  return useQuery({
    queryKey: ["recommendations", resumeId ?? "latest"],
    queryFn: () => api.get<Recommendations>("/matching/candidates/me/jobs", { resume_id: resumeId, limit: 20 }),
    refetchInterval: (query) => untilReady(query.state.data?.status),
    retry: false,
  });
}

export function useResumes() {
  return useQuery({
    queryKey: ["resumes"],
    queryFn: () => api.get<Page<Resume>>("/resume"),
    refetchInterval: (query) => (query.state.data?.items.some((resume) => resume.status === "pending") ? 1500 : false),
  });
}

export function useAnalyzeResume(resumeId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { job_id?: string; job_title?: string; job_description?: string }) => api.post<Resume>(`/resume/${resumeId}/analyze`, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["resumes"] }),
  });
}

export function useDemographics() {
  return useQuery({ queryKey: ["demographics"], queryFn: () => api.get<Demographics>("/users/me/demographics") });
}

export function useSaveDemographics() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DemographicsInput) => api.put<Demographics>("/users/me/demographics", body),
    onSuccess: (saved) => queryClient.setQueryData(["demographics"], saved),
  });
}

export function useDeleteDemographics() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete<null>("/users/me/demographics"),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["demographics"] }),
  });
}

/** Downloads an authenticated file (CSV, PDF, the original resume) through a temporary link. */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${tokenStore.get()?.access_token ?? ""}` } });
  if (!response.ok) throw new ApiError(response.status, String(response.status), "We couldn't download that file. Please try again.");
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
