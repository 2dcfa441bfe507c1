// A counting semaphore: at most `limit` tasks hold it at once, the rest wait in order.
// Worlds up at the same time share one, so the cells in flight stay bounded for the machine.
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`a limiter needs a limit of at least 1, not ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Run `fn` over `items` with at most `limiter.limit` at once (shared with other callers), in order of results. */
export function mapWith<T, R>(limiter: Limiter, items: T[], fn: (t: T) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map((t) => limiter.run(() => fn(t))));
}
