import type { components } from "./api-schema";

// Shapes of what the API returns, aliases of the generated OpenAPI schemas (src/lib/api-schema.ts).

export type Role = "candidate" | "recruiter" | "admin";

type Schemas = components["schemas"];

export type User = Schemas["UserOut"];

/** POST /auth/login: tokens, or (2FA on) a challenge to answer first. */
export type AuthResult = Partial<Schemas["TokensOut"]> & Partial<Schemas["TwoFactorChallengeOut"]>;

export type SessionType = Schemas["SessionType"];
export type SessionMode = Schemas["SessionMode"];
export type ExperienceLevel = "entry" | "mid" | "senior" | "lead";
export type SessionStatus = Schemas["SessionStatus"];

export type Question = Schemas["QuestionOut"];
/** What the AI says about one answer (ai/schemas.py AnswerEvaluation). */
export type Evaluation = Schemas["EvaluationOut"];
export type AnswerRecord = Schemas["AnswerView"];
export type QuestionResult = Schemas["QuestionResult"];
/** The final report (ai/schemas.py FinalReport plus what the engine adds). */
export type InterviewResult = Schemas["ReportOut"];
export type PrecheckResult = Schemas["PrecheckRecordOut"];
/** SessionOut: GET /interview/sessions/{id}, and the answer to create/pause/resume/finalize/summary. */
export type InterviewSession = Schemas["interviews_schemas_SessionOut"];
export type PrecheckResponse = Schemas["PrecheckOut"];
export type StartResult = Schemas["StartOut"];
export type NextQuestion = Schemas["NextQuestionOut"];
export type AnswerResult = Schemas["interviews_schemas_AnswerOut"];
export type HistoryPoint = Schemas["HistoryPoint"];
/** speech/ SpeakingMetrics, averaged over spoken answers in the report. */
export type SpeakingMetrics = Schemas["SpeakingMetricsOut"];

type StreamEnvelope = Schemas["StreamEvent"];
/** One event of WS /interview/{id}/stream (ws/events.py StreamEvent, exported into the schema by export_schema.py);
 * `data` is typed by the page that reads it (QuestionData, FeedbackData... in the schema). */
export type StreamEvent<T = Record<string, unknown>> = Pick<StreamEnvelope, "type" | "seq"> &
  Partial<Pick<StreamEnvelope, "session_id" | "timestamp">> & {
    data: T;
    /** Sent again on reconnect from the stored log (the client saw it before, or missed it). */
    replayed?: boolean;
    /** Not stored and not numbered (live partial transcripts): never advances last_seq. */
    ephemeral?: boolean;
  };

// ---- generated from the API's OpenAPI schema (src/lib/api-schema.ts, built by `npm run gen:types`) ----
// A field renamed in the API breaks `tsc` here instead of a page at run time.
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

/** One entry of the integrity timeline (anticheat/report.py); live ones the page adds from the stream have no index. */
export type AntiCheatEvent = Pick<Schemas["TimelineEntryOut"], "at" | "event" | "details"> &
  Partial<Pick<Schemas["TimelineEntryOut"], "index">> & { dismissed?: boolean };

export type AuditLog = Schemas["AuditLogOut"];
export type DashboardStats = Schemas["DashboardStats"];

export type CreateSessionInput = Partial<Schemas["CreateSessionIn"]>;
/** GET /interview/live: running interviews the caller may view. */
export type LiveSession = Schemas["LiveSessionOut"];
export type SignalState = Schemas["SignalStateOut"];

// The API declares these sub-documents as plain objects (anticheat/flags.py, report.py build them); their shape here.
export type Flag = Omit<Schemas["FlagOut"], "at" | "appeal" | "decision" | "status"> & {
  at: string;
  appeal: { comment: string; at: string } | null;
  decision: { outcome: "upheld" | "dismissed"; note: string; at: string } | null;
  status: "open" | "contested" | "upheld" | "dismissed";
};
export type FlagList = Omit<Schemas["FlagsOut"], "flags"> & { flags: Flag[] };
export type IntegrityReport = Omit<Schemas["IntegrityOut"], "evidence" | "snapshots" | "chain"> & {
  evidence: { what: string; count: number; points: number; explanation: string }[];
  snapshots: { index: number; at: string | null; kind: string; ref: string; url: string }[];
  chain: { valid: boolean; first_broken_index: number | null; checked: number; explanation: string };
};
export type TwoFactorSetup = Schemas["TwoFactorSetupOut"];
