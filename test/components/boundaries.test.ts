import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const offline = path.join(root, "components", "offline");

/** Every .ts file under `dir`, as absolute paths. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The relative module specifiers a file imports, requires or re-exports, resolved to absolute paths. */
function localImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*)["']/gm)].map((m) => m[1]!);
  return specifiers.map((s) => path.resolve(path.dirname(file), s));
}

// What a real `pulumi up` and the CrossGuard pack load. The offline plan and
// the tests reach the program through its dependencies (StackDeps), never
// through a module the program imports.
const production = [
  path.join(root, "index.ts"),
  ...tsFiles(path.join(root, "components")).filter((f) => !f.startsWith(offline + path.sep)),
  ...tsFiles(path.join(root, "policies")),
];

describe("production modules", () => {
  it("include the program, the components and the policy pack (the scan below has something to look at)", () => {
    const names = production.map((f) => path.relative(root, f));
    expect(names).toEqual(expect.arrayContaining(["index.ts", "components/stack.ts", "components/credentials/pat-reference.ts", "components/azure-devops/lookups.ts", "policies/policies.ts"]));
    expect(names.some((n) => n.startsWith("components/offline/"))).toBe(false);
  });

  it.each(production.map((f) => [path.relative(root, f), f]))("%s imports nothing from components/offline", (_name, file) => {
    const intoOffline = localImports(file).filter((target) => target === offline || target.startsWith(offline + path.sep));
    expect(intoOffline.map((t) => path.relative(root, t))).toEqual([]);
  });

  it("the scan sees an import into components/offline when there is one", () => {
    // The evaluator imports its mocks: the same scan must find that.
    expect(localImports(path.join(offline, "evaluate.ts")).map((t) => path.relative(root, t))).toContain("components/offline/mocks");
  });
});
