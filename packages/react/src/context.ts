import { createContext, useContext } from 'react';
import type { Recorder } from '@veil/core';

/** The recorder of the nearest `<VeilProvider>`, or `null` outside one. */
export const VeilContext = createContext<Recorder | null>(null);
VeilContext.displayName = 'VeilContext';

/** The nearest provider's recorder; throws, naming `hook` and the fix, outside a provider. */
export function useVeilRecorder(hook: string): Recorder {
  const recorder = useContext(VeilContext);
  if (!recorder) {
    throw new Error(
      `[veil] ${hook} must be called inside <VeilProvider>. Wrap your app (or this part of the tree) in <VeilProvider options={{ transport: … }}> or <VeilProvider recorder={recorder}>.`,
    );
  }
  return recorder;
}
