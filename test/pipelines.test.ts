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
    // The issue asks for exactly these on a pull request.
    expect(new Set(used)).toEqual(new Set(["typecheck", "lint", "test", "plan"]));
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
      expect(text).toContain("azure/login@v2");
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
