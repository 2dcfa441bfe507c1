import { describe, expect, it } from "vitest";
import { InputError } from "../load/input-error.ts";
import { renderTemplate } from "./template.ts";

describe("templates", () => {
  it("fills dotted names and repeats #each blocks", () => {
    const out = renderTemplate("ip {{site.ip}}\n{{#each zones}}zone {{name}} in {{dir}}\n{{/each}}", {
      site: { ip: "192.0.2.1" },
      dir: "/x",
      zones: [{ name: "a." }, { name: "b." }],
    });
    expect(out).toBe("ip 192.0.2.1\nzone a. in /x\nzone b. in /x\n");
  });

  it("names the template file and the missing variable", () => {
    try {
      renderTemplate("x = {{nope}}", {}, "environments/x/main.cf");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toBe(
        "environments/x/main.cf: nope: template variable is not defined in the render context",
      );
    }
  });
});
