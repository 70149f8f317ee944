import mongoose, { type Connection } from 'mongoose';

// No `$`-operator from a request may reach a query: mongoose wraps such objects in $eq.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

export interface DatabaseSettings {
  readonly url: string;
}

/** One mongoose connection per process part (API, worker); models are bound to it. */
export async function openDatabase(settings: DatabaseSettings): Promise<Connection> {
  const connection = mongoose.createConnection(settings.url, {
    serverSelectionTimeoutMS: 5_000,
    // FerretDB v1 has no retryable writes (no transactions / sessions on SQLite).
    retryWrites: false,
  });
  await connection.asPromise();
  return connection;
}

export async function pingDatabase(connection: Connection): Promise<boolean> {
  try {
    await connection.db?.admin().ping();
    return connection.readyState === 1;
  } catch {
    return false;
  }
}
