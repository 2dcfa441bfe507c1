// One poller for all of a world's logs. Many cells wait at once for lines in the same files; each
// file is read incrementally once per tick, and a waiter is evaluated only when new text contains
// its needle (a queue id, a message id). Readiness by condition, never a fixed sleep.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

interface Followed {
  text: string;
  offset: number;
}

interface Waiter {
  path: string;
  needle: string;
  /** How much of the log this waiter has been evaluated against. */
  checkedUpTo: number;
  compute: (text: string) => unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  deadline: number;
  timeoutMs: number;
  what: string;
  alive?: () => string | undefined;
  /** alive() reads /proc: ask it a few times a second, not on every tick. */
  nextAliveCheck: number;
}

const ALIVE_CHECK_MS = 250;

export class LogWatch {
  private files = new Map<string, Followed>();
  private waiters = new Set<Waiter>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs = 25) {}

  /** The whole text of a log as read so far (reads what is new first). */
  text(path: string): string {
    this.read(path);
    return this.files.get(path)?.text ?? "";
  }

  private read(path: string): string {
    let f = this.files.get(path);
    if (!f) this.files.set(path, (f = { text: "", offset: 0 }));
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return "";
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= f.offset) return "";
      const buf = Buffer.alloc(size - f.offset);
      const n = readSync(fd, buf, 0, buf.length, f.offset);
      // Whole lines only: a line being written now is read again, complete, on the next tick
      // (otherwise a waiter whose needle sits in the first half would never see the second).
      const end = buf.subarray(0, n).lastIndexOf(0x0a) + 1;
      if (end === 0) return "";
      f.offset += end;
      const chunk = buf.subarray(0, end).toString("utf8");
      f.text += chunk;
      return chunk;
    } finally {
      closeSync(fd);
    }
  }

  /** Resolve with compute(text) once it is defined; compute runs when new text holds `needle`. */
  wait<T>(
    what: string,
    path: string,
    needle: string,
    compute: (text: string) => T | undefined,
    opts: { timeoutMs: number; alive?: () => string | undefined },
  ): Promise<T> {
    const text = this.text(path);
    const now = compute(text);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      this.waiters.add({
        path,
        needle,
        checkedUpTo: text.length,
        compute,
        resolve: resolve as (v: unknown) => void,
        reject,
        deadline: Date.now() + opts.timeoutMs,
        timeoutMs: opts.timeoutMs,
        what,
        alive: opts.alive,
        nextAliveCheck: Date.now() + ALIVE_CHECK_MS,
      });
      this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    });
  }

  private tick(): void {
    for (const path of new Set([...this.waiters].map((w) => w.path))) this.read(path);
    for (const w of [...this.waiters]) {
      // Text may have been read by anyone since this waiter last looked (another cell's wait()
      // reads too): look at everything past the waiter's own mark, not just this tick's chunk.
      const text = this.files.get(w.path)?.text ?? "";
      const fresh =
        text.length > w.checkedUpTo && text.indexOf(w.needle, Math.max(0, w.checkedUpTo - w.needle.length)) >= 0;
      w.checkedUpTo = text.length;
      const v = fresh ? w.compute(text) : undefined;
      if (v !== undefined) {
        this.waiters.delete(w);
        w.resolve(v);
        continue;
      }
      const now = Date.now();
      let dead: string | undefined;
      if (w.alive && now >= w.nextAliveCheck) {
        w.nextAliveCheck = now + ALIVE_CHECK_MS;
        dead = w.alive();
      }
      if (dead || now > w.deadline) {
        this.waiters.delete(w);
        w.reject(new Error(`${w.what}: ${dead ?? `not seen within ${w.timeoutMs / 1000} s`}`));
      }
    }
    if (this.waiters.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.waiters) w.reject(new Error(`${w.what}: the world was torn down`));
    this.waiters.clear();
  }
}
