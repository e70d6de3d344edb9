import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { Alert, Button, ErrorMessage, Loading, TextField } from "../../components/ui";
import { api } from "../../lib/api";
import { AuthShell } from "./AuthShell";

const linkClass = "font-medium text-indigo-700 underline underline-offset-2";

/** "Forgot password?": the server answers the same whether or not the account exists. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/forgot-password", { email: email.trim() });
      setSent(email.trim());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthShell title="Reset your password" subtitle="Enter your account's email. We will send a link to choose a new password.">
      {sent ? (
        <Alert tone="success" title="Check your email" data-testid="forgot-sent">
          If an account exists for {sent}, a reset link is on its way. It works once, for one hour.
        </Alert>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" data-testid="forgot-form">
          <ErrorMessage error={error} />
          <TextField label="Email" type="email" name="email" autoComplete="email" required value={email}
            onChange={(event) => setEmail(event.target.value)} data-testid="forgot-email" />
          <Button type="submit" busy={busy} data-testid="forgot-submit">Send the reset link</Button>
        </form>
      )}
      <p className="mt-6 text-center text-sm text-slate-600">
        <Link to="/login" className={linkClass}>Back to sign in</Link>
      </p>
    </AuthShell>
  );
}

/** The page the emailed reset link opens: /reset-password?token=… */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm.length > 0 && password !== confirm;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await api.post("/auth/reset-password", { token, new_password: password });
      setDone(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  if (!token) {
    return (
      <AuthShell title="Choose a new password">
        <Alert tone="warning">This page is opened from the link in the reset email. <Link to="/forgot-password" className={linkClass}>Ask for a new link</Link>.</Alert>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password" subtitle="At least 10 characters with upper and lower case letters, a digit and a symbol.">
      {done ? (
        <Alert tone="success" title="Your password was changed" data-testid="reset-done">
          Every other session was signed out. <Link to="/login" className={linkClass}>Sign in with the new password</Link>.
        </Alert>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-4" data-testid="reset-form">
          <ErrorMessage error={error} />
          <TextField label="New password" type="password" autoComplete="new-password" required value={password}
            onChange={(event) => setPassword(event.target.value)} data-testid="reset-password" />
          <TextField label="Repeat the new password" type="password" autoComplete="new-password" required value={confirm}
            onChange={(event) => setConfirm(event.target.value)} error={mismatch ? "The two passwords differ" : undefined}
            data-testid="reset-confirm" />
          <Button type="submit" busy={busy} disabled={mismatch} data-testid="reset-submit">Change my password</Button>
          <p className="text-sm text-slate-600">Link expired? <Link to="/forgot-password" className={linkClass}>Ask for a new one</Link>.</p>
        </form>
      )}
    </AuthShell>
  );
}

/** The page the emailed verification link opens: /verify-email?token=… (confirms once, on arrival). */
/** A page that an emailed one-time link opens: it spends the link's token once and says how that went. */
function OneTimeLinkPage({ endpoint, title, checking, doneTitle, done, missing, testid }: {
  endpoint: string; title: string; checking: string; doneTitle: string; done: ReactNode; missing: string;
  testid: string;
}) {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [state, setState] = useState<"checking" | "done" | "failed">(token ? "checking" : "failed");
  const [error, setError] = useState<unknown>(null);
  const sent = useRef(false);

  useEffect(() => {
    if (!token || sent.current) return; // one request, even when React runs effects twice
    sent.current = true;
    api.post(endpoint, { token })
      .then(() => setState("done"))
      .catch((caught) => {
        setError(caught);
        setState("failed");
      });
  }, [token, endpoint]);

  return (
    <AuthShell title={title}>
      {state === "checking" && <Loading label={checking} />}
      {state === "done" && (
        <Alert tone="success" title={doneTitle} data-testid={`${testid}-done`}>{done}</Alert>
      )}
      {state === "failed" && (
        <div data-testid={`${testid}-failed`} className="flex flex-col gap-3">
          {error ? <ErrorMessage error={error} /> : <Alert tone="warning">{missing}</Alert>}
          <p className="text-sm text-slate-600">Each link works once and expires after a while.</p>
          <Link to="/login" className={linkClass}>Go to sign in</Link>
        </div>
      )}
    </AuthShell>
  );
}

export function VerifyEmailPage() {
  return (
    <OneTimeLinkPage endpoint="/auth/verify-email" title="Confirm your email" checking="Confirming your email…"
      doneTitle="Your email is confirmed" testid="verify"
      done={<>Thank you. <Link to="/" className={linkClass}>Continue to CandidateX</Link>.</>}
      missing="This page is opened from the link in the confirmation email." />
  );
}

export function UnlockAccountPage() {
  return (
    <OneTimeLinkPage endpoint="/auth/unlock" title="Unlock your account" checking="Unlocking your account…"
      doneTitle="Your account is unlocked" testid="unlock"
      done={<>Sign-in works again. If you did not make those attempts, change your password after you{" "}
        <Link to="/login" className={linkClass}>sign in</Link>.</>}
      missing="This page is opened from the unlock link we email after many failed sign-ins." />
  );
}
