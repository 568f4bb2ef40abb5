import { createVeil } from '@veil/vue';

// Universal (not .client.ts): the directives render their markers into the
// server's HTML too; the recorder records only in the browser. The transport
// is a path on this site, handled by server/api/veil.post.ts.
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.vueApp.use(createVeil({ privacy: 'relaxed', transport: '/api/veil', requireConsent: true, flushInterval: 1000 }));
});
