import { startServer } from './start.ts';

// `npm start`: configuration comes from the environment (README "Configuration").
const server = await startServer().catch((err: unknown) => {
  process.stderr.write(`[qifu] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
