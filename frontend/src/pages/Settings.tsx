import { useState, type FormEvent } from "react";
import { Alert, Button, Card, ErrorMessage, PageHeader, TextField } from "../components/ui";
import { useDisableTwoFactor, useEnableTwoFactor, useSaveProfile, useStartTwoFactor } from "../lib/accountQueries";
import { useAuth } from "../lib/auth";
import type { TwoFactorSetup } from "../lib/types";

export function SettingsPage() {
  const { user, refreshUser } = useAuth();
  const [fullName, setFullName] = useState(user?.full_name ?? "");
  const [headline, setHeadline] = useState(user?.headline ?? "");
  const [phone, setPhone] = useState(user?.phone ?? "");
  const [location, setLocation] = useState(user?.location ?? "");
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);

  const saveProfile = useSaveProfile(
    () => ({ full_name: fullName.trim(), headline: headline.trim(), phone: phone.trim(), location: location.trim() }),
    refreshUser,
  );
  const startSetup = useStartTwoFactor(setSetup);
  const enable = useEnableTwoFactor(code, async (result) => {
    setBackupCodes(result?.backup_codes ?? []);
    setSetup(null);
    await refreshUser();
  });
  const disable = useDisableTwoFactor(password, code, async () => {
    setCode("");
    setPassword("");
    await refreshUser();
  });

  if (!user) return null;
  const qr = setup?.qr_code;

  return (
    <>
      <PageHeader title="Account settings" description={user.email} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Profile">
          <form
            className="flex flex-col gap-4"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              saveProfile.mutate();
            }}
          >
            <ErrorMessage error={saveProfile.error} />
            {saveProfile.isSuccess && <Alert tone="success">Your profile was saved.</Alert>}
            <TextField label="Full name" autoComplete="name" value={fullName} onChange={(event) => setFullName(event.target.value)} required data-testid="profile-name" />
            <TextField label="Headline" hint="One line about you, shown to recruiters" value={headline} maxLength={160}
              onChange={(event) => setHeadline(event.target.value)} data-testid="profile-headline" />
            <TextField label="Phone" type="tel" autoComplete="tel" value={phone} onChange={(event) => setPhone(event.target.value)}
              data-testid="profile-phone" />
            <TextField label="Location" autoComplete="address-level2" value={location} maxLength={120}
              onChange={(event) => setLocation(event.target.value)} data-testid="profile-location" />
            <Button type="submit" busy={saveProfile.isPending} className="self-start" data-testid="profile-save">
              Save profile
            </Button>
          </form>
        </Card>

        <Card title="Two-step verification" data-testid="two-factor-card">
          <ErrorMessage error={startSetup.error ?? enable.error ?? disable.error} />
          {backupCodes && (
            <Alert tone="success" title="Two-step verification is on" data-testid="backup-codes">
              <p className="mt-1">Keep these backup codes somewhere safe. Each works once if you lose your phone.</p>
              <ul className="mt-2 grid grid-cols-2 gap-1 font-mono">
                {backupCodes.map((backup) => (
                  <li key={backup}>{backup}</li>
                ))}
              </ul>
            </Alert>
          )}
          {user.two_factor_enabled && !backupCodes && (
            <form
              className="flex flex-col gap-3"
              onSubmit={(event) => {
                event.preventDefault();
                disable.mutate();
              }}
            >
              <p className="text-sm text-slate-700">Two-step verification is on. Enter your password and a current code to turn it off.</p>
              <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
              <TextField label="Verification code" inputMode="numeric" value={code} onChange={(event) => setCode(event.target.value)} required />
              <Button type="submit" variant="danger" busy={disable.isPending} className="self-start">
                Turn off two-step verification
              </Button>
            </form>
          )}
          {!user.two_factor_enabled && !setup && (
            <div className="flex flex-col gap-3">
              <p className="text-sm text-slate-700">
                Protect your account with a code from an authenticator app each time you sign in.
              </p>
              <Button onClick={() => startSetup.mutate()} busy={startSetup.isPending} className="self-start" data-testid="two-factor-setup">
                Set up two-step verification
              </Button>
            </div>
          )}
          {setup && (
            <form
              className="flex flex-col gap-3"
              onSubmit={(event) => {
                event.preventDefault();
                enable.mutate();
              }}
            >
              <p className="text-sm text-slate-700">Scan this code with your authenticator app, then type the 6-digit code it shows.</p>
              {qr && <img src={qr} alt="QR code for your authenticator app" className="h-44 w-44 self-center" />}
              {setup.secret && (
                <p className="text-xs text-slate-600">
                  Can't scan? Enter this key: <code className="font-mono" data-testid="two-factor-secret">{setup.secret}</code>
                </p>
              )}
              <TextField label="Verification code" inputMode="numeric" autoComplete="one-time-code" value={code}
                onChange={(event) => setCode(event.target.value)} required data-testid="two-factor-enable-code" />
              <Button type="submit" busy={enable.isPending} className="self-start" data-testid="two-factor-enable">
                Turn on
              </Button>
            </form>
          )}
        </Card>
      </div>
    </>
  );
}
