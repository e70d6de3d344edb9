import { Suspense } from "react";
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useAuth } from "../lib/auth";
import type { Role } from "../lib/types";
import { Button, cx, Loading } from "./ui";

interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

const NAV_BY_ROLE: Record<Role, NavItem[]> = {
  candidate: [
    { to: "/candidate", label: "Dashboard", end: true },
    { to: "/candidate/interviews/new", label: "Practice" },
    { to: "/candidate/resume", label: "Resume" },
    { to: "/candidate/jobs", label: "Jobs" },
    { to: "/candidate/applications", label: "Applications" },
    { to: "/candidate/recommendations", label: "For you" },
    { to: "/candidate/demographics", label: "Self-ID" },
    { to: "/m/voice", label: "Voice (mobile)" },
  ],
  recruiter: [
    { to: "/recruiter", label: "Jobs", end: true },
    { to: "/recruiter/interviews", label: "Interviews" },
    { to: "/recruiter/live", label: "Live now" },
    { to: "/recruiter/reports", label: "Reports" },
  ],
  admin: [
    { to: "/console", label: "Statistics", end: true },
    { to: "/console/users", label: "Users" },
    { to: "/console/audit", label: "Audit log" },
    { to: "/recruiter/live", label: "Live now" },
  ],
};

export function Brand() {
  return (
    <span className="flex items-center gap-2 text-lg font-semibold tracking-tight text-slate-900">
      <img src="/icon.svg" alt="" className="h-7 w-7" />
      CandidateX
    </span>
  );
}

export function Layout() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  if (!user) return null;
  const items = NAV_BY_ROLE[user.role] ?? [];

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
          <Brand />
          <nav aria-label="Main" className="flex flex-1 gap-1 overflow-x-auto" data-testid="main-nav">
            {items.map((item) => (
              <NavLink
                key={item.to}
                to={item.to}
                end={item.end}
                className={({ isActive }) =>
                  cx(
                    "whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium",
                    isActive ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100",
                  )
                }
              >
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="flex items-center gap-2">
            <NavLink to="/settings" className="hidden text-right text-sm sm:block" data-testid="current-user">
              <span className="block font-medium text-slate-900">{user.full_name}</span>
              <span className="block text-xs capitalize text-slate-600">{user.role}</span>
            </NavLink>
            <Button
              variant="secondary"
              size="sm"
              data-testid="sign-out"
              onClick={async () => {
                await signOut();
                navigate("/login");
              }}
            >
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-8" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
