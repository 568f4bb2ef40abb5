import { createApp } from 'vue';
import { createVeil } from '@veil/vue';
import App from './App.vue';

createApp(App)
  // a path on this site: server.mjs stores what arrives there
  .use(createVeil({ privacy: 'relaxed', transport: '/api/veil', requireConsent: true, flushInterval: 1000 }))
  .mount('#app');
