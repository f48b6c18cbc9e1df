import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { ADMIN_PASSWORD, call, loginAs, makeDataDir } from '../testing/harness';
import { dropTestDatabase, testDatabaseUrl } from '../testing/store';

/**
 * The promise behind every ack: "stored durably". A real server process takes 500 chairs of
 * device readings over the socket ingest and is killed with SIGKILL in the middle; after a
 * restart on the same store every acknowledged reading is there exactly once. Devices then
 * resend everything they sent (acked or not), as a FeedClient does after a reconnect, and
 * still each reading is stored exactly once.
 */

const CHAIRS = 500;
const FEEDERS = 25; // device connections, each carrying 20 chairs (a gateway), to spare the test machine
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => {
        resolve(a !== null && typeof a === 'object' ? a.port : 0);
      });
    });
    s.on('error', reject);
  });
}

const children: ChildProcess[] = [];
const dataDir = makeDataDir();

function startServer(port: number, databaseUrl: string | undefined): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...(databaseUrl === undefined ? {} : { DATABASE_URL: databaseUrl }),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const poll = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`server exited with ${child.exitCode}`));
        return;
      }
      fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
        (r) => {
          if (r.ok) resolve(child);
          else setTimeout(poll, 200);
        },
        () => {
          if (Date.now() > deadline) reject(new Error('server did not start'));
          else setTimeout(poll, 200);
        },
      );
    };
    poll();
  });
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  await dropTestDatabase(dataDir);
});

interface SentSample {
  id: string;
  at: string;
  hr: number;
  spo2: number;
  source: 'device';
}

describe('durability under SIGKILL', () => {
  it(
    'keeps every acknowledged reading exactly once when the server is killed mid-load, and stores resends once',
    { timeout: 180_000 },
    async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const databaseUrl = await testDatabaseUrl(dataDir);
      const first = await startServer(port, databaseUrl);
      const token = await loginAs(url, 'admin', ADMIN_PASSWORD);
      const chairIds: string[] = [];
      for (let i = 0; i < CHAIRS; i++) {
        const r = await call<{ chair: { id: string } }>(url, 'POST', '/chairs', {
          token,
          body: { label: `Load ${i + 1}` },
        });
        expect(r.status).toBe(201);
        chairIds.push(r.body.chair.id);
      }

      const sockets: Socket[] = await Promise.all(
        Array.from(
          { length: FEEDERS },
          () =>
            new Promise<Socket>((resolve, reject) => {
              const s = io(url, {
                auth: { token },
                transports: ['websocket'],
                reconnection: false,
              });
              s.once('connect', () => {
                resolve(s);
              });
              s.once('connect_error', reject);
            }),
        ),
      );

      const sent = new Map<string, SentSample[]>(chairIds.map((id) => [id, []]));
      const acked = new Set<string>();
      let seq = 0;
      // 1 Hz per chair, staggered like real devices: every 10 ms, one chair in a hundred sends.
      const started = Date.now();
      const killAfterMs = 6000;
      await new Promise<void>((resolve) => {
        let round = 0;
        const timer = setInterval(() => {
          const slice = round % 100;
          round++;
          for (let c = slice; c < CHAIRS; c += 100) {
            const chairId = chairIds[c];
            const socket = sockets[c % FEEDERS];
            if (chairId === undefined || socket === undefined) continue;
            const sample: SentSample = {
              id: `dev-${c}-${++seq}`,
              at: new Date().toISOString(),
              hr: 60 + (seq % 40),
              spo2: 97,
              source: 'device',
            };
            sent.get(chairId)?.push(sample);
            socket.emit('vitals', { chairId, samples: [sample] }, (ack: { ok: boolean }) => {
              if (ack.ok) acked.add(sample.id);
            });
          }
          if (Date.now() - started >= killAfterMs) {
            clearInterval(timer);
            first.kill('SIGKILL');
            resolve();
          }
        }, 10);
      });
      await new Promise((r) => first.once('exit', r));
      for (const s of sockets) s.close();
      const totalSent = [...sent.values()].reduce((a, v) => a + v.length, 0);
      expect(acked.size).toBeGreaterThan(CHAIRS * 3);

      await startServer(port, databaseUrl);
      const token2 = await loginAs(url, 'admin', ADMIN_PASSWORD);
      const storedIds = async (): Promise<string[]> => {
        const ids: string[] = [];
        for (const chairId of chairIds) {
          const r = await call<{ samples: { id: string }[] }>(
            url,
            'GET',
            `/chairs/${chairId}/vitals?limit=20000`,
            { token: token2 },
          );
          expect(r.status).toBe(200);
          ids.push(...r.body.samples.map((s) => s.id));
        }
        return ids;
      };
      const afterCrash = await storedIds();
      const afterCrashSet = new Set(afterCrash);
      expect(afterCrash.length).toBe(afterCrashSet.size);
      const lost = [...acked].filter((id) => !afterCrashSet.has(id));
      expect(lost).toEqual([]);

      // The devices resend everything (acked or not): nothing is doubled, nothing is missing.
      let duplicates = 0;
      for (const [chairId, samples] of sent) {
        for (let i = 0; i < samples.length; i += 1000) {
          const r = await call<{ accepted: number; duplicates: number }>(
            url,
            'POST',
            `/chairs/${chairId}/vitals`,
            { token: token2, body: samples.slice(i, i + 1000) },
          );
          expect(r.status).toBe(201);
          duplicates += r.body.duplicates;
        }
      }
      const final = await storedIds();
      expect(final.length).toBe(totalSent);
      expect(new Set(final).size).toBe(totalSent);
      expect(duplicates).toBe(afterCrash.length);
      console.log(
        `SIGKILL after ${killAfterMs} ms: sent ${totalSent}, acked ${acked.size}, stored before resend ${afterCrash.length} (acked and lost: 0), after resend ${final.length}`,
      );
    },
  );
});
