import mongoose, { type Connection } from 'mongoose';

// No `$`-operator from a request may reach a query: mongoose wraps such objects in $eq.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

export interface DatabaseSettings {
  readonly url: string;
  /** Commands that take at least this long are handed to `onSlowCommand`; absent: no command monitoring. */
  readonly slowCommands?: { readonly thresholdMs: number; readonly onSlowCommand: (command: SlowCommand) => void };
}

/** One database command that took at least the threshold: what ran, on which collection, how long, whether it failed. */
export interface SlowCommand {
  readonly command: string;
  readonly collection: string | undefined;
  readonly durationMs: number;
  readonly failed: boolean;
}

/** Settings that log each slow command as a warning (`DUBAN_SLOW_QUERY_MS`); none when no threshold is set. */
export function slowCommandLog(thresholdMs: number | undefined, logger: { warn(fields: object, message: string): void }): Pick<DatabaseSettings, 'slowCommands'> {
  if (thresholdMs === undefined) return {};
  return { slowCommands: { thresholdMs, onSlowCommand: (command) => logger.warn(command, 'slow database command') } };
}

/** One mongoose connection per process part (API, worker); models are bound to it. */
export async function openDatabase(settings: DatabaseSettings): Promise<Connection> {
  const connection = mongoose.createConnection(settings.url, {
    serverSelectionTimeoutMS: 5_000,
    // FerretDB v1 has no retryable writes (no transactions / sessions on SQLite).
    retryWrites: false,
    ...(settings.slowCommands ? { monitorCommands: true } : {}),
  });
  if (settings.slowCommands) watchSlowCommands(connection, settings.slowCommands.thresholdMs, settings.slowCommands.onSlowCommand);
  await connection.asPromise();
  return connection;
}

/**
 * The driver's command monitoring: a started command's collection is remembered by request id (the finished
 * events do not carry the command), and the finished ones at or over the threshold are reported.
 */
function watchSlowCommands(connection: Connection, thresholdMs: number, report: (command: SlowCommand) => void): void {
  const collections = new Map<number, string | undefined>();
  const client = connection.getClient();
  client.on('commandStarted', (event) => {
    const target = event.command[event.commandName] as unknown;
    collections.set(event.requestId, typeof target === 'string' ? target : undefined);
  });
  const finished = (failed: boolean) => (event: { requestId: number; commandName: string; duration: number }) => {
    const collection = collections.get(event.requestId);
    collections.delete(event.requestId);
    if (event.duration >= thresholdMs) report({ command: event.commandName, collection, durationMs: Math.round(event.duration), failed });
  };
  client.on('commandSucceeded', finished(false));
  client.on('commandFailed', finished(true));
}

const ferretDbConnections = new WeakMap<Connection, Promise<boolean>>();

/**
 * Whether the server behind the connection is FerretDB (its `buildInfo` carries `ferretdbVersion`), asked once per
 * connection. FerretDB v1 pushes a filter down to SQL only when it is `{ _id }` alone and runs an update as a read
 * then a write, so a few hot paths choose a different, equally safe form there.
 */
export function isFerretDb(connection: Connection): Promise<boolean> {
  let answer = ferretDbConnections.get(connection);
  if (!answer) {
    answer = connection.db!.admin().command({ buildInfo: 1 }).then((info) => 'ferretdbVersion' in info);
    answer.catch(() => ferretDbConnections.delete(connection));
    ferretDbConnections.set(connection, answer);
  }
  return answer;
}

export async function pingDatabase(connection: Connection): Promise<boolean> {
  try {
    await connection.db?.admin().ping();
    return connection.readyState === 1;
  } catch {
    return false;
  }
}
