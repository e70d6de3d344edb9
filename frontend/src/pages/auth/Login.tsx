import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { Button, ErrorMessage, TextField } from "../../components/ui";
import { homePathFor, useAuth } from "../../lib/auth";
import type { User } from "../../lib/types";
import { AuthShell } from "./AuthShell";

export function LoginPage() {
  const { user, signIn, verifyTwoFactor } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [challenge, setChallenge] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const returnTo = (location.state as { from?: string } | null)?.from;
  if (user) return <Navigate to={returnTo ?? homePathFor(user.role)} replace />;

  const goHome = (signedIn: User) => navigate(returnTo ?? homePathFor(signedIn.role), { replace: true });

  async function submitPassword(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const outcome = await signIn(email.trim(), password);
      if (outcome.kind === "two-factor") setChallenge(outcome.challengeToken);
      else goHome(outcome.user);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    if (!challenge) return;
    setBusy(true);
    setError(null);
    try {
      goHome(await verifyTwoFactor(challenge, code.trim()));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    return (
      <AuthShell title="Two-step verification" subtitle="Enter the 6-digit code from your authenticator app, or one of your backup codes.">
        <form onSubmit={submitCode} className="flex flex-col gap-4" data-testid="two-factor-form">
          <ErrorMessage error={error} />
          <TextField
            label="Verification code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            autoFocus
            required
            value={code}
            onChange={(event) => setCode(event.target.value)}
            data-testid="two-factor-code"
          />
          <Button type="submit" busy={busy} data-testid="two-factor-submit">
            Verify and sign in
          </Button>
          <Button variant="ghost" onClick={() => setChallenge(null)}>
            Use a different account
          </Button>
        </form>
      </AuthShell>
    );
  }

  return (
    <AuthShell title="Sign in" subtitle="Welcome back. Practise, interview and hire in one place.">
      <form onSubmit={submitPassword} className="flex flex-col gap-4" data-testid="login-form">
        <ErrorMessage error={error} />
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          data-testid="login-email"
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          data-testid="login-password"
        />
        <p className="-mt-2 text-right text-sm">
          <Link to="/forgot-password" className="font-medium text-indigo-700 underline underline-offset-2" data-testid="forgot-link">
            Forgot password?
          </Link>
        </p>
        <Button type="submit" busy={busy} data-testid="login-submit">
          Sign in
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600">
        New to CandidateX?{" "}
        <Link to="/register" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Create an account
        </Link>
      </p>
    </AuthShell>
  );
}
