export default defineNuxtConfig({
  compatibilityDate: '2026-01-01',
  devtools: { enabled: false },
  telemetry: false,
  app: { head: { title: 'Veil consumer: Nuxt', link: [{ rel: 'icon', href: 'data:,' }] } },
});
