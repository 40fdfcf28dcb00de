/**
 * Discovery: `npm run discover -- [--organization <name or URL>] [--stack <name>] [--out <dir or file.yaml>] [--pat-expires YYYY-MM-DD]`.
 * Reads an organization's webhook subscriptions, variable groups and service
 * principals with the deployment's credentials (AZDO_PERSONAL_ACCESS_TOKEN or
 * Entra sign-in, AZDO_ALLOWED_HOSTS as for a deployment; GETs only), and
 * writes a stack config for what the presets recognize plus the import file
 * for `pulumi import --file`. `--organization` and AZDO_ORG_SERVICE_URL name
 * the same organization: either may be given, and both must agree.
 *
 * Without --out, the report goes to stderr and both documents to stdout;
 * with --out, the files are written (an existing file is never overwritten)
 * and the report goes to stdout. Exit codes: 0 done, 1 a call failed,
 * 2 bad arguments or an existing file in the way.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { allowedHostsFromEnv } from "../components/azure-devops/runtime/hosts";
import { parseDate } from "../components/config/dates";
import { type WrittenFiles, discover, discoveryOrganization, importFileJson, report, stackConfigYaml } from "../components/discover";

const USAGE = "usage: npm run discover -- [--organization <name or URL>] [--stack <name>] [--out <dir or file.yaml>] [--pat-expires YYYY-MM-DD]\n";

/** Where --out puts the two files: a `.yaml` file and the import file beside it, or both in a folder. */
function outputPaths(out: string, stack: string): { stackConfig: string; importFile: string } {
  const resolved = path.resolve(out);
  if (/\.ya?ml$/i.test(resolved) && !(existsSync(resolved) && statSync(resolved).isDirectory())) {
    return { stackConfig: resolved, importFile: resolved.replace(/\.ya?ml$/i, ".import.json") };
  }
  return { stackConfig: path.join(resolved, `Pulumi.${stack}.yaml`), importFile: path.join(resolved, `${stack}.import.json`) };
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        organization: { type: "string" },
        stack: { type: "string", default: "imported" },
        out: { type: "string" },
        "pat-expires": { type: "string" },
        help: { type: "boolean", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stack = args.stack!;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
    process.stderr.write(`--stack: "${stack}" is not a stack name (letters, digits, '_', '.', '-')\n`);
    return 2;
  }
  let patExpiresOn: Date | undefined;
  if (args["pat-expires"] !== undefined) {
    patExpiresOn = parseDate(args["pat-expires"]);
    if (!patExpiresOn) {
      process.stderr.write("--pat-expires: must be a date written YYYY-MM-DD\n");
      return 2;
    }
  }
  let organizationUrl: string;
  let allowedHosts;
  try {
    allowedHosts = allowedHostsFromEnv(process.env);
    organizationUrl = discoveryOrganization(args.organization, process.env, allowedHosts);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const paths = args.out === undefined ? undefined : outputPaths(args.out, stack);
  for (const file of paths ? [paths.stackConfig, paths.importFile] : []) {
    if (existsSync(file)) {
      process.stderr.write(`${file} exists: discovery never overwrites a file; choose another --stack or --out\n`);
      return 2;
    }
  }

  const result = await discover({ organizationUrl, allowedHosts, patExpiresOn });
  const config = stackConfigYaml(result.discovery, stack);
  if (!paths) {
    process.stderr.write(report(result, stack));
    if (config !== undefined) process.stdout.write(`# ---- Pulumi.${stack}.yaml ----\n${config}# ---- ${stack}.import.json ----\n${importFileJson(result.discovery)}`);
    return 0;
  }
  const written: WrittenFiles = config === undefined ? {} : paths;
  if (config !== undefined) {
    mkdirSync(path.dirname(paths.stackConfig), { recursive: true });
    writeFileSync(paths.stackConfig, config, { flag: "wx" });
    writeFileSync(paths.importFile, importFileJson(result.discovery), { flag: "wx" });
  }
  process.stdout.write(report(result, stack, written));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  },
);
