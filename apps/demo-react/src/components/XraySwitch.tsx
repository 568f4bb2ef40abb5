import { useEffect, useState } from 'react';
import type { PrivacyMode } from '@veil/react';

/**
 * Shows Veil's X-ray over the demo: what the current privacy mode records,
 * outlined. The demo loads @veil/core/xray itself rather than <VeilXray>,
 * which draws nothing in a production build: here the overlay is the point,
 * in every build. Loaded on demand, so the recorder's bundle stays without it.
 */
export function XraySwitch({ mode }: { mode: PrivacyMode }) {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!on) return;
    let overlay: { destroy(): void } | undefined;
    let off = false;
    void import('@veil/core/xray').then(({ xray }) => {
      if (!off) overlay = xray({ privacy: mode, corner: 'bottom-left' });
    });
    return () => {
      off = true;
      overlay?.destroy();
    };
  }, [on, mode]);
  return (
    <label className="xray-switch">
      <input id="xray-switch" type="checkbox" role="switch" checked={on} onChange={(event) => setOn(event.target.checked)} />
      <span>X-ray: show what is recorded</span>
    </label>
  );
}
