import type { components } from "./api-schema";

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
  text: string;
  speak_text?: string;
  kind?: string;
  category?: string;
  difficulty?: string;
  time_limit_seconds?: number;
  is_follow_up?: boolean;
  number?: number;
  total?: number;
  expected_concepts?: string[] | null;
}

/** What the AI says about one answer (ai/schemas.py AnswerEvaluation). */
export interface Evaluation {
  score: number;
  rubric?: Record<string, number>;
  rubric_weights?: Record<string, number>;
  rubric_explanations?: Record<string, string>;
  strengths?: string[];
  weaknesses?: string[];
  recommendations?: string[];
  needs_follow_up?: boolean;
  provider?: string;
}

export interface AnswerRecord {
  question_id: string;
  content: string;
  type: "text" | "voice" | "code" | string;
  submitted_at?: string;
  evaluation?: Evaluation | null;
  speaking_metrics?: SpeakingMetrics | null;
}

export interface QuestionResult {
  question_id: string;
  question_text: string;
  kind: string;
  category: string;
  score: number;
  is_follow_up?: boolean;
}

/** The final report (ai/schemas.py FinalReport plus what the engine adds). */
export interface InterviewResult {
  total_score?: number;
  behavioral_score?: number | null;
  technical_score?: number | null;
  communication_score?: number | null;
  strengths?: string[];
  weaknesses?: string[];
  recommendations?: string[];
  summary?: string;
  per_question?: QuestionResult[];
  speaking_metrics?: SpeakingMetrics | null;
  reason?: string;
  answered?: number;
  asked?: number;
}

export interface PrecheckResult {
  passed: boolean;
  failures: { check: string; message: string }[];
  warnings?: string[];
  [check: string]: unknown;
}

/** SessionOut: GET /interview/sessions/{id}, and the answer to create/precheck/pause/resume/finalize/summary. */
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
  job_id?: string | null;
  scheduled_at?: string | null;
  created_at?: string;
  started_at?: string | null;
  ends_at?: string | null;
  completed_at?: string | null;
  remaining_seconds?: number | null;
  questions?: Question[];
  answers?: AnswerRecord[];
  current_question_index?: number;
  precheck_result?: PrecheckResult | null;
  result?: InterviewResult | null;
  terminated_reason?: string | null;
  strike_counts?: Record<string, number>;
  chat?: { sender_id: string; sender_role: string; text: string; sent_at: string }[];
  risk_score?: number;
}

export interface StartResult {
  session: InterviewSession;
  anti_cheat_key: string | null;
}

export interface NextQuestion {
  question: Question | null;
  remaining_seconds: number | null;
  answered: number;
  total: number;
  done: boolean;
}

export interface AnswerResult {
  question_id: string;
  evaluation: Evaluation;
  next_question: Question | null;
  done: boolean;
}

export interface HistoryPoint {
  session_id: string;
  job_title: string;
  mode: SessionMode;
  completed_at: string | null;
  total_score: number | null;
  behavioral_score: number | null;
  technical_score: number | null;
  status: SessionStatus;
}

/** speech/ SpeakingMetrics, averaged over spoken answers in the report. */
export interface SpeakingMetrics {
  word_count?: number;
  duration_s?: number;
  talk_time_s?: number;
  words_per_minute?: number;
  pause_count?: number;
  longest_pause_s?: number;
  filler_rate?: number;
  filler_words?: Record<string, number>;
  answers_spoken?: number;
  [key: string]: unknown;
}

export interface StreamEvent<T = Record<string, unknown>> {
  type: "status" | "question" | "timer" | "feedback" | "warning" | "complete" | "transcript" | "chat" | "error" | "pong" | string;
  seq: number;
  session_id?: string;
  data: T;
  timestamp?: string;
  /** Sent again on reconnect from the stored log (the client saw it before, or missed it). */
  replayed?: boolean;
  /** Not stored and not numbered (live partial transcripts): never advances last_seq. */
  ephemeral?: boolean;
}

// ---- generated from the API's OpenAPI schema (src/lib/api-schema.ts, built by `npm run gen:types`) ----
// A field renamed in the API breaks `tsc` here instead of a page at run time.
type Schemas = components["schemas"];
export type ResumeAnalysis = Schemas["AtsReportOut"];
export type Resume = Schemas["ResumeOut"];
export type JobStatus = "draft" | "published" | "closed";
export type Job = Schemas["JobOut"];
export type Application = Schemas["ApplicationOut"];
export type Ranking = Schemas["RankingOut"];
export type RankedCandidate = Schemas["RankedCandidate"];
export type MatchReason = Schemas["Reason"];
export type MatchFlag = Schemas["Flag"];
export type Recommendations = Schemas["RecommendationsOut"];
export type RecommendedJob = Schemas["RecommendedJob"];
export type FairnessReport = Schemas["FairnessOut"];
export type AuditSection = Schemas["AuditSection"];
export type AuditGroup = Schemas["GroupOut"];
export type Demographics = Schemas["DemographicsOut"];
export type DemographicsInput = Schemas["DemographicsIn"];
export type ProctoringConsent = Schemas["ConsentOut"];

/** One entry of the integrity timeline (anticheat/report.py). */
export interface AntiCheatEvent {
  index?: number;
  at: string | null;
  event: string;
  details?: Record<string, unknown>;
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
