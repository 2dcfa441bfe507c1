// A tiny template language for implementation config files:
//   {{a.b}}                      a value from the context (an unknown name is an error)
//   {{#each list}}...{{/each}}   repeat for each item; inside, names resolve on the item first
// Pure and strict: the error names the template file and the missing field.
import { InputError } from "../load/input-error.ts";

export type Context = { [key: string]: unknown };

function lookup(ctx: Context[], path: string): unknown {
  for (const scope of ctx) {
    let v: unknown = scope;
    let found = true;
    for (const part of path.split(".")) {
      if (v !== null && typeof v === "object" && part in (v as object)) v = (v as Record<string, unknown>)[part];
      else {
        found = false;
        break;
      }
    }
    if (found) return v;
  }
  return undefined;
}

const EACH = /\{\{#each ([\w.-]+)\}\}([\s\S]*?)\{\{\/each\}\}/g;
const VAR = /\{\{([\w.-]+)\}\}/g;

function renderScoped(text: string, scopes: Context[], file: string): string {
  const expanded = text.replace(EACH, (_m, name: string, body: string) => {
    const list = lookup(scopes, name);
    if (!Array.isArray(list)) throw new InputError(file, name, "#each needs a list in the render context");
    return list.map((item) => renderScoped(body, [item as Context, ...scopes], file)).join("");
  });
  return expanded.replace(VAR, (_m, name: string) => {
    const v = lookup(scopes, name);
    if (v === undefined || v === null || typeof v === "object")
      throw new InputError(file, name, "template variable is not defined in the render context");
    return String(v);
  });
}

export function renderTemplate(text: string, context: Context, file = "<template>"): string {
  return renderScoped(text, [context], file);
}
