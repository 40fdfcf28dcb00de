import * as path from "node:path";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { evaluateStack, SECRET_MARK } from "../../components/offline/evaluate";
import { OFFLINE_SECRET_PREFIX } from "../../components/offline/mocks";
import { planDocument, renderMarkdown, renderText } from "../../components/offline/render";
import { NOW } from "../helpers";

const root = path.resolve(__dirname, "../..");
const stacks: [string, string][] = [
  ...readdirSync(root)
    .filter((f) => /^Pulumi\.[a-z]+\.yaml$/.test(f))
    .map((f): [string, string] => [f, path.join(root, f)]),
  ...readdirSync(path.join(root, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f): [string, string] => [`examples/${f}`, path.join(root, "examples", f)]),
];

/** Labels whose values are secrets, per integration (a Key Vault reference is not one). */
const SECRET_LABELS = ["Client Secret", "Secret", "Personal access token", "Personal Access Token", "Webhook Password"];

describe.each(stacks)("secrets in %s", (_name, stackFile) => {
  it("never appear in the plan, in any format, and every secret field is a Pulumi secret", async () => {
    const e = await evaluateStack({ projectDir: root, stack: "dev", stackFile, now: NOW });
    const texts = [renderText(e), renderMarkdown(e), JSON.stringify(planDocument(e))];
    for (const text of texts) {
      // Made-up secrets carry the prefix; secure: values carry "placeholder" in these files.
      expect(text).not.toContain(OFFLINE_SECRET_PREFIX);
      expect(text).not.toContain("placeholder");
      expect(text).not.toMatch(/v1:[A-Za-z0-9+/=]+:/);
    }
    const fields = e.outputs.fields as Record<string, Record<string, unknown>>;
    for (const [integration, values] of Object.entries(fields)) {
      for (const [label, value] of Object.entries(values)) {
        if (SECRET_LABELS.includes(label) || (label === "Azure Access Token" && !String(value).startsWith("@Microsoft.KeyVault("))) {
          expect(value, `${integration}.${label}`).toBe(SECRET_MARK);
        }
      }
    }
    // The raw registrations: every made-up secret value is wrapped as a secret wherever it is an input.
    for (const r of e.recorded) {
      const plain = JSON.stringify(r.inputs, (k, v) => (v && typeof v === "object" && v["4dabf18193072939515e22adb298388d"] ? "[wrapped]" : v));
      expect(plain, `${r.type} ${r.name}`).not.toContain(OFFLINE_SECRET_PREFIX);
    }
  });
});
