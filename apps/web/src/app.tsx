import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized, session } from './api';
import { useRoute } from './router';
import { Ask } from './screens/ask';
import { DocumentScreen } from './screens/document';
import { Documents } from './screens/documents';
import { Search } from './screens/search';
import { SignIn } from './screens/sign-in';

export function App() {
  const [signedIn, setSignedIn] = useState(() => session.get() !== null);
  const route = useRoute();

  useEffect(
    () =>
      onUnauthorized(() => {
        session.clear();
        setSignedIn(false);
      }),
    [],
  );
  useEffect(() => {
    const titles = { documents: 'Documents', document: 'Document', ask: 'Ask', search: 'Search' };
    document.title = signedIn ? `${titles[route.name]} · Elegans` : 'Sign in · Elegans';
  }, [route.name, signedIn]);

  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;

  const current = (name: string) =>
    route.name === name || (name === 'documents' && route.name === 'document') ? 'page' : undefined;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Elegans
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={current('documents')}>
            Documents
          </a>
          <a href="#/ask" aria-current={current('ask')}>
            Ask
          </a>
          <a href="#/search" aria-current={current('search')}>
            Search
          </a>
        </nav>
        <button
          type="button"
          class="quiet"
          onClick={() => {
            session.clear();
            void import('./viewer/pdf').then((m) => m.closePdf());
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.name === 'documents' && <Documents />}
        {route.name === 'document' && <DocumentScreen key={route.id} {...route} />}
        {route.name === 'ask' && <Ask />}
        {route.name === 'search' && <Search />}
      </main>
    </>
  );
}
