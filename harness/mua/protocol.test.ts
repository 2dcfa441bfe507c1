import { describe, expect, it } from "vitest";
import { queueIdFrom } from "./protocol.ts";

describe("queue id from the reply to DATA", () => {
  it("reads Postfix's and Exim's forms", () => {
    expect(queueIdFrom("250 2.0.0 Ok: queued as 51EC51662F2")).toBe("51EC51662F2");
    expect(queueIdFrom("250 OK id=1tQxyz-000ABC-1a")).toBe("1tQxyz-000ABC-1a");
    expect(queueIdFrom("451 4.3.0 try later")).toBeUndefined();
  });
});
