import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const port = process.env.PORT ? Number(process.env.PORT) : 4175;

// `npm run start` builds into dist/ and serves it on 127.0.0.1:4175 (or PORT;
// the next free port when that one is taken, printed either way).
export default defineConfig({
  plugins: [vue()],
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { host: '127.0.0.1', port },
  preview: { host: '127.0.0.1', port },
});
