import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, request, SIGNED_OUT_EVENT, tokenStore } from "./api";
import type { AuthResult, Role, User } from "./types";

export type SignInOutcome = { kind: "signed-in"; user: User } | { kind: "two-factor"; challengeToken: string };

interface AuthContextValue {
  user: User | null;
  /** True until we know whether stored tokens still sign somebody in. */
  loading: boolean;
  signIn(email: string, password: string): Promise<SignInOutcome>;
  verifyTwoFactor(challengeToken: string, code: string): Promise<User>;
  register(input: { email: string; password: string; full_name: string; role: Role }): Promise<User>;
  signOut(): Promise<void>;
  refreshUser(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function homePathFor(role: Role): string {
  if (role === "admin") return "/console";
  if (role === "recruiter") return "/recruiter";
  return "/candidate";
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const queryClient = useQueryClient();

  const refreshUser = useCallback(async () => {
    if (!tokenStore.get()) {
      setUser(null);
      return;
    }
    try {
      setUser(await api.get<User>("/users/me"));
    } catch {
      tokenStore.clear();
      setUser(null);
    }
  }, []);

  useEffect(() => {
    refreshUser().finally(() => setLoading(false));
    const onSignedOut = () => {
      setUser(null);
      queryClient.clear();
    };
    window.addEventListener(SIGNED_OUT_EVENT, onSignedOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onSignedOut);
  }, [refreshUser, queryClient]);

  const acceptTokens = useCallback(async (result: AuthResult): Promise<User> => {
    if (!result.access_token || !result.refresh_token) throw new Error("The server did not return a sign-in token.");
    tokenStore.set({ access_token: result.access_token, refresh_token: result.refresh_token });
    const signedIn = result.user ?? (await api.get<User>("/users/me"));
    setUser(signedIn);
    return signedIn;
  }, []);

  const value = useMemo<AuthContextValue>(
    () => ({
      user,
      loading,
      async signIn(email, password) {
        const result = await request<AuthResult>("/auth/login", {
          method: "POST",
          body: { email, password },
          anonymous: true,
        });
        if (result.two_factor_required && result.challenge_token) {
          return { kind: "two-factor", challengeToken: result.challenge_token };
        }
        return { kind: "signed-in", user: await acceptTokens(result) };
      },
      async verifyTwoFactor(challengeToken, code) {
        const result = await request<AuthResult>("/auth/login/2fa", {
          method: "POST",
          body: { challenge_token: challengeToken, code },
          anonymous: true,
        });
        return acceptTokens(result);
      },
      async register(input) {
        const result = await request<AuthResult>("/auth/register", { method: "POST", body: input, anonymous: true });
        return acceptTokens(result);
      },
      async signOut() {
        const tokens = tokenStore.get();
        if (tokens) {
          // Signing out locally must work even when the server is unreachable.
          await api.post("/auth/logout", { refresh_token: tokens.refresh_token }).catch(() => undefined);
        }
        tokenStore.clear();
        queryClient.clear();
        setUser(null);
      },
      refreshUser,
    }),
    [user, loading, acceptTokens, refreshUser, queryClient],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth must be used inside <AuthProvider>");
  return value;
}
