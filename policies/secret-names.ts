/**
 * Heuristics for telling a secret when nobody said it was one: form labels
 * that name a secret, and values shaped like a credential. The config-store
 * rule uses them; they are kept apart from the rules because they are
 * guesses, tuned by their own tests.
 */
import { PRESETS, SECRET_SOURCES } from "../components/presets";

function labelKey(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

// Every preset form label filled from a secret source, normalized by labelKey.
const PRESET_SECRET_LABELS: ReadonlySet<string> = new Set(
  Object.values(PRESETS).flatMap((preset) =>
    Object.values(preset.modes).flatMap((mode) => mode.form.filter((f) => SECRET_SOURCES.has(f.source)).map((f) => labelKey(f.label))),
  ),
);

// Last words of a label that name a secret whatever the tool calls it ("Webhook Password", "API token").
const SECRET_LABEL_WORDS: ReadonlySet<string> = new Set(["secret", "password", "passwd", "passphrase", "token", "pat", "credential", "credentials"]);
const SECRET_LABEL_ENDINGS: readonly string[] = ["api_key", "access_key", "private_key", "secret_key", "signing_key", "connection_string"];

/**
 * Whether a config-store variable name (`<integration>.<Label_with_underscores>`)
 * holds a secret field: a label some preset fills from a secret source
 * (Client_Secret, Secret, Personal_access_token, Azure_Access_Token, ...), or
 * one whose last word names a secret (Webhook_Password, API_token).
 */
export function isSecretFieldName(name: string): boolean {
  const dot = name.indexOf(".");
  const key = labelKey(dot >= 0 ? name.slice(dot + 1) : name);
  if (key === "") return false;
  if (PRESET_SECRET_LABELS.has(key)) return true;
  const words = key.split("_");
  return SECRET_LABEL_WORDS.has(words[words.length - 1]!) || SECRET_LABEL_ENDINGS.some((e) => key === e || key.endsWith(`_${e}`));
}

/** How Pulumi shows a secret value (`pulumi stack output`, the offline plan): copied into a plain variable, it is one. */
export const SECRET_MARK = "[secret]";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const CREDENTIAL_SHAPES: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: "a Pulumi secret", pattern: new RegExp(`^${escapeRegExp(SECRET_MARK)}$`) },
  { kind: "an Azure DevOps PAT", pattern: /^(?:[a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})$/ },
  { kind: "an Entra client secret", pattern: /^[A-Za-z0-9_.~-]{3}\dQ~[A-Za-z0-9_.~-]{31,34}$/ },
  { kind: "a JSON web token", pattern: /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/ },
  { kind: "a GitHub token", pattern: /^(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})$/ },
  { kind: "a private key", pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: "a URL with a password", pattern: /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
];

/** What kind of credential a value looks like, or undefined when it looks like none. */
export function credentialKind(value: string): string | undefined {
  return CREDENTIAL_SHAPES.find((s) => s.pattern.test(value))?.kind;
}
