import { ApiError, humanMessage, NETWORK_MESSAGE, parseProblems } from "./errors";

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
  pages: number;
}

const TOKEN_KEY = "candidatex.tokens";

export const tokenStore = {
  get(): Tokens | null {
    try {
      const raw = localStorage.getItem(TOKEN_KEY);
      return raw ? (JSON.parse(raw) as Tokens) : null;
    } catch {
      return null;
    }
  },
  set(tokens: Tokens): void {
    localStorage.setItem(TOKEN_KEY, JSON.stringify({ access_token: tokens.access_token, refresh_token: tokens.refresh_token }));
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
  },
};

/** Fired when the refresh token no longer works, so the app can return to the sign-in page. */
export const SIGNED_OUT_EVENT = "candidatex:signed-out";

type Query = Record<string, string | number | boolean | undefined | null>;

interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Query;
  /** Skip the Authorization header (sign-in and registration). */
  anonymous?: boolean;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function send(path: string, options: RequestOptions, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(withQuery(path, options.query), { method: options.method ?? "GET", headers, body });
  } catch {
    throw new ApiError(0, "NETWORK", NETWORK_MESSAGE);
  }
}

async function unwrap<T>(response: Response): Promise<T> {
  const text = await response.text();
  let payload: Record<string, unknown> | null = null;
  try {
    payload = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    payload = null;
  }
  if (response.ok && (!payload || payload.success !== false)) {
    if (payload && "data" in payload) return payload.data as T;
    return payload as T;
  }
  const error = (payload?.error ?? {}) as Record<string, unknown>;
  // Litestar's own errors put "detail" and "extra" at the top level.
  const serverMessage = (error.message ?? payload?.detail ?? payload?.message) as string | undefined;
  const problems = parseProblems(error.details ?? payload?.extra);
  // the server sends codes in the spec's upper case (VALIDATION_ERROR); the client compares them in snake case
  const code = String(error.code ?? response.status).toLowerCase();
  throw new ApiError(response.status, code, humanMessage(response.status, serverMessage, problems), problems);
}

let refreshInFlight: Promise<string | null> | null = null;

/** Exchanges the refresh token for new tokens once, however many requests are waiting on it. */
export function refreshAccessToken(): Promise<string | null> {
  if (refreshInFlight) return refreshInFlight;
  const current = tokenStore.get();
  if (!current?.refresh_token) return Promise.resolve(null);
  refreshInFlight = (async () => {
    try {
      const response = await send("/auth/refresh", { method: "POST", body: { refresh_token: current.refresh_token } });
      const data = await unwrap<Partial<Tokens>>(response);
      if (!data?.access_token) return null;
      tokenStore.set({ access_token: data.access_token, refresh_token: data.refresh_token ?? current.refresh_token });
      return data.access_token;
    } catch {
      return null;
    } finally {
      refreshInFlight = null;
    }
  })();
  return refreshInFlight;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const token = options.anonymous ? undefined : tokenStore.get()?.access_token;
  let response = await send(path, options, token);
  if (response.status === 401 && token) {
    const fresh = await refreshAccessToken();
    if (fresh) {
      response = await send(path, options, fresh);
    } else {
      tokenStore.clear();
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    }
  }
  return unwrap<T>(response);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>(path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>(path, { method: "POST", body }),
  put: <T>(path: string, body?: unknown) => request<T>(path, { method: "PUT", body }),
  patch: <T>(path: string, body?: unknown) => request<T>(path, { method: "PATCH", body }),
  delete: <T>(path: string) => request<T>(path, { method: "DELETE" }),
  upload: <T>(path: string, form: FormData) => request<T>(path, { method: "POST", body: form }),
};

/** ws:// or wss:// URL on this origin with the access token as the spec asks. */
export function socketUrl(path: string, query: Query = {}): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const token = tokenStore.get()?.access_token ?? "";
  return `${scheme}://${window.location.host}${withQuery(path, { token, ...query })}`;
}
