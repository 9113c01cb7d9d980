import { getSession, type Session, sessionFromTokens, setSession, type TokenResponse } from './session.ts';

/**
 * Calls to the Vitaltwin API from the browser: same origin, the session's bearer token, JSON in and
 * out. Errors become `ApiError` with the server's message: OperationOutcome issues (FHIR R4
 * operationoutcome.html) or OAuth errors (RFC 6749 §5.2). A 401 first tries one token refresh, then
 * ends the session so the login page shows.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly { readonly message: string; readonly expression?: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The message to show for an error response body. */
export function errorMessage(status: number, body: unknown): { message: string; issues: { message: string; expression?: string }[] } {
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    if (b['resourceType'] === 'OperationOutcome' && Array.isArray(b['issue'])) {
      const issues = (b['issue'] as Record<string, unknown>[]).map((i) => {
        const text =
          typeof i['diagnostics'] === 'string'
            ? i['diagnostics']
            : String((i['details'] as { text?: string } | undefined)?.text ?? i['code'] ?? 'error');
        const expression = Array.isArray(i['expression']) && typeof i['expression'][0] === 'string' ? i['expression'][0] : undefined;
        return { message: text, ...(expression !== undefined ? { expression } : {}) };
      });
      return { message: issues[0]?.message ?? `request failed (${status})`, issues };
    }
    if (typeof b['error_description'] === 'string') return { message: b['error_description'], issues: [] };
    if (typeof b['message'] === 'string') return { message: b['message'], issues: [] };
  }
  return { message: status === 0 ? 'the server cannot be reached' : `request failed (HTTP ${status})`, issues: [] };
}

let refreshing: Promise<Session | null> | null = null;

async function refreshSession(session: Session): Promise<Session | null> {
  if (!session.refreshToken) return null;
  refreshing ??= (async () => {
    try {
      const res = await fetch('/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: session.refreshToken }),
      });
      if (!res.ok) return null;
      const next = sessionFromTokens(session.user, (await res.json()) as TokenResponse, Date.now());
      if (next) setSession(next);
      return next;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** The Authorization header value, refreshing a token that expires within 30 s. */
export async function authorization(): Promise<string | undefined> {
  let session = getSession();
  if (!session?.authOn || !session.accessToken) return undefined;
  if (session.expiresAtMs !== undefined && session.expiresAtMs - Date.now() < 30_000) session = (await refreshSession(session)) ?? session;
  return `Bearer ${session.accessToken}`;
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  readonly accept?: string;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json, application/fhir+json' };
  const auth = await authorization();
  if (auth) headers['authorization'] = auth;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  return fetch(path, {
    method: options.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

export async function apiResponse(path: string, options: RequestOptions = {}): Promise<Response> {
  let res: Response;
  try {
    res = await send(path, options);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'the server cannot be reached');
  }
  if (res.status === 401) {
    const session = getSession();
    if (session?.authOn && (await refreshSession(session))) res = await send(path, options);
    if (res.status === 401) {
      if (getSession()?.authOn) setSession(null);
      throw new ApiError(401, 'your session has ended: log in again');
    }
  }
  if (!res.ok) {
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: the status says enough.
    }
    const { message, issues } = errorMessage(res.status, parsed);
    throw new ApiError(res.status, message, issues);
  }
  return res;
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await apiResponse(path, options);
  return (await res.json()) as T;
}
