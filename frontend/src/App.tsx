import type { ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { homePathFor, useAuth } from "./lib/auth";
import type { Role } from "./lib/types";
import { LoginPage } from "./pages/auth/Login";
import { RegisterPage } from "./pages/auth/Register";
import { CandidateDashboard } from "./pages/candidate/Dashboard";
import { InterviewRoomPage } from "./pages/candidate/InterviewRoom";
import { ApplicationsPage, JobSearchPage } from "./pages/candidate/Jobs";
import { MobileVoiceRoomPage, MobileVoiceStartPage } from "./pages/candidate/MobileVoice";
import { NewInterviewPage } from "./pages/candidate/NewInterview";
import { PrecheckPage } from "./pages/candidate/Precheck";
import { ResumePage } from "./pages/candidate/Resume";
import { SummaryPage } from "./pages/candidate/Summary";
import { RecommendationsPage } from "./pages/candidate/Recommendations";
import { DemographicsPage } from "./pages/candidate/Demographics";
import { NotFoundPage } from "./pages/NotFound";
import { SettingsPage } from "./pages/Settings";
import { RecruiterJobsPage } from "./pages/recruiter/Jobs";
import { JobCandidatesPage } from "./pages/recruiter/JobCandidates";
import { FairnessPage } from "./pages/recruiter/Fairness";
import { RecruiterInterviewsPage } from "./pages/recruiter/Interviews";
import { LiveInterviewPage } from "./pages/recruiter/LiveInterview";
import { LiveNowPage } from "./pages/recruiter/LiveNow";
import { WatchPage } from "./pages/recruiter/Watch";
import { ReportsPage } from "./pages/recruiter/Reports";
import { AdminStatsPage } from "./pages/admin/Stats";
import { AdminUsersPage } from "./pages/admin/Users";
import { AuditLogPage } from "./pages/admin/Audit";

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
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/login" element={<LoginPage />} />
      <Route path="/register" element={<RegisterPage />} />
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
        <Route path="/candidate/resume" element={<RequireRole roles={CANDIDATE}><ResumePage /></RequireRole>} />
        <Route path="/candidate/jobs" element={<RequireRole roles={CANDIDATE}><JobSearchPage /></RequireRole>} />
        <Route path="/candidate/applications" element={<RequireRole roles={CANDIDATE}><ApplicationsPage /></RequireRole>} />
        <Route path="/candidate/recommendations" element={<RequireRole roles={CANDIDATE}><RecommendationsPage /></RequireRole>} />
        <Route path="/candidate/demographics" element={<RequireRole roles={CANDIDATE}><DemographicsPage /></RequireRole>} />
        <Route path="/recruiter" element={<RequireRole roles={STAFF}><RecruiterJobsPage /></RequireRole>} />
        <Route path="/recruiter/jobs/:jobId" element={<RequireRole roles={STAFF}><JobCandidatesPage /></RequireRole>} />
        <Route path="/recruiter/jobs/:jobId/fairness" element={<RequireRole roles={STAFF}><FairnessPage /></RequireRole>} />
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
  );
}
