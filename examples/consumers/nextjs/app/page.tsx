import { Sensitive } from '@veil/react';
import { ConsentBanner, RecorderState } from './consent-banner';

// Rendered on the server for every request, so the check sees server HTML.
export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <main>
      <ConsentBanner />
      <h1>Veil consumer smoke page</h1>
      <p>
        Recorder: <RecorderState />
      </p>
      <form>
        <Sensitive>
          <label>
            Private note <input id="memo" />
          </label>
        </Sensitive>
        <label>
          Ordinary note <input id="note" />
        </label>
        {/* in a server component, the attribute itself */}
        <label>
          Delivery instructions <textarea id="instructions" data-veil="mask" />
        </label>
      </form>
    </main>
  );
}
