import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run build` writes dist/; `npm start` builds and serves it on 127.0.0.1:4174.
export default defineConfig({
  plugins: [react()],
  // rrweb's player (for the replay panel) is most of the bundle
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true },
});
