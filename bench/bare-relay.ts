/**
 * The reference for `pnpm bench`: a bare Socket.io relay with the same events as Chairside
 * (`subscribe`, `vitals` with ack, `vitals` broadcast per chair room) but no validation, no
 * storage and no rules. What Chairside adds on top of this is what the benchmark measures.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const http = createServer((req, res) => {
  res.writeHead(req.url === '/api/v1/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
const io = new Server(http);
io.on('connection', (socket) => {
  socket.on('subscribe', (req: { chairIds?: string[] } | undefined, ack?: (r: unknown) => void) => {
    for (const id of req?.chairIds ?? []) void socket.join(`chair:${id}`);
    ack?.({ ok: true });
  });
  socket.on(
    'vitals',
    (msg: { chairId: string; samples: unknown[] }, ack?: (r: unknown) => void) => {
      io.to(`chair:${msg.chairId}`).emit('vitals', { chairId: msg.chairId, samples: msg.samples });
      ack?.({ ok: true, accepted: msg.samples.length, duplicates: 0 });
    },
  );
});
http.listen(port, '127.0.0.1', () => {
  const addr = http.address();
  if (addr && typeof addr === 'object') console.log(`LISTENING ${addr.port}`);
});
process.on('SIGTERM', () => {
  void io.close();
  http.close(() => process.exit(0));
});
