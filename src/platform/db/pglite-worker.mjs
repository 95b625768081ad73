// Worker thread that owns the embedded PGlite database.
// Why a worker: PGlite runs PostgreSQL in WebAssembly and blocks the thread
// while a query runs; keeping it here leaves the HTTP thread free.
// Plain .mjs on purpose: worker threads do not inherit the tsx loader.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

const identity = (v) => v;
// Same type mapping as the native `pg` driver setup in pg-driver.ts.
const parsers = {
  [types.INT8]: (v) => Number(v),
  [types.NUMERIC]: identity,
  [types.DATE]: identity,
};

// `loadFrom` names a tarball of a prepared database (used by tests to skip initdb).
const loadDataDir = workerData.loadFrom ? new Blob([fs.readFileSync(workerData.loadFrom)]) : undefined;
const db = new PGlite({ dataDir: workerData.dataDir, parsers, extensions: { pg_trgm }, loadDataDir });

// Keep in step with src/platform/db/copy.ts.
const COPY_MARKER = '/*qifu:copy*/';
const COPY_COLUMN = '__qifu_copy';

function describe(err) {
  if (err && err.message) return String(err.message);
  if (err && typeof err === 'object') {
    try {
      return JSON.stringify(err);
    } catch {
      // fall through
    }
  }
  return String(err);
}

function toError(err) {
  return {
    message: describe(err),
    code: err && err.code ? String(err.code) : undefined,
    detail: err && err.detail ? String(err.detail) : undefined,
    constraint: err && err.constraint ? String(err.constraint) : undefined,
    column: err && err.column ? String(err.column) : undefined,
    table: err && err.table ? String(err.table) : undefined,
  };
}

db.waitReady.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (err) => parentPort.postMessage({ type: 'fatal', error: toError(err) }),
);

// Messages are handled strictly in arrival order; the main thread serialises
// connections so a transaction's statements are never interleaved.
let chain = Promise.resolve();
parentPort.on('message', (msg) => {
  chain = chain.then(async () => {
    try {
      if (msg.type === 'query' && msg.params.length === 0 && msg.sql.startsWith(COPY_MARKER)) {
        // Bulk read (see copyRows in db/copy.ts): COPY of one text column into a blob is
        // several times faster than PGlite's row-by-row result parsing.
        const res = await db.query(`copy (${msg.sql.slice(COPY_MARKER.length)}) to '/dev/blob'`);
        const text = res.blob ? await res.blob.text() : '';
        parentPort.postMessage({ type: 'result', id: msg.id, rows: [{ [COPY_COLUMN]: text }], affectedRows: 0 });
      } else if (msg.type === 'query' && msg.params.length === 0) {
        // Like node-postgres, a query without parameters goes through the simple
        // protocol, which also accepts several statements (migrations use that).
        const results = await db.exec(msg.sql);
        const last = results[results.length - 1];
        parentPort.postMessage({ type: 'result', id: msg.id, rows: last ? last.rows : [], affectedRows: last ? last.affectedRows ?? 0 : 0 });
      } else if (msg.type === 'query') {
        const res = await db.query(msg.sql, msg.params);
        parentPort.postMessage({ type: 'result', id: msg.id, rows: res.rows, affectedRows: res.affectedRows ?? 0 });
      } else if (msg.type === 'exec') {
        await db.exec(msg.sql);
        parentPort.postMessage({ type: 'result', id: msg.id, rows: [], affectedRows: 0 });
      } else if (msg.type === 'dump') {
        const blob = await db.dumpDataDir('none');
        fs.writeFileSync(msg.path, Buffer.from(await blob.arrayBuffer()));
        parentPort.postMessage({ type: 'result', id: msg.id, rows: [], affectedRows: 0 });
      } else if (msg.type === 'close') {
        await db.close();
        parentPort.postMessage({ type: 'result', id: msg.id, rows: [], affectedRows: 0 });
      }
    } catch (err) {
      parentPort.postMessage({ type: 'error', id: msg.id, error: toError(err) });
    }
  });
});
