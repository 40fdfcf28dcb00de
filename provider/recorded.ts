import { randomUUID } from "node:crypto";
import type { ResourceKind } from "./resources";

// Two resources that live only in state, with no object in Azure DevOps or
// Entra: a value recorded once (who first created an app registration), and
// the PAT last handed to a tool. Both rely on the engine keeping a resource's
// old outputs when `diff` finds no change, whatever its new inputs say.

/** `value: must be …` when the input is not a non-empty string. */
function valueProblems(value: unknown): string[] {
  return typeof value === "string" && value !== "" ? [] : ["value: must be a non-empty string"];
}

/**
 * A value recorded when the resource is created and never changed afterwards:
 * `diff` ignores every later input, so the output stays the first one. The
 * program passes the identity running `pulumi up`; the output is the identity
 * that ran it first.
 */
export const recordedValue: ResourceKind = {
  problems: (inputs) => valueProblems(inputs.value),
  diff: () => ({ changes: false, replaces: [] }),
  create: async (inputs) => ({ id: randomUUID(), outs: { value: String(inputs.value) } }),
  read: async (id, props) => ({ id, props }),
  importState: async () => undefined,
  // Never reached (diff finds no change); keeps the recorded value if the engine asks anyway.
  update: async (_id, olds) => ({ outs: { value: olds.value } }),
  delete: async () => {},
};

/**
 * The PAT a tool was handed. A PAT fit to hand over (`fit`: not expired, not
 * inside its warning window) replaces the one handed before; an unfit one is
 * held back: `diff` finds no change and the output keeps the PAT handed
 * before, or stays empty when none was. The program compares the output with
 * the PAT it holds to tell a held handoff.
 */
export const patHandoff: ResourceKind = {
  problems: (inputs) => [...valueProblems(inputs.value), ...(typeof inputs.fit === "boolean" ? [] : ["fit: must be true or false"])],
  diff: (olds, news) => ({ changes: news.fit === true && news.value !== olds.value, replaces: [] }),
  create: async (inputs) => ({ id: randomUUID(), outs: { value: inputs.fit === true ? String(inputs.value) : "", fit: inputs.fit === true } }),
  read: async (id, props) => ({ id, props }),
  importState: async () => undefined,
  update: async (_id, olds, news) => ({ outs: news.fit === true ? { value: String(news.value), fit: true } : { value: olds.value, fit: false } }),
  delete: async () => {},
};
