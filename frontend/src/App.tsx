import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { homePathFor, useAuth } from "./lib/auth";
import type { Role } from "./lib/types";
import { LoginPage } from "./pages/auth/Login";

// Every other page is its own chunk, fetched when its route is first opened (the first screen stays small).
function lazyPage<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}
const RegisterPage = lazyPage(() => import("./pages/auth/Register"), "RegisterPage");
const CandidateDashboard = lazyPage(() => import("./pages/candidate/Dashboard"), "CandidateDashboard");
const InterviewRoomPage = lazyPage(() => import("./pages/candidate/InterviewRoom"), "InterviewRoomPage");
const ApplicationsPage = lazyPage(() => import("./pages/candidate/Jobs"), "ApplicationsPage");
const JobSearchPage = lazyPage(() => import("./pages/candidate/Jobs"), "JobSearchPage");
const MobileVoiceRoomPage = lazyPage(() => import("./pages/candidate/MobileVoice"), "MobileVoiceRoomPage");
const MobileVoiceStartPage = lazyPage(() => import("./pages/candidate/MobileVoice"), "MobileVoiceStartPage");
const NewInterviewPage = lazyPage(() => import("./pages/candidate/NewInterview"), "NewInterviewPage");
const PrecheckPage = lazyPage(() => import("./pages/candidate/Precheck"), "PrecheckPage");
const ResumePage = lazyPage(() => import("./pages/candidate/Resume"), "ResumePage");
const SummaryPage = lazyPage(() => import("./pages/candidate/Summary"), "SummaryPage");
const IntegrityFlagsPage = lazyPage(() => import("./pages/IntegrityFlags"), "IntegrityFlagsPage");
const RecommendationsPage = lazyPage(() => import("./pages/candidate/Recommendations"), "RecommendationsPage");
const DemographicsPage = lazyPage(() => import("./pages/candidate/Demographics"), "DemographicsPage");
const NotFoundPage = lazyPage(() => import("./pages/NotFound"), "NotFoundPage");
const SettingsPage = lazyPage(() => import("./pages/Settings"), "SettingsPage");
const RecruiterJobsPage = lazyPage(() => import("./pages/recruiter/Jobs"), "RecruiterJobsPage");
const JobCandidatesPage = lazyPage(() => import("./pages/recruiter/JobCandidates"), "JobCandidatesPage");
const FairnessPage = lazyPage(() => import("./pages/recruiter/Fairness"), "FairnessPage");
const RecruiterInterviewsPage = lazyPage(() => import("./pages/recruiter/Interviews"), "RecruiterInterviewsPage");
const LiveInterviewPage = lazyPage(() => import("./pages/recruiter/LiveInterview"), "LiveInterviewPage");
const LiveNowPage = lazyPage(() => import("./pages/recruiter/LiveNow"), "LiveNowPage");
const WatchPage = lazyPage(() => import("./pages/recruiter/Watch"), "WatchPage");
const CandidateScreeningPage = lazyPage(() => import("./pages/screening/Candidate"), "CandidateScreeningPage");
const ScreeningComparePage = lazyPage(() => import("./pages/screening/Recruiter"), "ScreeningComparePage");
const ScreeningReviewPage = lazyPage(() => import("./pages/screening/Recruiter"), "ScreeningReviewPage");
const ReportsPage = lazyPage(() => import("./pages/recruiter/Reports"), "ReportsPage");
const AdminStatsPage = lazyPage(() => import("./pages/admin/Stats"), "AdminStatsPage");
const AdminUsersPage = lazyPage(() => import("./pages/admin/Users"), "AdminUsersPage");
const AuditLogPage = lazyPage(() => import("./pages/admin/Audit"), "AuditLogPage");
const ForgotPasswordPage = lazyPage(() => import("./pages/auth/Recovery"), "ForgotPasswordPage");
const ResetPasswordPage = lazyPage(() => import("./pages/auth/Recovery"), "ResetPasswordPage");
const VerifyEmailPage = lazyPage(() => import("./pages/auth/Recovery"), "VerifyEmailPage");
const UnlockAccountPage = lazyPage(() => import("./pages/auth/Recovery"), "UnlockAccountPage");

/** Sends visitors who are not signed in (or lack the role) to the right place. */
function RequireRole({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (roles && !roles.includes(user.role)) return <Navigate to={homePathFor(user.role)} replace />;
  return <>{children}</>;
}

function Home() {
  const { user, loading } = useAuth();
  if (loading) return <Loading />;
  return <Navigate to={user ? homePathFor(user.role) : "/login"} replace />;
}

const CANDIDATE: Role[] = ["candidate"];
const STAFF: Role[] = ["recruiter", "admin"];
const ADMIN: Role[] = ["admin"];

export function App() {
  return (
    <Suspense fallback={<Loading />}>
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/login" element={<LoginPage />} />
      <Route path="/register" element={<RegisterPage />} />
      <Route path="/forgot-password" element={<ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route path="/verify-email" element={<VerifyEmailPage />} />
      <Route path="/unlock-account" element={<UnlockAccountPage />} />
      <Route path="/m/voice" element={<RequireRole roles={CANDIDATE}><MobileVoiceStartPage /></RequireRole>} />
      <Route path="/m/voice/:sessionId" element={<RequireRole roles={CANDIDATE}><MobileVoiceRoomPage /></RequireRole>} />
      <Route element={<RequireRole><Layout /></RequireRole>}>
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="/live/:sessionId" element={<LiveInterviewPage />} />
        <Route path="/candidate" element={<RequireRole roles={CANDIDATE}><CandidateDashboard /></RequireRole>} />
        <Route path="/candidate/interviews/new" element={<RequireRole roles={CANDIDATE}><NewInterviewPage /></RequireRole>} />
        <Route path="/candidate/interviews/:sessionId/precheck" element={<RequireRole roles={CANDIDATE}><PrecheckPage /></RequireRole>} />
        <Route path="/candidate/interviews/:sessionId/room" element={<RequireRole roles={CANDIDATE}><InterviewRoomPage /></RequireRole>} />
        <Route path="/candidate/interviews/:sessionId/summary" element={<RequireRole><SummaryPage /></RequireRole>} />
        <Route path="/candidate/interviews/:sessionId/flags" element={<RequireRole><IntegrityFlagsPage /></RequireRole>} />
        <Route path="/candidate/screenings/:screeningId" element={<RequireRole roles={CANDIDATE}><CandidateScreeningPage /></RequireRole>} />
        <Route path="/candidate/resume" element={<RequireRole roles={CANDIDATE}><ResumePage /></RequireRole>} />
        <Route path="/candidate/jobs" element={<RequireRole roles={CANDIDATE}><JobSearchPage /></RequireRole>} />
        <Route path="/candidate/applications" element={<RequireRole roles={CANDIDATE}><ApplicationsPage /></RequireRole>} />
        <Route path="/candidate/recommendations" element={<RequireRole roles={CANDIDATE}><RecommendationsPage /></RequireRole>} />
        <Route path="/candidate/demographics" element={<RequireRole roles={CANDIDATE}><DemographicsPage /></RequireRole>} />
        <Route path="/recruiter" element={<RequireRole roles={STAFF}><RecruiterJobsPage /></RequireRole>} />
        <Route path="/recruiter/jobs/:jobId" element={<RequireRole roles={STAFF}><JobCandidatesPage /></RequireRole>} />
        <Route path="/recruiter/jobs/:jobId/fairness" element={<RequireRole roles={STAFF}><FairnessPage /></RequireRole>} />
        <Route path="/recruiter/jobs/:jobId/screenings" element={<RequireRole roles={STAFF}><ScreeningComparePage /></RequireRole>} />
        <Route path="/recruiter/screenings/:screeningId" element={<RequireRole roles={STAFF}><ScreeningReviewPage /></RequireRole>} />
        <Route path="/recruiter/interviews" element={<RequireRole roles={STAFF}><RecruiterInterviewsPage /></RequireRole>} />
        <Route path="/recruiter/live" element={<RequireRole roles={STAFF}><LiveNowPage /></RequireRole>} />
        <Route path="/recruiter/watch/:sessionId" element={<RequireRole roles={STAFF}><WatchPage /></RequireRole>} />
        <Route path="/recruiter/reports" element={<RequireRole roles={STAFF}><ReportsPage /></RequireRole>} />
        <Route path="/recruiter/reports/:sessionId" element={<RequireRole roles={STAFF}><ReportsPage /></RequireRole>} />
        <Route path="/console" element={<RequireRole roles={ADMIN}><AdminStatsPage /></RequireRole>} />
        <Route path="/console/users" element={<RequireRole roles={ADMIN}><AdminUsersPage /></RequireRole>} />
        <Route path="/console/audit" element={<RequireRole roles={ADMIN}><AuditLogPage /></RequireRole>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
    </Suspense>
  );
}
