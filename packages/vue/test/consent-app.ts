// An app with the README's consent banner, rendered on the server by
// server-render.ts and hydrated in the browser by hydration.test.ts: both
// build it here, as a Nuxt app is built once for each side.
import { createSSRApp, defineComponent, h } from 'vue';
import { createVeil, useConsent, useRecorder } from '../src/index';

const ConsentPage = defineComponent({
  setup() {
    const { state } = useRecorder();
    const { awaiting, decision, status, grant } = useConsent();
    return () =>
      h('main', [
        h('p', { id: 'state' }, `${state.value}/${status.value}`),
        awaiting.value && !decision.value
          ? h('div', { id: 'banner' }, [h('button', { id: 'allow', onClick: grant }, 'Allow recording')])
          : null,
      ]);
  },
});

/** A fresh app and its recorder (nothing is sent anywhere). */
export function consentApp() {
  return createSSRApp(ConsentPage).use(createVeil({ transport: () => undefined, requireConsent: true }));
}
