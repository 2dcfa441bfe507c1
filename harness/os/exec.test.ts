import { describe, expect, it } from "vitest";
import { run, runOk } from "./exec.ts";

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

  it("runs many commands at once", async () => {
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => run(["echo", String(i)])));
    expect(all.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });
});
