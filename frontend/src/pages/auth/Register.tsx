import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router-dom";
import { Button, ErrorMessage, SelectField, TextField } from "../../components/ui";
import { homePathFor, useAuth } from "../../lib/auth";
import { ApiError } from "../../lib/errors";
import type { Role } from "../../lib/types";
import { AuthShell } from "./AuthShell";

const PASSWORD_HINT = "At least 10 characters, with an upper-case letter, a lower-case letter, a digit and a symbol.";

export function RegisterPage() {
  const { user, register } = useAuth();
  const navigate = useNavigate();
  const [form, setForm] = useState({ full_name: "", email: "", password: "", role: "candidate" as Role });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (user) return <Navigate to={homePathFor(user.role)} replace />;

  const fieldError = (field: string) => (error instanceof ApiError ? error.forField(field) : undefined);
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await register({ ...form, email: form.email.trim(), full_name: form.full_name.trim() });
      navigate(homePathFor(created.role), { replace: true });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthShell title="Create your account" subtitle="Candidates practise and apply; recruiters post jobs and interview.">
      <form onSubmit={submit} className="flex flex-col gap-4" data-testid="register-form">
        <ErrorMessage error={error} />
        <TextField label="Full name" name="full_name" autoComplete="name" required value={form.full_name}
          onChange={update("full_name")} error={fieldError("full_name")} data-testid="register-name" />
        <TextField label="Email" type="email" name="email" autoComplete="email" required value={form.email}
          onChange={update("email")} error={fieldError("email")} data-testid="register-email" />
        <TextField label="Password" type="password" name="password" autoComplete="new-password" required minLength={10}
          hint={PASSWORD_HINT} value={form.password} onChange={update("password")} error={fieldError("password")}
          data-testid="register-password" />
        <SelectField label="I am a" name="role" value={form.role} onChange={update("role")} data-testid="register-role"
          options={[
            { value: "candidate", label: "Candidate looking for a job" },
            { value: "recruiter", label: "Recruiter hiring for a team" },
          ]} />
        <Button type="submit" busy={busy} data-testid="register-submit">
          Create account
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link to="/login" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          Sign in
        </Link>
      </p>
    </AuthShell>
  );
}
