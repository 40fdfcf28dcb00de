/**
 * The offline plan: `npm run plan [-- --stack <name>] [--json | --markdown] [--now YYYY-MM-DD]`.
 * Evaluates the real program for Pulumi.<stack>.yaml under Pulumi's mock
 * runtime, runs the policy pack's rules over what it registered (with
 * policies/config.<stack>.json), and prints the plan. Exit codes: 0 planned,
 * 1 the program failed, 2 the stack config is invalid (its problems are
 * printed alone), 3 planned but a mandatory policy is violated.
 */
import { parseArgs } from "node:util";
import * as path from "node:path";
import { evaluateStack, isOfflineSecret } from "../components/offline/evaluate";
import { planDocument, renderMarkdown, renderText } from "../components/offline/render";
import { parseDate } from "../components/config/dates";
import { loadPolicyConfig, runPolicies } from "../policies/policies";

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        stack: { type: "string", default: "dev" },
        "stack-file": { type: "string" },
        json: { type: "boolean", default: false },
        markdown: { type: "boolean", default: false },
        now: { type: "string" },
        help: { type: "boolean", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\nusage: npm run plan -- [--stack <name>] [--stack-file <file>] [--json | --markdown] [--now YYYY-MM-DD]\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write("usage: npm run plan -- [--stack <name>] [--stack-file <file>] [--json | --markdown] [--now YYYY-MM-DD]\n");
    return 0;
  }
  if (args.json && args.markdown) {
    process.stderr.write("--json and --markdown: choose one\n");
    return 2;
  }
  let now: Date | undefined;
  if (args.now !== undefined) {
    now = parseDate(args.now);
    if (!now) {
      process.stderr.write(`--now: must be a date written YYYY-MM-DD\n`);
      return 2;
    }
  }

  let evaluation;
  try {
    evaluation = await evaluateStack({
      stack: args.stack!,
      stackFile: args["stack-file"] ? path.resolve(args["stack-file"]) : undefined,
      now,
    });
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    // A config problem arrives as RunError("invalid stack config ...") and is printed as is.
    process.stderr.write(`${message}\n`);
    return message.startsWith("invalid stack config") ? 2 : 1;
  }

  let findings;
  try {
    findings = runPolicies(evaluation.recorded, loadPolicyConfig(args.stack!), now ?? new Date(), { isSecretStandIn: isOfflineSecret });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }

  if (args.json) process.stdout.write(`${JSON.stringify(planDocument(evaluation, findings), null, 2)}\n`);
  else if (args.markdown) process.stdout.write(`${renderMarkdown(evaluation, findings)}\n`);
  else process.stdout.write(`${renderText(evaluation, findings)}\n`);
  const mandatory = findings.filter((f) => f.enforcement === "mandatory");
  if (mandatory.length > 0) {
    process.stderr.write(`${mandatory.length} mandatory policy violation${mandatory.length === 1 ? "" : "s"}: see "policies" above\n`);
    return 3;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  },
);
