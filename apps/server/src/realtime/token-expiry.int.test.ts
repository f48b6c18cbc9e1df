import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_TTL_SECONDS } from '../domain/auth';
import { testClock } from '../testing/context';
import { ADMIN_PASSWORD, connectSocket, loginAs, startTestServer } from '../testing/harness';
import type { TestServer } from '../testing/harness';

const clock = testClock(Date.now());
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ clock });
});
afterAll(async () => {
  await t.stop();
});

describe('socket token expiry', () => {
  it('closes a live socket when its token expires, and refuses the expired token afterwards', async () => {
    const issuedAt = clock();
    const token = await loginAs(t.url, 'admin', ADMIN_PASSWORD);
    // Shortly before expiry on the server clock (exp is whole seconds, so 0.4-1.4 s before).
    clock.set(issuedAt + TOKEN_TTL_SECONDS * 1000 - 1400);
    const socket = await connectSocket(t.url, token);
    const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    // `exp` is whole seconds (floored from the issue time), so step clearly past it: 1 s
    // would leave the token valid whenever the issue time's fraction was under 0.4 s.
    clock.set(issuedAt + TOKEN_TTL_SECONDS * 1000 + 1000);
    await expect(connectSocket(t.url, token)).rejects.toThrow('unauthorized');
  });
});
