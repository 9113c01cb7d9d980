import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { type ProblemDetail, VitaltwinError } from '@vitaltwin/core';

/**
 * A minimal FHIR REST client over `fetch` for talking to a running Vitaltwin server from the
 * command line (import and bulk export): JSON in and out, a bearer token, one clear error per
 * failure, with the OperationOutcome's located issues as problems.
 */
export interface FhirHttpClientOptions {
  /** Server URL: the FHIR base (`http://host:8080/fhir`) or the server root (`/fhir` is added). */
  readonly server: string;
  readonly token?: string;
  /** Per-request timeout in milliseconds (default 300 s: a large transaction takes a while). */
  readonly timeoutMs?: number;
}

export class FhirHttpError extends VitaltwinError {
  constructor(
    readonly status: number,
    message: string,
    problems: readonly ProblemDetail[] = [],
  ) {
    super(status === 401 || status === 403 ? 'VT_ERR_FORBIDDEN' : status >= 500 ? 'VT_ERR_STORAGE' : 'VT_ERR_INVALID_INPUT', message, [
      ...problems,
    ]);
  }
}

/** `http://host:8080` -> `http://host:8080/fhir`; a URL already ending in `/fhir` is kept. */
export function fhirBase(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new VitaltwinError('VT_ERR_CONFIG', `--server must be a URL like http://127.0.0.1:8080, not ${server}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new VitaltwinError('VT_ERR_CONFIG', '--server must be an http(s) URL');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${path.endsWith('/fhir') ? path : `${path}/fhir`}`;
}

export class FhirHttpClient {
  readonly base: string;

  constructor(private readonly options: FhirHttpClientOptions) {
    this.base = fhirBase(options.server);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      accept: 'application/fhir+json',
      ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
      ...extra,
    };
  }

  /** Sends a request to `path` (relative to the FHIR base, or absolute) and returns the response when it is 2xx. */
  async send(method: string, path: string, body?: { type: string; text: string }, headers: Record<string, string> = {}): Promise<Response> {
    const url = /^https?:/.test(path) ? path : `${this.base}/${path.replace(/^\//, '')}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: this.headers({ ...(body ? { 'content-type': body.type } : {}), ...headers }),
        ...(body ? { body: body.text } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 300_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new VitaltwinError('VT_ERR_STORAGE', `cannot reach the server at ${this.base} (${cause})`);
    }
    if (response.ok) return response;
    throw await this.failure(response, `${method} ${url.startsWith(this.base) ? url.slice(this.base.length) || '/' : url}`);
  }

  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.send(
      method,
      path,
      body === undefined ? undefined : { type: 'application/fhir+json', text: JSON.stringify(body) },
    );
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A search by GET, or by POST `_search` with the parameters in a form body (long id lists). */
  async search(path: string, form?: URLSearchParams): Promise<Bundle> {
    const response = form
      ? await this.send('POST', `${path}/_search`, { type: 'application/x-www-form-urlencoded', text: form.toString() })
      : await this.send('GET', path);
    return (await response.json()) as Bundle;
  }

  private async failure(response: Response, what: string): Promise<FhirHttpError> {
    const text = await response.text().catch(() => '');
    let outcome: OperationOutcome | undefined;
    try {
      const parsed = JSON.parse(text) as { resourceType?: string };
      if (parsed?.resourceType === 'OperationOutcome') outcome = parsed as OperationOutcome;
    } catch {
      // Not JSON: the status says enough.
    }
    const problems: ProblemDetail[] = (outcome?.issue ?? [])
      .filter((i) => i.severity === 'error' || i.severity === 'fatal')
      .map((i) => ({
        message: i.details?.text ?? i.diagnostics ?? i.code,
        ...(i.expression?.[0] ? { expression: i.expression[0] } : {}),
        ...(i.code ? { issueCode: i.code } : {}),
      }));
    const hint =
      response.status === 401
        ? ': the server needs an access token (--token, see `vitaltwin token`)'
        : response.status === 403
          ? ': the token does not allow this'
          : '';
    // Issues located in the request (Bundle.entry[3].resource...) are problems; unlocated ones are the message.
    const located = problems.filter((p) => p.expression !== undefined);
    const lone = located.length === 0 && problems.length > 0 ? `: ${problems.map((p) => p.message).join('; ')}` : '';
    return new FhirHttpError(response.status, `${what} failed with HTTP ${response.status}${hint || lone}`, located);
  }
}
