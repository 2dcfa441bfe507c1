// Teardown on Ctrl-C and SIGTERM: every live resource registers here, and a signal disposes
// them all (newest first) before the process exits. Success and failure paths dispose them too.
const live = new Set<AsyncDisposable>();
const sweeps: Array<() => Promise<unknown>> = [];
let installed = false;
let stopping = false;

export function own<T extends AsyncDisposable>(resource: T): T {
  live.add(resource);
  return resource;
}

/** A last step after every resource was disposed, e.g. removing whatever still carries the run's prefix. */
export function onFinalSweep(fn: () => Promise<unknown>): void {
  sweeps.push(fn);
}

export function release(resource: AsyncDisposable): void {
  live.delete(resource);
}

export async function disposeAll(): Promise<void> {
  for (const r of [...live].reverse()) {
    live.delete(r);
    try {
      await r[Symbol.asyncDispose]();
    } catch (e) {
      console.error(`teardown: ${(e as Error).message}`);
    }
  }
}

/** Returns what removes the handlers again, e.g. for a test once its resources are gone. */
export function installSignalTeardown(log: (line: string) => void = console.error): () => void {
  if (installed) return () => undefined;
  installed = true;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`\n${sig}: tearing down (${live.size} live resource${live.size === 1 ? "" : "s"})...`);
    disposeAll()
      .then(async () => {
        for (const sweep of sweeps) await sweep().catch((e: Error) => log(`teardown: ${e.message}`));
      })
      .finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const sig of signals) process.on(sig, onSignal);
  return () => {
    for (const sig of signals) process.off(sig, onSignal);
    installed = false;
  };
}

export function isStopping(): boolean {
  return stopping;
}

/** Thrown by long steps that notice a stop was asked for, so they start nothing new. */
export class Stopping extends Error {
  constructor() {
    super("stopped by a signal");
  }
}

export function checkNotStopping(): void {
  if (stopping) throw new Stopping();
}
