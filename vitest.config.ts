import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

const serverTests = {
  root: './apps/server',
  include: ['src/**/*.test.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

// The whole server suite runs a second time on PostgreSQL when CI (or you) point at one.
// The feed tests start the server as a child process with its own store and are not repeated.
const postgresProjects = process.env['TEST_DATABASE_URL']
  ? [
      {
        test: {
          ...serverTests,
          name: 'server-pg',
          // Child-process tests bring their own stores; scale-out already runs on PostgreSQL.
          exclude: ['src/feed/**', 'src/scale/scale-out.int.test.ts'],
          env: { CHAIRSIDE_TEST_STORE: 'postgres' },
        },
      },
    ]
  : [];
if (postgresProjects.length === 0 && !process.argv.includes('--project')) {
  console.warn(
    '\n!! TEST_DATABASE_URL is not set: the PostgreSQL run of the server suite (server-pg) is SKIPPED.\n' +
      '!! Set it (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run it; .ci/run does.\n',
  );
}

// One vitest run, several projects: pure units, the real server over real sockets,
// React components in jsdom, and the built app in a real Chromium.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', root: './packages/core', include: ['src/**/*.test.ts'] } },
      { test: { name: 'simulator', root: './packages/simulator', include: ['src/**/*.test.ts'] } },
      // The database-outage test needs PostgreSQL (a TCP proxy it can cut): it runs in server-pg.
      {
        test: {
          ...serverTests,
          name: 'server',
          exclude: ['src/durability/store-outage.int.test.ts'],
        },
      },
      ...postgresProjects,
      {
        plugins: [react()],
        test: {
          name: 'web',
          root: './apps/web',
          include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
      {
        test: {
          name: 'e2e',
          root: './e2e',
          include: ['**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
