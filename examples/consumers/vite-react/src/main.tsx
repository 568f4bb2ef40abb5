import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { VeilProvider } from '@veil/react';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* a path on this site: server.mjs stores what arrives there */}
    <VeilProvider options={{ privacy: 'relaxed', transport: '/api/veil', requireConsent: true, flushInterval: 1000 }}>
      <App />
    </VeilProvider>
  </StrictMode>,
);
