import type { ReactNode } from 'react';
import type { ApiError } from '../api/api-client.ts';

/** Loading, error and empty states, announced politely to screen readers (WAI-ARIA status role). */
export function Loading({ what }: { what: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorState({ error, retry }: { error: ApiError | Error; retry?: () => void }) {
  const issues = 'issues' in error ? error.issues : [];
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>Could not load:</strong> {error.message}
      </p>
      {issues.length > 1 && (
        <ul>
          {issues.map((i) => (
            <li key={`${i.expression ?? ''}${i.message}`}>
              {i.expression ? <code>{i.expression}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      )}
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}
