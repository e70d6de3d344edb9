/** Query hooks for the hiring side (jobs, applications, rankings, résumés, recommendations, fairness, demographics).
 * Interviews' hooks are in interviewQueries.ts, accounts' and admins' in accountQueries.ts, screenings' in screening.ts. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, tokenStore, type Page } from "./api";
import { ApiError } from "./errors";
import type { Application, Demographics, DemographicsInput, FairnessReport, Job, Ranking, Recommendations, Resume } from "./types";

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

export function useJobSearch(query: string, level: string, page: number) {
  return useQuery({
    queryKey: ["jobs", "search", query, level, page],
    queryFn: () => api.get<Page<Job>>("/jobs", { search: query, experience_level: level, status: "published", page, limit: 10 }),
    placeholderData: keepPreviousData,
  });
}

export function useMyJobs() {
  return useQuery({ queryKey: ["jobs", "mine"], queryFn: () => api.get<Page<Job>>("/jobs", { mine: true, limit: 100 }) });
}

/** A recruiter's new job, from the body the dialog builds when it is sent. */
export function useCreateJob(body: () => Record<string, unknown>, onCreated: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Job>("/jobs", body()),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["jobs", "mine"] });
      onCreated();
    },
  });
}

export function useJobTransition() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ job, action }: { job: Job; action: "publish" | "close" }) => api.post<Job>(`/jobs/${job.id}/${action}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["jobs", "mine"] }),
  });
}

export function useApplications() {
  return useQuery({ queryKey: ["applications"], queryFn: () => api.get<Page<Application>>("/applications", { limit: 100 }) });
}

export function useApply(jobId: string, coverLetter: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Application>(`/jobs/${jobId}/apply`, { cover_letter: coverLetter.trim() || undefined }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["applications"] }),
  });
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

/** The résumés to start an interview from (no polling: the form reads them once). */
export function useResumeChoices() {
  return useQuery({ queryKey: ["resumes"], queryFn: () => api.get<Page<Resume> | Resume[]>("/resume"), retry: false });
}

export function useUploadResume(onUploaded: (resume: Resume) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file);
      return api.upload<Resume>("/resume/upload", form);
    },
    onSuccess: (resume) => {
      onUploaded(resume);
      void queryClient.invalidateQueries({ queryKey: ["resumes"] });
    },
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
