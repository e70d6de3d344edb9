// Shapes of what the API returns. Optional fields are ones the server may leave out.

export type Role = "candidate" | "recruiter" | "admin";

export interface User {
  id: string;
  email: string;
  full_name: string;
  role: Role;
  status?: "active" | "suspended" | "deactivated" | string;
  email_verified?: boolean;
  two_factor_enabled?: boolean;
  created_at?: string;
  last_login_at?: string | null;
}

export interface AuthResult {
  access_token?: string;
  refresh_token?: string;
  token_type?: string;
  user?: User;
  two_factor_required?: boolean;
  challenge_token?: string;
}

export type SessionType = "ai_mock" | "mock" | "live";
export type SessionMode = "behavioral" | "technical";
export type ExperienceLevel = "entry" | "mid" | "senior" | "lead";
export type SessionStatus = "setup" | "precheck" | "active" | "paused" | "completed" | "terminated" | "scheduled";

export interface Question {
  id: string;
  content: string;
  type?: string;
  index?: number;
  number?: number;
  total?: number;
}

export interface AnswerFeedback {
  score?: number;
  feedback?: string;
  summary?: string;
  strengths?: string[];
  improvements?: string[];
}

export interface InterviewResult {
  total_score?: number;
  behavioral_score?: number | null;
  technical_score?: number | null;
  feedback?: string;
  strengths?: string[];
  weaknesses?: string[];
  recommendations?: string[];
  scores?: Record<string, number>;
}

export interface InterviewSession {
  session_id: string;
  id?: string;
  type: SessionType;
  mode: SessionMode;
  status: SessionStatus;
  job_title: string;
  job_description?: string;
  experience_level?: ExperienceLevel;
  question_count?: number;
  duration_minutes?: number;
  focus_areas?: string[];
  candidate_id?: string;
  candidate_name?: string;
  recruiter_id?: string | null;
  scheduled_at?: string | null;
  created_at?: string;
  started_at?: string | null;
  completed_at?: string | null;
  result?: InterviewResult | null;
  terminated_reason?: string | null;
  risk_score?: number;
}

export interface SpeakingMetrics {
  words_per_minute?: number;
  filler_words?: number;
  filler_word_rate?: number;
  pause_ratio?: number;
  speaking_time_seconds?: number;
  [key: string]: number | undefined;
}

export interface InterviewSummary extends InterviewResult {
  session_id?: string;
  job_title?: string;
  mode?: SessionMode;
  status?: SessionStatus;
  speaking_metrics?: SpeakingMetrics | null;
  answers?: { question_id: string; question?: string; content: string; score?: number; feedback?: string }[];
  questions?: Question[];
  completed_at?: string | null;
}

export interface StreamEvent<T = Record<string, unknown>> {
  type: "question" | "timer" | "feedback" | "warning" | "complete" | "transcript" | "error" | string;
  seq: number;
  data: T;
}

export interface ResumeAnalysis {
  keyword_matches?: string[];
  missing_skills?: string[];
  suggestions?: string[];
  overall_score?: number;
}

export interface Resume {
  id: string;
  filename: string;
  file_size?: number;
  status?: "pending" | "processed" | "failed" | string;
  ats_score?: number | null;
  skills?: string[];
  experience_years?: number | null;
  education?: string | null;
  analysis_result?: ResumeAnalysis | null;
  uploaded_at?: string;
  parsed_text?: string;
}

export type JobStatus = "draft" | "published" | "closed";

export interface Job {
  id: string;
  title: string;
  description: string;
  company?: string;
  location?: string;
  employment_type?: string;
  experience_level?: ExperienceLevel;
  skills?: string[];
  required_skills?: string[];
  status: JobStatus;
  created_at?: string;
  applications_count?: number;
}

export interface Application {
  id: string;
  job_id: string;
  job_title?: string;
  job?: Job;
  candidate_id?: string;
  status: string;
  created_at?: string;
  cover_letter?: string;
}

export interface CandidateMatch {
  candidate_id: string;
  candidate_name?: string;
  email?: string;
  score: number;
  breakdown?: Record<string, number>;
  reasons?: string[];
  application_id?: string;
}

export interface AntiCheatEvent {
  event: string;
  timestamp: string;
  details?: Record<string, unknown>;
  severity?: string;
  snapshot_url?: string | null;
  sequence_hash?: string;
}

export interface AuditLog {
  id: string;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: "success" | "failure" | "denied" | string;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
  created_at: string;
}

export interface DashboardStats {
  users_total: number;
  users_by_role: Record<string, number>;
  users_by_status: Record<string, number>;
  signups_last_7_days: number;
  logins_last_24h: number;
  failed_logins_last_24h: number;
  lockouts_last_24h: number;
  extra?: Record<string, unknown>;
}
