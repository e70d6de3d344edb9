/** Query hooks for the signed-in account (profile, two-factor) and the admin pages (users, statistics, audit log). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, type Page } from "./api";
import type { AuditLog, DashboardStats, TwoFactorSetup, User } from "./types";

export interface AuditFilters {
  action: string;
  outcome: string;
  actor_id: string;
  since: string;
  until: string;
}

export function useAuditLogs(filters: AuditFilters, page: number) {
  return useQuery({
    queryKey: ["admin", "audit", filters, page],
    queryFn: () =>
      api.get<Page<AuditLog>>("/admin/audit-logs", {
        action: filters.action.trim(),
        outcome: filters.outcome,
        actor_id: filters.actor_id.trim(),
        since: filters.since ? new Date(filters.since).toISOString() : undefined,
        until: filters.until ? new Date(filters.until).toISOString() : undefined,
        page,
        limit: 25,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useAdminUsers(search: string, role: string, status: string, page: number) {
  return useQuery({
    queryKey: ["admin", "users", search, role, status, page],
    queryFn: () => api.get<Page<User>>("/admin/users", { q: search.trim(), role, status, page, limit: 20 }),
    placeholderData: keepPreviousData,
  });
}

export function useUpdateUser(userId: string, onError: (error: unknown) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: { role?: string; status?: string }) => api.patch<User>(`/admin/users/${userId}`, change),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["admin", "users"] }),
    onError,
  });
}

export function useDashboardStats() {
  return useQuery({ queryKey: ["admin", "stats"], queryFn: () => api.get<DashboardStats>("/admin/dashboard/stats") });
}

/** Saves the profile; empty optional fields are left out (the server keeps them as they were). */
export function useSaveProfile(fields: () => { full_name: string; headline: string; phone: string; location: string },
  onSaved: () => unknown) {
  return useMutation({
    mutationFn: () => api.put("/users/me", Object.fromEntries(Object.entries(fields())
      .filter(([key, value]) => key === "full_name" || value !== ""))),
    onSuccess: onSaved,
  });
}

export function useStartTwoFactor(onStarted: (setup: TwoFactorSetup) => void) {
  return useMutation({ mutationFn: () => api.post<TwoFactorSetup>("/users/me/2fa/setup"), onSuccess: onStarted });
}

export function useEnableTwoFactor(code: string, onEnabled: (result: { backup_codes?: string[] }) => Promise<void>) {
  return useMutation({
    mutationFn: () => api.post<{ backup_codes?: string[] }>("/users/me/2fa/enable", { code: code.trim() }),
    onSuccess: onEnabled,
  });
}

export function useDisableTwoFactor(password: string, code: string, onDisabled: () => Promise<void>) {
  return useMutation({
    mutationFn: () => api.post("/users/me/2fa/disable", { password, code: code.trim() }),
    onSuccess: onDisabled,
  });
}
