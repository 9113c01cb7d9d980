import { type ChangeEvent, useId, useState } from 'react';
import { type ApiError, apiJson } from '../api/api-client.ts';
import type { TrialStatus } from '../api/api-types.ts';
import { Link, navigate } from '../app/router.tsx';
import { clockTime } from '../ui/format-time.ts';
import { useApi } from '../ui/use-api.ts';
import { trialExamples } from './trial-examples.ts';

/**
 * In-silico trials: start from an example or upload a protocol file (the JSON `vitaltwin trial run`
 * takes), edit it, run it (POST /trials) and follow it on its own page. Protocol problems come back
 * as a list with the JSON path of each (422 OperationOutcome). The server's trials (GET /trials,
 * kept across restarts) are listed beside the form, newest first, with their state.
 */
export function TrialsPage() {
  const [text, setText] = useState(() => JSON.stringify(trialExamples[0]?.protocol, null, 2));
  const [example, setExample] = useState(trialExamples[0]?.key ?? '');
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { example: useId(), file: useId(), text: useId(), error: useId() };
  const list = useApi<{ trials: TrialStatus[] }>('/trials');
  const recent = list.data?.trials ?? [];

  const pickExample = (key: string) => {
    setExample(key);
    const ex = trialExamples.find((e) => e.key === key);
    if (ex) setText(JSON.stringify(ex.protocol, null, 2));
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    setExample('');
  };

  const submit = async () => {
    setError(null);
    let protocol: unknown;
    try {
      protocol = JSON.parse(text);
    } catch (e) {
      setError(new Error(`The protocol is not valid JSON: ${(e as Error).message}`));
      return;
    }
    setBusy(true);
    try {
      const status = await apiJson<TrialStatus>('/trials', { method: 'POST', body: protocol });
      navigate(`/trials/${encodeURIComponent(status.id)}`);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  const issues = error && 'issues' in error ? error.issues : [];
  return (
    <section className="page trials-page">
      <div className="page-head">
        <h1>In-silico trials</h1>
      </div>
      <div className="trials-layout">
        <form
          className="card protocol-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2>New trial</h2>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.example}>Start from</label>
              <select id={ids.example} value={example} onChange={(e) => pickExample(e.target.value)}>
                {example === '' && <option value="">Uploaded or edited protocol</option>}
                {trialExamples.map((ex) => (
                  <option key={ex.key} value={ex.key}>
                    {ex.label}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.file}>Or upload a protocol (.json)</label>
              <input id={ids.file} type="file" accept="application/json,.json" onChange={(e) => void upload(e)} />
            </div>
          </div>
          <label htmlFor={ids.text}>Protocol (JSON)</label>
          <textarea
            id={ids.text}
            className="code"
            rows={22}
            spellCheck={false}
            value={text}
            aria-describedby={error ? ids.error : undefined}
            onChange={(e) => {
              setText(e.target.value);
              setExample('');
            }}
          />
          {error && (
            <div className="form-error" id={ids.error} role="alert">
              <p>{error.message}</p>
              {issues.length > 0 && (
                <ul>
                  {issues.map((i) => (
                    <li key={`${i.expression ?? ''}:${i.message}`}>
                      {i.expression ? <code>{i.expression}</code> : null} {i.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Submitting…' : 'Run trial'}
          </button>
        </form>
        <aside className="card">
          <h2>Trials</h2>
          {list.error ? (
            <p className="muted">The list of trials could not be loaded: {list.error.message}</p>
          ) : list.loading && !list.data ? (
            <p className="muted">Loading…</p>
          ) : recent.length === 0 ? (
            <p className="muted">Trials you start appear here.</p>
          ) : (
            <ul className="record-list">
              {recent.map((t) => (
                <li key={t.id}>
                  <Link to={`/trials/${encodeURIComponent(t.id)}`}>{t.name}</Link>{' '}
                  <span className={`state-badge state-${t.state}`}>{t.state}</span>{' '}
                  <span className="muted small">{clockTime(t.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>
    </section>
  );
}
