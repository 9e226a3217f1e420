import { useState } from 'preact/hooks';
import { ApiError, api, describeError, session } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    const k = key.trim();
    if (!k) return setError('Enter an API key.');
    setBusy(true);
    setError(null);
    try {
      await api.verifyKey(k);
      session.set(k);
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That API key was not accepted.' : describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Elegans</h1>
        <p class="muted">Document analysis with answers you can check: every sentence cites its page.</p>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'sign-in-error' : 'sign-in-help'}
          autoFocus
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error && (
          <p class="error" role="alert" id="sign-in-error">
            {error}
          </p>
        )}
        <p class="muted small" id="sign-in-help">
          <code>npm start</code> prints a development key on first start and keeps it in <code>data/dev-api-key</code>;{' '}
          <code>elegans keys create --tenant NAME</code> makes more. The key stays in this tab only.
        </p>
      </form>
    </main>
  );
}
