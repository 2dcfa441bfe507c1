import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run, runOk, startProcess } from "./exec.ts";

const dir = mkdtempSync(join(tmpdir(), "exec-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("run (through the launcher)", () => {
  it("returns exit status and output, feeds stdin, and passes the environment", async () => {
    expect(await run(["sh", "-c", "echo out; echo err >&2; exit 3"])).toEqual({
      code: 3,
      stdout: "out\n",
      stderr: "err\n",
    });
    expect((await run(["cat"], { input: "fed\n" })).stdout).toBe("fed\n");
    process.env.NCCOE_EXEC_TEST = "tagged";
    expect((await run(["sh", "-c", "echo $NCCOE_EXEC_TEST"])).stdout).toBe("tagged\n");
    delete process.env.NCCOE_EXEC_TEST;
  });

  it("rejects a command that cannot start, naming it", async () => {
    await expect(run(["/nonexistent/command", "x"])).rejects.toThrow(/\/nonexistent\/command x: .*ENOENT/);
  });

  it("runOk quotes the command and its stderr on failure", async () => {
    await expect(runOk(["sh", "-c", "echo broken >&2; exit 2"])).rejects.toThrow(/exit 2.*\n.*broken/s);
  });

  it("tells the signal that ended a command at its time-out", async () => {
    const r = await run(["sleep", "5"], { timeoutMs: 100, killSignal: "SIGKILL" });
    expect(r.signal).toBe("SIGKILL");
  });

  it("runs many commands at once", async () => {
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => run(["echo", String(i)])));
    expect(all.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });
});

describe("startProcess (through the launcher)", () => {
  it("gives the pid at once, the output in the file, and the end when it comes", async () => {
    const out = join(dir, "out.log");
    const p = await startProcess({ argv: ["sh", "-c", "echo started; echo oops >&2; exit 4"], outputFile: out });
    expect(p.pid).toBeGreaterThan(1);
    expect(await p.exited).toEqual({ code: 4, signal: null });
    expect(readFileSync(out, "utf8")).toBe("started\noops\n");
  });

  it("tells a process ended by a signal, and passes the environment", async () => {
    process.env.NCCOE_EXEC_TEST = "tagged";
    const out = join(dir, "env.log");
    const p = await startProcess({ argv: ["sh", "-c", "echo $NCCOE_EXEC_TEST; exec sleep 30"], outputFile: out });
    delete process.env.NCCOE_EXEC_TEST;
    for (let i = 0; i < 100 && !readFileSync(out, "utf8"); i++) await new Promise((r) => setTimeout(r, 20));
    process.kill(p.pid, "SIGTERM");
    expect(await p.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(readFileSync(out, "utf8")).toBe("tagged\n");
  });

  it("rejects a command that cannot start, naming it", async () => {
    await expect(startProcess({ argv: ["/nonexistent/daemon"], outputFile: join(dir, "x.log") })).rejects.toThrow(
      /\/nonexistent\/daemon: .*ENOENT/,
    );
  });
});
