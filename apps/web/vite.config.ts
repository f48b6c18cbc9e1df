import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The server listens here in development (CONTRACT.md: PORT 3000, HOST 127.0.0.1).
const SERVER = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: SERVER, changeOrigin: false },
      '/socket.io': { target: SERVER, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The chair detail route is lazy (React.lazy), so recharts lands in its own chunk and
    // the overview a nurse opens first stays light.
    chunkSizeWarningLimit: 600,
  },
});
