// `npm start`'s supervision: keeps each part (Temporal dev server, FerretDB, worker, API) running on its own. A part
// that exits unexpectedly is started again after a backoff while the others keep running; stop() ends them all.
// Each part's output goes to <logDir>/<part>.log, rotated by size.
import { spawn } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { createStream } from 'rotating-file-stream';

/** Restart waits: 1 s, doubling up to 60 s; back to 1 s once the part had stayed up for a minute. */
export const BACKOFF = { initialMs: 1_000, maxMs: 60_000, stableAfterMs: 60_000 };

/** The wait before restarting a part that ran `upForMs` and was last restarted after `previousDelayMs` (none yet: undefined). */
export function restartDelay(previousDelayMs, upForMs, rule = BACKOFF) {
  if (previousDelayMs === undefined || upForMs >= rule.stableAfterMs) return rule.initialMs;
  return Math.min(previousDelayMs * 2, rule.maxMs);
}

/** Rotate at 10 MB, keep 5 rotated files (<part>.log.1 … .5): LOG_MAX_SIZE (e.g. 50M) and LOG_KEEP change it. */
export const LOG_ROTATION = { size: process.env.LOG_MAX_SIZE ?? '10M', keep: Number(process.env.LOG_KEEP ?? 5) };

/** An append-only log file rotated like logrotate: <file> is current, <file>.1 the newest rotated one. */
export function rotatingLog(file, rotation = LOG_ROTATION) {
  return createStream(basename(file), { path: `${dirname(file)}/`, size: rotation.size, rotate: rotation.keep });
}

/**
 * A Node.js script as a part: its stdout and stderr go to `output` (and to `echo` too, when given: the terminal);
 * stop() sends SIGTERM, SIGKILL after 15 s.
 */
export function nodePart(script, { env, output, echo, cwd }) {
  const child = spawn(process.execPath, ['--enable-source-maps', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // end: false — the log outlives this process and takes its successor's output.
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(output, { end: false });
    if (echo) stream.pipe(echo, { end: false });
  }
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export class Supervisor {
  #parts = [];
  #stopping = false;

  /** `say` gets one line per start, exit and restart. */
  constructor({ logDir, say, backoff = BACKOFF, logRotation = LOG_ROTATION }) {
    this.logDir = logDir;
    this.say = say;
    this.backoff = backoff;
    this.logRotation = logRotation;
  }

  /**
   * Starts a part with `launch(output)`, which resolves with `{ child, stop() }` once the part is up (as
   * servers.mjs's starters do). A first start that fails throws; after that the part is restarted whenever it exits.
   */
  async start(name, launch) {
    const part = { name, launch, output: rotatingLog(`${this.logDir}/${name}.log`, this.logRotation), handle: undefined, launching: undefined, delayMs: undefined, wake: undefined };
    this.#parts.push(part);
    part.handle = await launch(part.output);
    this.#watch(part, Date.now());
  }

  /** The part's current process id (undefined while it waits for a restart). */
  pid(name) {
    const part = this.#parts.find((p) => p.name === name);
    const child = part?.handle?.child;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Stops every part, the last started first, and closes their logs. */
  async stop() {
    this.#stopping = true;
    for (const part of this.#parts) part.wake?.();
    for (const part of [...this.#parts].reverse()) {
      await part.launching?.catch(() => undefined);
      await part.handle?.stop();
    }
    await Promise.all(this.#parts.map((part) => new Promise((resolve) => part.output.end(resolve))));
  }

  #watch(part, startedAt) {
    const { child } = part.handle;
    const exited = (code, signal) => void this.#restart(part, startedAt, signal ?? `exit code ${code}`);
    if (child.exitCode !== null || child.signalCode !== null) exited(child.exitCode, child.signalCode);
    else child.once('exit', exited);
  }

  async #restart(part, startedAt, how) {
    let upForMs = Date.now() - startedAt;
    for (;;) {
      if (this.#stopping) return;
      part.handle = undefined;
      part.delayMs = restartDelay(part.delayMs, upForMs, this.backoff);
      this.say(`${part.name} exited (${how}) after ${seconds(upForMs)}; restarting in ${seconds(part.delayMs)} (log: ${this.logDir}/${part.name}.log)`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, part.delayMs);
        part.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.#stopping) return;
      const attemptAt = Date.now();
      try {
        part.launching = part.launch(part.output);
        part.handle = await part.launching;
      } catch (error) {
        how = `restart failed: ${error.message.split('\n')[0]}`;
        upForMs = Date.now() - attemptAt;
        continue;
      } finally {
        part.launching = undefined;
      }
      // Stopped while it was starting: stop() waited for this start and stops it.
      if (this.#stopping) return;
      this.say(`${part.name} restarted (pid ${part.handle.child.pid})`);
      this.#watch(part, attemptAt);
      return;
    }
  }
}

function seconds(ms) {
  return `${Math.round(ms / 100) / 10} s`;
}
