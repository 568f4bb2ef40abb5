import type { ReactNode } from 'react';
import { VeilProvider } from '@veil/react';

export const metadata = { title: 'Veil consumer: Next.js', icons: 'data:,' };

// A server component: <VeilProvider> is a client component ('use client' in
// @veil/react), rendered here with serializable options only. The transport is
// a path on this site, handled by app/api/veil/route.ts.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <VeilProvider options={{ privacy: 'relaxed', transport: '/api/veil', requireConsent: true, flushInterval: 1000 }}>
          {children}
        </VeilProvider>
      </body>
    </html>
  );
}
