import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

type WorkerReply =
  | { type: 'ready' }
  | { type: 'fatal'; error: WorkerError }
  | { type: 'result'; id: number; rows: unknown[]; affectedRows: number }
  | { type: 'error'; id: number; error: WorkerError };

type WorkerError = { message: string; code?: string; detail?: string; constraint?: string; column?: string; table?: string };

/** An error raised by PostgreSQL inside the PGlite worker, with the SQLSTATE code kept. */
export class PgliteQueryError extends Error {
  readonly code?: string;
  readonly detail?: string;
  readonly constraint?: string;
  constructor(e: WorkerError) {
    super(e.message);
    this.name = 'PgliteQueryError';
    this.code = e.code;
    this.detail = e.detail;
    this.constraint = e.constraint;
  }
}

/** Client side of the PGlite worker: one ordered message channel. */
export class PgliteWorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: { rows: unknown[]; affectedRows: number }) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  readonly ready: Promise<void>;
  private closed = false;

  constructor(dataDir: string, loadFrom?: string) {
    this.worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir, loadFrom }, execArgv: [] });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (msg: WorkerReply): void => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'fatal') reject(new PgliteQueryError(msg.error));
        else this.settle(msg);
      };
      this.worker.on('message', onMessage);
      this.worker.on('error', (err) => {
        reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    });
  }

  private settle(msg: WorkerReply): void {
    if (msg.type !== 'result' && msg.type !== 'error') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === 'result') p.resolve({ rows: msg.rows, affectedRows: msg.affectedRows });
    else p.reject(new PgliteQueryError(msg.error));
  }

  private send(msg: { type: 'query'; sql: string; params: readonly unknown[] } | { type: 'exec'; sql: string } | { type: 'dump'; path: string } | { type: 'close' }): Promise<{ rows: unknown[]; affectedRows: number }> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  query(sql: string, params: readonly unknown[] = []): Promise<{ rows: unknown[]; affectedRows: number }> {
    return this.send({ type: 'query', sql, params });
  }

  exec(sql: string): Promise<void> {
    return this.send({ type: 'exec', sql }).then(() => undefined);
  }

  /** Writes the whole database as a tarball (PGlite's dumpDataDir). */
  dump(path: string): Promise<void> {
    return this.send({ type: 'dump', path }).then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.send({ type: 'close' });
    this.closed = true;
    await this.worker.terminate();
  }
}

/**
 * PGlite is a single session, so the driver hands out one connection at a
 * time (like a pool of size one): a transaction holds it until it ends.
 */
class PgliteWorkerDriver implements Driver {
  private readonly client: PgliteWorkerClient;
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: DatabaseConnection;
  private release: (() => void) | null = null;

  constructor(client: PgliteWorkerClient) {
    this.client = client;
    this.connection = {
      executeQuery: async <R>(compiled: CompiledQuery): Promise<QueryResult<R>> => {
        const res = await this.client.query(compiled.sql, compiled.parameters);
        const kind = compiled.query.kind;
        // Raw SQL may be a write too: report its count when PostgreSQL gave one, as node-postgres does.
        const isWrite = kind === 'InsertQueryNode' || kind === 'UpdateQueryNode' || kind === 'DeleteQueryNode' || kind === 'MergeQueryNode' || (kind === 'RawNode' && res.affectedRows > 0);
        return { rows: res.rows as R[], ...(isWrite ? { numAffectedRows: BigInt(res.affectedRows) } : {}) };
      },
      // eslint-disable-next-line require-yield
      streamQuery: async function* () {
        throw new Error('streaming is not supported on PGlite');
      },
    };
  }

  async init(): Promise<void> {
    await this.client.ready;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((r) => (release = r));
    await previous;
    this.release = release;
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel) {
      await conn.executeQuery(CompiledQuery.raw(`start transaction isolation level ${settings.isolationLevel}`));
    } else {
      await conn.executeQuery(CompiledQuery.raw('begin'));
    }
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const r = this.release;
    this.release = null;
    r?.();
  }

  async destroy(): Promise<void> {
    await this.client.close();
  }
}

export function pgliteDialect(client: PgliteWorkerClient): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PgliteWorkerDriver(client),
    createQueryCompiler: () => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
  };
}
