/**
 * Delivery health: `npm run health -- --stack <name> [--state <file>] [--stack-file <file>]`
 *   `[--max-failing-hours 24] [--test-delivery] [--json] [--per-hook 20] [--hooks-per-call 50] [--now <date-time>]`
 *
 * --now sets the clock the window is measured against; defaults to the current time.
 *
 * Finds the service hooks the stack manages (resources of type
 * azure-devops-integrations:index:ServiceHookSubscription in
 * `pulumi stack export --stack <name>`, or in an exported state file), reads
 * each hook's recent deliveries from Azure DevOps (notificationsquery, many
 * hooks per call), and reports per hook the last success, the failures since
 * and the receiver's status codes. With --test-delivery it also sends each
 * hook a test notification and reports whether the receiver accepted the
 * credentials the service holds.
 *
 * Exit codes: 0 no hook has failed for longer than the window (and every
 * test delivery was accepted); 1 the check could not run (state, config or
 * REST error); 2 bad arguments; 3 a hook has failed for longer than the
 * window, or a test delivery was not accepted. Reads Azure DevOps with the
 * deployment's credentials (AZDO_PERSONAL_ACCESS_TOKEN or Entra); prints no
 * secret: of a receiver's answer only its status code, of a webhook URL
 * only its host.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { AdoClient } from "../components/azure-devops/runtime/client";
import {
  byNewest,
  DEFAULT_HOOKS_PER_QUERY,
  DEFAULT_NOTIFICATIONS_PER_HOOK,
  type HookNotification,
  queryNotifications,
  sendTestNotification,
  type TestDelivery,
  type TestNotificationOptions,
} from "../components/azure-devops/runtime/notifications";
import { CONFIG_NAMESPACE } from "../components/config/namespace";
import { INTEGRATION_TYPE, webhookPasswordName } from "../components/integration-names";
import { TOKENS } from "../provider/schema";

/**
 * Hours a hook may fail before the check fails. 24: the check runs nightly,
 * so a hook broken since before the previous run fails this one, while a
 * receiver down for an evening's maintenance (which Azure DevOps rides out
 * with its own retries and probation) does not wake anyone.
 */
export const DEFAULT_MAX_FAILING_HOURS = 24;

const USAGE =
  "usage: npm run health -- --stack <name> [--state <file>] [--stack-file <file>] [--max-failing-hours <hours>] [--test-delivery] [--json] [--per-hook <n>] [--hooks-per-call <n>] [--now <date-time>]";

/** A hook the stack manages, as state records it. */
export interface ManagedHook {
  /** The subscription id (the resource's id). */
  readonly id: string;
  /** The resource name (`spacelift-hooks-infra-push`). */
  readonly name: string;
  /** The integration it belongs to (the name of its Integration ancestor), or "" when state has none. */
  readonly integration: string;
  readonly organizationUrl: string;
  readonly eventType: string;
  /** The receiver's host (never the whole URL). */
  readonly receiverHost: string;
}

/**
 * The hooks in a `pulumi stack export` document. Reads only plain outputs
 * (organizationUrl, eventType, url); secret values in state are never touched.
 */
export function hooksFromState(document: unknown, defaultOrganizationUrl?: string): ManagedHook[] {
  const resources = (document as { deployment?: { resources?: unknown } } | undefined)?.deployment?.resources;
  if (!Array.isArray(resources)) throw new Error("the state has no deployment.resources: pass the output of `pulumi stack export`");
  type StateResource = { urn?: string; type?: string; id?: string; parent?: string; outputs?: Record<string, unknown>; inputs?: Record<string, unknown>; delete?: boolean };
  const byUrn = new Map<string, StateResource>();
  for (const r of resources as StateResource[]) if (typeof r?.urn === "string") byUrn.set(r.urn, r);
  const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);
  const integrationOf = (resource: StateResource): string => {
    for (let parent = resource.parent, depth = 0; parent !== undefined && depth < 20; depth++) {
      const found = byUrn.get(parent);
      if (found?.type === INTEGRATION_TYPE) return nameOf(parent);
      parent = found?.parent;
    }
    return "";
  };
  const plain = (value: unknown): string => (typeof value === "string" ? value : "");
  const hooks: ManagedHook[] = [];
  for (const r of resources as StateResource[]) {
    if (r?.type !== TOKENS.serviceHookSubscription || r.delete === true || typeof r.urn !== "string" || typeof r.id !== "string" || r.id === "") continue;
    const values = { ...(r.inputs ?? {}), ...(r.outputs ?? {}) };
    let receiverHost = "";
    try {
      receiverHost = new URL(plain(values.url)).host;
    } catch {
      receiverHost = "";
    }
    hooks.push({
      id: r.id.toLowerCase(),
      name: nameOf(r.urn),
      integration: integrationOf(r),
      organizationUrl: plain(values.organizationUrl) || defaultOrganizationUrl || "",
      eventType: plain(values.eventType),
      receiverHost,
    });
  }
  return hooks.sort((a, b) => a.integration.localeCompare(b.integration) || a.name.localeCompare(b.name));
}

/** Where each integration's webhook password comes from: its config key, or generated by the stack. */
export type PasswordSources = ReadonlyMap<string, { readonly key: string } | { readonly generated: true }>;

/**
 * The webhook password's config key of every integration with service hooks,
 * from the stack's config file (keys only: no value is read or decrypted).
 */
export function passwordSourcesFromStackFile(text: string): PasswordSources {
  const doc = parseYaml(text) as { config?: Record<string, unknown> } | null;
  const integrations = doc?.config?.[`${CONFIG_NAMESPACE}:integrations`];
  const sources = new Map<string, { key: string } | { generated: true }>();
  if (!Array.isArray(integrations)) return sources;
  for (const entry of integrations as { name?: unknown; serviceHooks?: { passwordSecret?: unknown } | null }[]) {
    if (typeof entry?.name !== "string" || typeof entry.serviceHooks !== "object" || entry.serviceHooks === null) continue;
    const key = entry.serviceHooks.passwordSecret;
    sources.set(entry.name, typeof key === "string" && key !== "" ? { key } : { generated: true });
  }
  return sources;
}

/** A hook's delivery health. */
export interface HookHealth {
  /**
   * healthy: the newest completed delivery succeeded. failing: it failed.
   * never delivered: the service has no delivery of it at all. queued:
   * deliveries exist but none has completed.
   */
  readonly state: "healthy" | "failing" | "never delivered" | "queued";
  /** The newest successful delivery, when one is known. */
  readonly lastSuccess?: string;
  /** The newest failed delivery, when one was seen. */
  readonly lastFailure?: string;
  /** Failed deliveries newer than the last success (among those read). */
  readonly failuresSince: number;
  /** True when more failures may exist than were read (the per-hook limit was reached without a success). */
  readonly failuresSinceAtLeast: boolean;
  /**
   * When the hook started failing: the oldest failure after the last success.
   * When the deliveries read were all failures, it is the last success
   * (failing "since at most"), or, with no success ever, the oldest failure
   * read (failing "since at least").
   */
  readonly failingSince?: string;
  /** How failingSince was found: exact, the last success (an upper bound of the time failing) or the oldest failure read (a lower bound). */
  readonly failingSinceIs?: "exact" | "last success" | "oldest failure read";
  /** Hours from failingSince to the check, rounded down to a tenth. */
  readonly failingHours?: number;
  /** True when failing for longer than the window. */
  readonly overWindow: boolean;
  /** The receiver's status codes among the failures since the last success, with counts ("none" for no answer). */
  readonly statusCodes: Readonly<Record<string, number>>;
}

/**
 * Judges one hook from its newest deliveries (`recent`, at most `perHook`),
 * and, when those were all failures, its last success found by a separate
 * lookup (`lastSuccess`, undefined when it has none).
 */
export function assessHook(recent: readonly HookNotification[], options: { readonly perHook: number; readonly now: Date; readonly maxFailingHours: number; readonly lastSuccess?: HookNotification }): HookHealth {
  const sorted = [...recent].sort(byNewest);
  if (sorted.length === 0) return { state: "never delivered", failuresSince: 0, failuresSinceAtLeast: false, overWindow: false, statusCodes: {} };
  const completed = sorted.filter((n) => n.result === "succeeded" || n.result === "failed");
  const newest = completed[0];
  if (newest === undefined) return { state: "queued", failuresSince: 0, failuresSinceAtLeast: false, overWindow: false, statusCodes: {} };
  if (newest.result === "succeeded") return { state: "healthy", lastSuccess: newest.createdDate, failuresSince: 0, failuresSinceAtLeast: false, overWindow: false, statusCodes: {} };

  const successIndex = completed.findIndex((n) => n.result === "succeeded");
  const failures = (successIndex < 0 ? completed : completed.slice(0, successIndex)).filter((n) => n.result === "failed");
  const statusCodes: Record<string, number> = {};
  for (const f of failures) {
    const code = f.receiverStatus === undefined ? "none" : String(f.receiverStatus);
    statusCodes[code] = (statusCodes[code] ?? 0) + 1;
  }
  const oldestFailure = failures[failures.length - 1]!.createdDate;
  // Every delivery the service holds was read when fewer than perHook came back.
  const sawAll = sorted.length < options.perHook;
  let lastSuccess: string | undefined;
  let failingSince: string;
  let failingSinceIs: HookHealth["failingSinceIs"];
  if (successIndex >= 0) {
    lastSuccess = completed[successIndex]!.createdDate;
    failingSince = oldestFailure;
    failingSinceIs = "exact";
  } else if (sawAll) {
    failingSince = oldestFailure;
    failingSinceIs = "exact";
  } else if (options.lastSuccess !== undefined) {
    lastSuccess = options.lastSuccess.createdDate;
    failingSince = lastSuccess;
    failingSinceIs = "last success";
  } else {
    failingSince = oldestFailure;
    failingSinceIs = "oldest failure read";
  }
  const failingMs = options.now.getTime() - Date.parse(failingSince);
  return {
    state: "failing",
    ...(lastSuccess === undefined ? {} : { lastSuccess }),
    lastFailure: failures[0]!.createdDate,
    failuresSince: failures.length,
    failuresSinceAtLeast: successIndex < 0 && !sawAll,
    failingSince,
    failingSinceIs,
    failingHours: Math.floor(Math.max(0, failingMs) / 360_000) / 10,
    overWindow: failingMs > options.maxFailingHours * 3_600_000,
    statusCodes,
  };
}

/** A test delivery's outcome for one hook. */
export interface TestDeliveryReport {
  readonly outcome: "accepted" | "rejected" | "failed" | "not completed" | "error";
  /** The receiver's status, when it answered. */
  readonly receiverStatus?: number;
  /** What to check, for anything but accepted. */
  readonly advice?: string;
}

/** The advice for a test delivery the receiver refused with 401/403: the integration and where its password comes from. */
export function credentialAdvice(hook: ManagedHook, sources: PasswordSources | undefined, stack: string): string {
  const integration = hook.integration === "" ? "this hook's integration" : `integration "${hook.integration}"`;
  const source = hook.integration === "" ? undefined : sources?.get(hook.integration);
  if (source === undefined) {
    return `the receiver refused the webhook credentials of ${integration}: check its serviceHooks.passwordSecret key in Pulumi.${stack}.yaml against the password the receiver expects, then run \`pulumi up\``;
  }
  if ("key" in source) {
    return `the receiver refused the webhook credentials of ${integration}: check the secret config key ${CONFIG_NAMESPACE}:${source.key} (\`pulumi config set --secret ${source.key} <password the receiver expects> --stack ${stack}\`), then run \`pulumi up\``;
  }
  return `the receiver refused the webhook credentials of ${integration}: its password is generated by the stack (${webhookPasswordName(hook.integration)}); give the receiver the stack's current value (the integration's webhookPassword field), or set serviceHooks.passwordSecret to a secret config key holding the password it expects and run \`pulumi up\``;
}

function reportTest(hook: ManagedHook, delivery: TestDelivery, sources: PasswordSources | undefined, stack: string): TestDeliveryReport {
  if (!delivery.completed) {
    return { outcome: "not completed", advice: `the test notification ${delivery.notificationId} was still not completed after ${delivery.polls} reads; look at the hook's history in Project settings > Service hooks` };
  }
  const n = delivery.notification;
  const status = n.receiverStatus;
  if (n.result === "succeeded") return { outcome: "accepted", ...(status === undefined ? {} : { receiverStatus: status }) };
  if (status === 401 || status === 403) return { outcome: "rejected", receiverStatus: status, advice: credentialAdvice(hook, sources, stack) };
  if (status === undefined) return { outcome: "failed", advice: `the receiver ${hook.receiverHost} did not answer; check that it is up and reachable from Azure DevOps` };
  return { outcome: "failed", receiverStatus: status, advice: `the receiver ${hook.receiverHost} answered ${status}; check the receiver and the hook's URL` };
}

/** The whole report. */
export interface HealthReport {
  readonly stack: string;
  readonly checkedAt: string;
  readonly maxFailingHours: number;
  readonly hooks: readonly (ManagedHook & { readonly health: HookHealth; readonly subscriptionStatus?: string; readonly testDelivery?: TestDeliveryReport })[];
  /** REST calls made, retries included. */
  readonly calls: number;
}

/** How {@link checkHealth} runs. */
export interface CheckOptions {
  readonly stack: string;
  readonly hooks: readonly ManagedHook[];
  readonly now: Date;
  readonly maxFailingHours: number;
  readonly perHook?: number;
  readonly hooksPerCall?: number;
  readonly testDelivery?: boolean;
  readonly testOptions?: TestNotificationOptions;
  /** Needed for the advice of a refused test delivery. */
  readonly passwordSources?: PasswordSources;
  /** Where credentials and client settings are read from. Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Reads the delivery history of every hook (notificationsquery, hooksPerCall
 * hooks per call; a second, smaller query for the last success of hooks whose
 * recent deliveries were all failures) and, if asked, sends test deliveries.
 */
export async function checkHealth(options: CheckOptions): Promise<HealthReport> {
  const perHook = options.perHook ?? DEFAULT_NOTIFICATIONS_PER_HOOK;
  const byOrganization = new Map<string, ManagedHook[]>();
  for (const hook of options.hooks) {
    if (hook.organizationUrl === "") throw new Error(`hook ${hook.name} has no organizationUrl in state; run \`pulumi refresh\` or set AZDO_ORG_SERVICE_URL`);
    const group = byOrganization.get(hook.organizationUrl);
    if (group) group.push(hook);
    else byOrganization.set(hook.organizationUrl, [hook]);
  }
  let calls = 0;
  const hooks: HealthReport["hooks"][number][] = [];
  for (const [organizationUrl, group] of byOrganization) {
    const client = new AdoClient({ organizationUrl, env: options.env });
    try {
      const ids = group.map((h) => h.id);
      const recent = await queryNotifications(client, ids, { perHook, hooksPerCall: options.hooksPerCall });
      // Hooks whose deliveries read were all failures, with more in history: when did one last succeed?
      const unknown = ids.filter((id) => {
        const list = recent.notifications.get(id) ?? [];
        return list.length >= perHook && !list.some((n) => n.result === "succeeded") && list.some((n) => n.result === "failed");
      });
      const lastSuccess = unknown.length === 0 ? undefined : await queryNotifications(client, unknown, { perHook: 1, hooksPerCall: options.hooksPerCall, resultType: "succeeded" });
      const tests = new Map<string, TestDeliveryReport>();
      if (options.testDelivery) {
        await inBatches(group, 8, async (hook) => {
          try {
            tests.set(hook.id, reportTest(hook, await sendTestNotification(client, hook.id, options.testOptions), options.passwordSources, options.stack));
          } catch (error) {
            tests.set(hook.id, { outcome: "error", advice: (error as Error).message });
          }
        });
      }
      for (const hook of group) {
        const health = assessHook(recent.notifications.get(hook.id) ?? [], {
          perHook,
          now: options.now,
          maxFailingHours: options.maxFailingHours,
          lastSuccess: lastSuccess?.notifications.get(hook.id)?.find((n) => n.result === "succeeded"),
        });
        const subscriptionStatus = recent.subscriptions.get(hook.id)?.status;
        const test = tests.get(hook.id);
        hooks.push({ ...hook, health, ...(subscriptionStatus === undefined ? {} : { subscriptionStatus }), ...(test === undefined ? {} : { testDelivery: test }) });
      }
    } finally {
      calls += client.requestCount;
    }
  }
  return { stack: options.stack, checkedAt: options.now.toISOString(), maxFailingHours: options.maxFailingHours, hooks, calls };
}

async function inBatches<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** True when the report should fail the check. */
export function unhealthy(report: HealthReport): boolean {
  return report.hooks.some((h) => h.health.overWindow || (h.testDelivery !== undefined && h.testDelivery.outcome !== "accepted"));
}

function describeHealth(h: HookHealth, window: number): string {
  switch (h.state) {
    case "healthy":
      return `healthy: last success ${h.lastSuccess}`;
    case "never delivered":
      return "never delivered: the service has no delivery of this hook";
    case "queued":
      return "queued: deliveries are waiting, none has completed yet";
    case "failing": {
      const codes = Object.entries(h.statusCodes)
        .map(([code, count]) => `${code === "none" ? "no answer" : code} x${count}`)
        .join(", ");
      const since = h.failingSinceIs === "last success" ? `no success since ${h.failingSince}` : h.failingSinceIs === "oldest failure read" ? `failing since at least ${h.failingSince}` : `failing since ${h.failingSince}`;
      const last = h.lastSuccess === undefined ? "no success on record" : `last success ${h.lastSuccess}`;
      const verdict = h.overWindow ? `FAILING for ${h.failingHours}h, longer than the ${window}h window` : `failing for ${h.failingHours}h, within the ${window}h window`;
      return `${verdict}: ${since}, ${last}, ${h.failuresSinceAtLeast ? "at least " : ""}${h.failuresSince} ${h.failuresSince === 1 ? "failure" : "failures"} since (receiver status ${codes})`;
    }
  }
}

/** The report as text, one block per hook and a summary line. */
export function renderText(report: HealthReport): string {
  const lines = [`Delivery health of stack "${report.stack}": ${report.hooks.length} ${report.hooks.length === 1 ? "hook" : "hooks"}, window ${report.maxFailingHours}h, checked at ${report.checkedAt}`];
  for (const h of report.hooks) {
    lines.push(`  ${h.integration || "(no integration)"} / ${h.name} (${h.id}) ${h.eventType} -> ${h.receiverHost}${h.subscriptionStatus !== undefined && h.subscriptionStatus !== "enabled" ? ` [subscription ${h.subscriptionStatus}]` : ""}`);
    lines.push(`    ${describeHealth(h.health, report.maxFailingHours)}`);
    const t = h.testDelivery;
    if (t !== undefined) lines.push(`    test delivery: ${t.outcome}${t.receiverStatus === undefined ? "" : ` (${t.receiverStatus})`}${t.advice === undefined ? "" : `: ${t.advice}`}`);
  }
  const count = (state: HookHealth["state"]): number => report.hooks.filter((h) => h.health.state === state).length;
  const over = report.hooks.filter((h) => h.health.overWindow).length;
  const tests = report.hooks.filter((h) => h.testDelivery !== undefined);
  const refused = tests.filter((h) => h.testDelivery!.outcome !== "accepted").length;
  lines.push(
    `Summary: ${count("healthy")} healthy, ${count("failing")} failing (${over} longer than ${report.maxFailingHours}h), ${count("never delivered")} never delivered, ${count("queued")} queued` +
      (tests.length === 0 ? "" : `; test deliveries: ${tests.length - refused} accepted, ${refused} not`) +
      `; ${report.calls} REST calls`,
  );
  return lines.join("\n");
}

/** Reads `pulumi stack export --stack <name>` through the Pulumi CLI on PATH. */
export function exportStack(stack: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): unknown {
  const result = spawnSync("pulumi", ["stack", "export", "--stack", stack], { cwd, env, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
  if (result.error !== undefined) {
    const missing = (result.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new Error(missing ? "the pulumi CLI is not on PATH: install it, or pass an exported state file with --state <file>" : `pulumi stack export --stack ${stack} could not run: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const said = (result.stderr ?? "").split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
    throw new Error(`pulumi stack export --stack ${stack} exited ${result.status}${said === "" ? "" : `: ${said}`}`);
  }
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`pulumi stack export --stack ${stack} printed something that is not JSON`);
  }
}

/** Where the CLI writes, and what it reads; tests pass their own. */
export interface HealthIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly testOptions?: TestNotificationOptions;
}

function positive(value: string | undefined, name: string, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`${name}: must be a ${integer ? "whole " : ""}number above 0, got "${value}"`);
  }
  return number;
}

/** `npm run health` with `argv` (the arguments after `--`); returns the exit code. */
export async function runHealth(argv: readonly string[], io: HealthIo): Promise<number> {
  let args;
  let maxFailingHours: number;
  let perHook: number;
  let hooksPerCall: number;
  let now: Date;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        state: { type: "string" },
        "stack-file": { type: "string" },
        "max-failing-hours": { type: "string" },
        "per-hook": { type: "string" },
        "hooks-per-call": { type: "string" },
        "test-delivery": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        now: { type: "string" },
        help: { type: "boolean", default: false },
      },
      allowPositionals: false,
    }).values;
    if (args.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (args.stack === undefined || args.stack === "") throw new Error("--stack: required (the stack whose hooks to check)");
    maxFailingHours = positive(args["max-failing-hours"], "--max-failing-hours", DEFAULT_MAX_FAILING_HOURS, false);
    perHook = positive(args["per-hook"], "--per-hook", DEFAULT_NOTIFICATIONS_PER_HOOK, true);
    hooksPerCall = positive(args["hooks-per-call"], "--hooks-per-call", DEFAULT_HOOKS_PER_QUERY, true);
    now = args.now === undefined ? new Date() : new Date(args.now);
    if (Number.isNaN(now.getTime())) throw new Error(`--now: must be a date-time such as 2026-12-01T06:00:00Z, got "${args.now}"`);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const stack = args.stack;
  try {
    const document = args.state === undefined ? exportStack(stack, env, cwd) : readJsonFile(path.resolve(cwd, args.state), "--state");
    const hooks = hooksFromState(document, env.AZDO_ORG_SERVICE_URL);
    const stackFile = path.resolve(cwd, args["stack-file"] ?? `Pulumi.${stack}.yaml`);
    if (args["stack-file"] !== undefined && !existsSync(stackFile)) throw new Error(`--stack-file: ${args["stack-file"]} does not exist`);
    const passwordSources = existsSync(stackFile) ? passwordSourcesFromStackFile(readFileSync(stackFile, "utf8")) : undefined;
    const report = await checkHealth({ stack, hooks, now, maxFailingHours, perHook, hooksPerCall, testDelivery: args["test-delivery"], testOptions: io.testOptions, passwordSources, env });
    io.stdout(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderText(report)}\n`);
    if (hooks.length === 0) io.stderr(`stack "${stack}" manages no service hooks: nothing to check\n`);
    return unhealthy(report) ? 3 : 0;
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 1;
  }
}

function readJsonFile(file: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`${flag}: cannot read ${file}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${flag}: ${file} is not JSON (write it with \`pulumi stack export --stack <name> --file <file>\`)`);
  }
}

// Run only as `npm run health`, not when a test imports the functions above.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  runHealth(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
