import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

const root = path.resolve(__dirname, "..");
const pipelineDir = path.join(root, "pipelines");
const pipelineFiles = readdirSync(pipelineDir).filter((f) => /\.ya?ml$/.test(f));
const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

/** Pulumi CLI commands a pipeline may run. */
const PULUMI_COMMANDS = ["login", "logout", "preview", "up", "stack", "config", "refresh", "destroy", "policy", "whoami", "version", "install", "about"];

/** Flags `pulumi preview` and `pulumi up` accept that these pipelines have any use for. */
const DEPLOY_FLAGS = new Set([
  "--stack",
  "-s",
  "--refresh",
  "-r",
  "--expect-no-changes",
  "--policy-pack",
  "--policy-pack-config",
  "--yes",
  "-y",
  "--skip-preview",
  "-f",
  "--diff",
  "--json",
  "-j",
  "--suppress-outputs",
  "--suppress-progress",
  "--non-interactive",
  "--color",
  "--message",
  "-m",
  "--cwd",
  "-C",
  "--parallel",
  "-p",
]);

/** Flags of preview/up that take a value as the next word. */
const FLAGS_WITH_VALUE = new Set(["--stack", "-s", "--policy-pack", "--policy-pack-config", "--color", "--message", "-m", "--cwd", "-C", "--parallel", "-p"]);

/** Every shell script in a pipeline document: GitHub `run`, Azure `script`/`bash`/`inlineScript`. */
function shellScripts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => shellScripts(n, out));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (["run", "script", "bash", "inlineScript"].includes(key) && typeof value === "string") out.push(value);
      else shellScripts(value, out);
    }
  }
  return out;
}

/**
 * Splits a script into simple commands, each a list of words. Quote-aware, so
 * text inside quotes (an echo, a printf template) is never taken for a command;
 * `$( ... )` inside double quotes is a command of its own, as in the shell.
 */
function commands(script: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) out.push(words);
    words = [];
  };
  const text = script.replace(/\\\n/g, " ");
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === "$" && text.startsWith("{{", i + 1)) {
      // A CI template expression (${{ matrix.stack }}) is one piece of a word, spaces and all.
      const end = text.indexOf("}}", i);
      word += text.slice(i, end === -1 ? text.length : end + 2);
      inWord = true;
      i = end === -1 ? text.length : end + 1;
      continue;
    }
    if (c === "$" && text[i + 1] === "(") {
      // Command substitution, or an Azure Pipelines macro such as $(Agent.TempDirectory): a word of its own.
      endCommand();
      i++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\n" || c === ";" || c === "|" || c === "&" || c === "(" || c === ")" || c === "`") endCommand();
    else if (c === " " || c === "\t") endWord();
    else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  // Leading assignments and shell keywords are not the command.
  return out
    .map((w) => {
      let i = 0;
      while (i < w.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w[i]!) || ["if", "then", "else", "elif", "do", "!", "time", "exec"].includes(w[i]!))) i++;
      return w.slice(i);
    })
    .filter((w) => w.length > 0);
}

/** Words up to a redirection: the arguments the program itself sees. */
const argsOf = (words: string[]) => {
  const end = words.findIndex((w) => /^\d*>/.test(w) || w === ">" || w === "<");
  return end === -1 ? words : words.slice(0, end);
};

interface PipelineFile {
  readonly file: string;
  readonly doc: unknown;
  readonly commands: string[][];
}

const pipelines: PipelineFile[] = pipelineFiles.map((file) => {
  const doc = parseYaml(readFileSync(path.join(pipelineDir, file), "utf8"));
  return { file, doc, commands: shellScripts(doc).flatMap(commands) };
});

/** Stacks a pipeline loops over: GitHub `matrix.stack`, Azure `parameters[name=stacks].default` (repeats kept). */
function stackLists(doc: unknown, out: string[] = []): string[] {
  if (Array.isArray(doc)) doc.forEach((n) => stackLists(n, out));
  else if (doc && typeof doc === "object") {
    const record = doc as Record<string, unknown>;
    if (record.name === "stacks" && Array.isArray(record.default)) out.push(...record.default.map(String));
    for (const [key, value] of Object.entries(record)) {
      if (key === "stack" && Array.isArray(value)) out.push(...value.map(String));
      else stackLists(value, out);
    }
  }
  return out;
}

// A templated stack: ${{ matrix.stack }} (GitHub), ${{ stack }} (Azure each-loop).
const STACK_TEMPLATE = /\$\{\{\s*(?:matrix\.)?stack\s*\}\}/;

/** Every value of a flag in a command, as written. */
function rawFlagValues(words: string[], flag: string): string[] {
  const values: string[] = [];
  words.forEach((w, i) => {
    if (w === flag && words[i + 1] !== undefined) values.push(words[i + 1]!);
    else if (w.startsWith(`${flag}=`)) values.push(w.slice(flag.length + 1));
  });
  return values;
}

/** Every value of a flag in a command, a templated stack expanded to each stack the file loops over. */
function flagValues(p: PipelineFile, words: string[], flag: string): string[] {
  const loop = [...new Set(stackLists(p.doc))];
  return rawFlagValues(words, flag).flatMap((v) => (STACK_TEMPLATE.test(v) ? loop.map((s) => v.replace(STACK_TEMPLATE, s)) : [v]));
}

const pulumiCommands = (p: PipelineFile) => p.commands.filter((w) => w[0] === "pulumi").map(argsOf);

describe("pipeline files", () => {
  it("exist for both CI systems", () => {
    expect(pipelineFiles.sort()).toEqual(["azure-pipelines.yml", "github-actions.yml"]);
  });

  it.each(pipelineFiles)("%s parses as YAML into a mapping", (file) => {
    const doc = pipelines.find((p) => p.file === file)!.doc;
    expect(doc !== null && typeof doc === "object" && !Array.isArray(doc)).toBe(true);
  });

  it.each(pipelineFiles)("%s runs only npm scripts package.json defines", (file) => {
    const p = pipelines.find((x) => x.file === file)!;
    const npm = p.commands.filter((w) => w[0] === "npm");
    const used = npm.map((w) => (w[1] === "run" ? w[2] : w[1] === "test" ? "test" : undefined)).filter((s): s is string => s !== undefined);
    // The issue asks for exactly these on a pull request, and build compiles the plugin `npm ci --ignore-scripts` skips.
    expect(new Set(used)).toEqual(new Set(["build", "typecheck", "lint", "test", "plan", "health"]));
    expect(used.filter((s) => !(s in scripts))).toEqual([]);
    expect(npm.filter((w) => !["ci", "run", "test"].includes(w[1]!)).map((w) => w.join(" "))).toEqual([]);
  });

  it.each(pipelineFiles)("%s runs known Pulumi commands, and preview/up with known flags only", (file) => {
    const p = pipelines.find((x) => x.file === file)!;
    const cmds = pulumiCommands(p);
    expect(cmds.length).toBeGreaterThan(0);
    expect(cmds.filter((w) => !PULUMI_COMMANDS.includes(w[1] ?? "")).map((w) => w.join(" "))).toEqual([]);
    for (const w of cmds.filter((c) => c[1] === "preview" || c[1] === "up")) {
      const flags = w.slice(2).filter((x, i, all) => x.startsWith("-") && !FLAGS_WITH_VALUE.has(all[i - 1] ?? ""));
      expect([w.join(" "), flags.map((f) => f.split("=")[0]!).filter((f) => !DEPLOY_FLAGS.has(f))]).toEqual([w.join(" "), []]);
      // Every preview and up names its stack and runs the policy pack with that stack's config.
      expect([w.join(" "), rawFlagValues(w, "--stack").length]).toEqual([w.join(" "), 1]);
      expect([w.join(" "), rawFlagValues(w, "--policy-pack")]).toEqual([w.join(" "), ["policies"]]);
      expect([w.join(" "), rawFlagValues(w, "--policy-pack-config").length]).toEqual([w.join(" "), 1]);
    }
  });

  it.each(pipelineFiles)("%s does what the issue asks on pull requests, on main and nightly", (file) => {
    const p = pipelines.find((x) => x.file === file)!;
    const lines = pulumiCommands(p).map((w) => w.join(" "));
    expect(p.commands.some((w) => w[0] === "npm" && w[1] === "ci")).toBe(true);
    expect(p.commands.some((w) => w.join(" ").startsWith("npm run plan -- --stack") && w.includes("--markdown"))).toBe(true);
    for (const stack of ["dev", "staging", "prod"]) {
      expect(lines).toContain(`pulumi up --yes --stack ${stack} --policy-pack policies --policy-pack-config policies/config.${stack}.json --diff --non-interactive`);
    }
    const drift = pulumiCommands(p).filter((w) => w[1] === "preview" && w.includes("--refresh"));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toEqual(expect.arrayContaining(["--expect-no-changes", "--policy-pack-config"]));
    expect([...new Set(stackLists(p.doc))]).toEqual(["dev", "staging", "prod"]);
  });

  it.each(pipelineFiles)("%s authenticates by workload identity federation, never a stored client secret", (file) => {
    const text = readFileSync(path.join(pipelineDir, file), "utf8");
    expect(text).not.toMatch(/ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|AZDO_PERSONAL_ACCESS_TOKEN/);
    expect(text).toContain("ARM_USE_OIDC");
    if (file === "github-actions.yml") {
      expect(text).toContain("id-token: write");
      expect(text).toMatch(/uses: azure\/login@[0-9a-f]{40} /);
    } else {
      expect(text).toContain("addSpnToEnvironment: true");
      expect(text).toContain('ARM_OIDC_TOKEN="$idToken"');
    }
  });

  it.each(pipelineFiles)("%s names only stacks that have a Pulumi.<stack>.yaml, and policy configs that exist", (file) => {
    const p = pipelines.find((x) => x.file === file)!;
    const cmds = [...pulumiCommands(p), ...p.commands.filter((w) => w[0] === "npm")];
    const stacks = new Set([...stackLists(p.doc), ...cmds.flatMap((w) => flagValues(p, w, "--stack"))]);
    expect(stacks.size).toBeGreaterThan(0);
    expect([...stacks].filter((s) => !existsSync(path.join(root, `Pulumi.${s}.yaml`))).map((s) => `Pulumi.${s}.yaml`)).toEqual([]);
    const configs = new Set(cmds.flatMap((w) => flagValues(p, w, "--policy-pack-config")));
    expect(configs.size).toBeGreaterThan(0);
    expect([...configs].filter((c) => !existsSync(path.join(root, c)))).toEqual([]);
    for (const pack of new Set(cmds.flatMap((w) => flagValues(p, w, "--policy-pack")))) {
      expect(existsSync(path.join(root, pack, "PulumiPolicy.yaml"))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------
// Least privilege (issue 11, point 6)

/** The commit each action is pinned to, with its release: each on its Node 24 major (see the report's sources). */
const PINNED: Readonly<Record<string, { sha: string; version: string }>> = {
  "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
  "actions/github-script": { sha: "3a2844b7e9c422d3c10d287c895573f7108da1b3", version: "v9.0.0" },
  "azure/login": { sha: "7ddb5af1ef8758cf1353cf3b42f940aee27ba21c", version: "v3.0.2" },
  "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
};

type Step = Record<string, unknown>;

/** One step with what the checks need: its scripts, and the template condition it sits under (Azure `${{ if }}`). */
interface JobStep {
  readonly step: Step;
  readonly scripts: string[];
  readonly under?: string;
  readonly name: string;
}

/** A job: pull-request, deploy or drift, by what triggers it. */
interface Job {
  readonly id: string;
  readonly kind: "pr" | "deploy" | "drift";
  readonly job: Record<string, unknown>;
  readonly steps: JobStep[];
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Steps of a step list, Azure `${{ if ... }}:` blocks opened (their condition kept). */
function stepsOf(list: unknown, under?: string): JobStep[] {
  return asList(list).flatMap((item) => {
    const record = asRecord(item);
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0]!.startsWith("${{")) return stepsOf(record[keys[0]!], keys[0]);
    const scripts = shellScripts(record);
    const name = String(record.name ?? record.displayName ?? record.uses ?? record.task ?? scripts[0] ?? "");
    return [{ step: record, scripts, under, name }];
  });
}

/** Every job of a pipeline file, GitHub (`jobs:`) or Azure (`stages[].jobs[]`, each-loops opened). */
function jobsOf(p: PipelineFile): Job[] {
  const doc = asRecord(p.doc);
  if (doc.jobs) {
    return Object.entries(asRecord(doc.jobs)).map(([id, raw]) => {
      const job = asRecord(raw);
      const environment = String(job.environment ?? "");
      const kind = ["dev", "staging", "prod"].includes(environment) ? "deploy" : String(job.if ?? "").includes("pull_request") ? "pr" : "drift";
      return { id, kind, job, steps: stepsOf(job.steps) };
    });
  }
  return asList(doc.stages).flatMap((rawStage) => {
    const stage = asRecord(rawStage);
    const name = String(stage.stage);
    const kind = name.startsWith("Deploy_") ? "deploy" : name === "Drift" ? "drift" : "pr";
    const jobs = asList(stage.jobs).flatMap((j) => {
      const record = asRecord(j);
      const keys = Object.keys(record);
      return keys.length === 1 && keys[0]!.startsWith("${{") ? asList(record[keys[0]!]).map(asRecord) : [record];
    });
    return jobs.map((job) => {
      const steps = job.steps ?? asRecord(asRecord(asRecord(job.strategy).runOnce).deploy).steps;
      return { id: `${name}/${String(job.job ?? job.deployment)}`, kind, job, steps: stepsOf(steps) } as Job;
    });
  });
}

/** The secrets a step hands its environment: GitHub `secrets.X`, Azure secret macros. */
function secretsOf(step: Step): string[] {
  const text = JSON.stringify(step);
  return [...text.matchAll(/secrets\.([A-Za-z_]+)|\$\((PULUMI_[A-Z_]*TOKEN|System\.AccessToken)\)/g)].map((m) => m[1] ?? m[2]!);
}

const runsNpm = (s: JobStep, args: string) => s.scripts.some((script) => commands(script).some((w) => w.join(" ").startsWith(`npm ${args}`)));
const runsPulumi = (s: JobStep) => s.scripts.some((script) => commands(script).some((w) => w[0] === "pulumi")) || String(s.step.uses ?? "").startsWith("pulumi/actions@");

describe.each(pipelines)("least privilege in $file", (p) => {
  const jobs = jobsOf(p);
  const text = readFileSync(path.join(pipelineDir, p.file), "utf8");
  const github = p.file === "github-actions.yml";
  const deployToken = "PULUMI_ACCESS_TOKEN";
  const deployConnection = github ? /vars\.AZURE_CLIENT_ID\b/ : /azureSubscription":"ado-integrations-wif"/;

  it("has pull-request, deploy and drift jobs to check", () => {
    expect(new Set(jobs.map((j) => j.kind))).toEqual(new Set(["pr", "deploy", "drift"]));
    expect(jobs.filter((j) => j.kind === "deploy")).toHaveLength(3);
  });

  it("installs with npm ci --ignore-scripts before any secret is in a step, deploy jobs without dev dependencies", () => {
    for (const job of jobs) {
      const ci = job.steps.findIndex((s) => runsNpm(s, "ci"));
      expect([job.id, ci >= 0]).toEqual([job.id, true]);
      const install = commands(job.steps[ci]!.scripts[0]!).find((w) => w[0] === "npm" && w[1] === "ci")!;
      expect([job.id, install]).toEqual([job.id, expect.arrayContaining(["--ignore-scripts", ...(job.kind === "deploy" ? ["--omit=dev"] : [])])]);
      const firstSecret = job.steps.findIndex((s) => secretsOf(s.step).length > 0);
      expect([job.id, firstSecret === -1 || firstSecret > ci]).toEqual([job.id, true]);
      // Nor from the job or the whole file: secrets are set on steps only.
      expect([job.id, secretsOf({ ...job.job, steps: [], strategy: {} })]).toEqual([job.id, []]);
    }
    const top = asRecord(p.doc);
    expect(secretsOf({ env: top.env, variables: top.variables })).toEqual([]);
  });

  it("builds the provider plugin after npm ci and before any pulumi command", () => {
    for (const job of jobs.filter((j) => j.steps.some(runsPulumi))) {
      const ci = job.steps.findIndex((s) => runsNpm(s, "ci"));
      const build = job.steps.findIndex((s) => runsNpm(s, "run build"));
      const pulumi = job.steps.findIndex(runsPulumi);
      expect([job.id, ci < build && build < pulumi]).toEqual([job.id, true]);
    }
  });

  it("hands the deploy token and the deploy identity to the deploy jobs' steps only", () => {
    for (const job of jobs) {
      const withToken = job.steps.filter((s) => secretsOf(s.step).includes(deployToken));
      const withConnection = job.steps.filter((s) => deployConnection.test(JSON.stringify(s.step)));
      if (job.kind === "deploy") {
        // Exactly on the step that runs pulumi up, in its env.
        expect([job.id, withToken.map((s) => s.scripts.some((x) => x.includes("pulumi up")))]).toEqual([job.id, [true]]);
        expect([job.id, secretsOf(asRecord(withToken[0]!.step.env))]).toEqual([job.id, [deployToken]]);
        expect([job.id, withConnection.length > 0]).toEqual([job.id, true]);
      } else {
        expect([job.id, withToken.length, withConnection.length]).toEqual([job.id, 0, 0]);
      }
    }
  });

  it("previews pull requests with the read-only token, never for prod, and the nightly check with its own read-only token", () => {
    const readOnly = github ? /vars\.AZURE_PREVIEW_CLIENT_ID\b/ : /azureSubscription":"ado-integrations-wif-readonly"/;
    for (const job of jobs.filter((j) => j.kind !== "deploy")) {
      const tokens = job.steps.flatMap((s) => secretsOf(s.step)).filter((t) => t.startsWith("PULUMI_"));
      const logins = job.steps.filter((s) => /client-id|azureSubscription/.test(JSON.stringify(s.step)));
      expect([job.id, logins.every((s) => readOnly.test(JSON.stringify(s.step)))]).toEqual([job.id, true]);
      if (job.kind === "drift") {
        expect([job.id, [...new Set(tokens)]]).toEqual([job.id, ["PULUMI_DRIFT_TOKEN"]]);
        continue;
      }
      expect([job.id, tokens.every((t) => t === "PULUMI_PREVIEW_TOKEN")]).toEqual([job.id, true]);
      // Every credentialed step of a pull-request job skips prod: a token that previews prod can read its secrets.
      for (const s of [...logins, ...job.steps.filter((x) => secretsOf(x.step).includes("PULUMI_PREVIEW_TOKEN"))]) {
        const guard = github ? String(s.step.if ?? "") : (s.under ?? "");
        expect([job.id, s.name, guard]).toEqual([job.id, s.name, expect.stringMatching(github ? /matrix\.stack != 'prod'/ : /^\$\{\{ if ne\(stack, 'prod'\) \}\}$/)]);
      }
    }
    expect(jobs.filter((j) => j.kind === "pr").some((j) => j.steps.some((s) => secretsOf(s.step).includes("PULUMI_PREVIEW_TOKEN")))).toBe(true);
  });

  it("checks delivery health nightly after the drift check, even when drift was found, read-only and without test deliveries", () => {
    const drift = jobs.filter((j) => j.kind === "drift");
    expect(drift.length).toBeGreaterThan(0);
    for (const job of drift) {
      const health = job.steps.findIndex((s) => runsNpm(s, "run health"));
      const preview = job.steps.findIndex((s) => s.scripts.some((x) => x.includes("pulumi preview --refresh")));
      expect([job.id, preview >= 0 && health > preview]).toEqual([job.id, true]);
      const step = job.steps[health]!;
      const words = step.scripts.flatMap((x) => commands(x)).find((w) => w.join(" ").startsWith("npm run health"))!;
      expect([job.id, words.slice(0, 5), rawFlagValues(words, "--max-failing-hours"), words.includes("--test-delivery")]).toEqual([
        job.id,
        ["npm", "run", "health", "--", "--stack"],
        ["24"],
        false,
      ]);
      // A step after a failed one runs only when told to.
      expect([job.id, String(step.step[github ? "if" : "condition"])]).toEqual([job.id, github ? "${{ !cancelled() }}" : "succeededOrFailed()"]);
      expect([job.id, secretsOf(step.step)]).toEqual([job.id, ["PULUMI_DRIFT_TOKEN"]]);
      if (!github) expect([job.id, asRecord(step.step.inputs).azureSubscription]).toEqual([job.id, "ado-integrations-wif-readonly"]);
    }
  });

  it("posts the plan on the pull request before a mandatory violation fails the job", () => {
    const job = jobs.find((j) => j.steps.some((s) => runsNpm(s, "run plan")))!;
    const plan = job.steps.findIndex((s) => runsNpm(s, "run plan"));
    const post = job.steps.findIndex((s) => s.name === "Post the plan on the pull request");
    const fail = job.steps.findIndex((s) => s.name.startsWith("Fail on a mandatory policy violation"));
    expect(plan < post && post < fail).toBe(true);
    // The plan step keeps going on exit 3 and records the code; the fail step reads it and exits 1.
    expect(job.steps[plan]!.scripts[0]).toMatch(/^set \+e\n/);
    expect(job.steps[plan]!.scripts[0]).toMatch(github ? /echo "exit=\$\?" >> "\$GITHUB_OUTPUT"/ : /task\.setvariable variable=planExit\]\$\?/);
    expect(String(job.steps[fail]!.step[github ? "if" : "condition"])).toContain(github ? "steps.plan.outputs.exit != '0'" : "ne(variables['planExit'], '0')");
    expect(job.steps[fail]!.scripts[0]).toContain("exit 1");
  });

  it("pins every action by commit SHA with its release in a comment, on the Node 24 majors", () => {
    const uses = [...text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@(\S+)(?: # (\S+))?/g)].map((m) => ({ action: m[1]!, ref: m[2]!, version: m[3] }));
    // Every `uses:` line is of that form; Azure Pipelines has tasks, not actions.
    expect(uses.length).toBe((text.match(/uses:/g) ?? []).length);
    expect(uses.length > 0).toBe(github);
    for (const u of uses) expect(u).toEqual({ action: u.action, ref: PINNED[u.action]?.sha, version: PINNED[u.action]?.version });
  });

  it("runs Node 22 or 24 (20 is past end of life), while the project keeps engines >=20", () => {
    const versions = github
      ? jobs.flatMap((j) => j.steps.filter((s) => String(s.step.uses ?? "").startsWith("actions/setup-node@")).map((s) => String(asRecord(s.step.with)["node-version"])))
      : jobs.flatMap((j) => j.steps.filter((s) => s.step.task === "NodeTool@0").map((s) => String(asRecord(s.step.inputs).versionSpec)));
    expect(versions.length).toBe(jobs.length);
    expect(versions.filter((v) => !["22", "24", "22.x", "24.x"].includes(v))).toEqual([]);
    const engines = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } }).engines;
    expect(engines.node).toBe(">=20");
  });
});

it("the Azure Pipelines template says that pull-request runs on Azure Repos need a build-validation branch policy", () => {
  const text = readFileSync(path.join(pipelineDir, "azure-pipelines.yml"), "utf8");
  expect(text).toContain("need a branch policy on main: Repos > Branches > main > Branch policies > Build\n# validation > add this pipeline");
});
