// A small validator for the subset of swagger 2.0 schemas that Microsoft's
// Azure DevOps specs use: $ref, allOf, type, properties, required, enum,
// items, additionalProperties, and the uuid/date-time/int32 formats.

/** A swagger 2.0 schema object (the parts this validator reads). */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
}

/** A swagger 2.0 document: only its definitions matter here. */
export interface SwaggerDocument {
  definitions: Record<string, Schema>;
}

/** How strictly to read a schema. */
export interface ValidateOptions {
  /**
   * Flag properties a schema does not declare (when it has no
   * additionalProperties). Swagger allows them; our own bodies should not
   * send fields the contract does not know.
   */
  readonly strict?: boolean;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function resolve(schema: Schema, document: SwaggerDocument): Schema {
  let current = schema;
  const seen = new Set<string>();
  while (current.$ref !== undefined) {
    const ref = current.$ref;
    if (seen.has(ref)) throw new Error(`circular $ref ${ref}`);
    seen.add(ref);
    const match = /^#\/definitions\/(.+)$/.exec(ref);
    const target = match ? document.definitions[match[1]!] : undefined;
    if (!target) throw new Error(`unresolvable $ref ${ref}`);
    current = target;
  }
  return current;
}

/** Properties declared by a schema and everything it includes through allOf. */
function declaredProperties(schema: Schema, document: SwaggerDocument): Record<string, Schema> {
  const resolved = resolve(schema, document);
  let properties: Record<string, Schema> = { ...(resolved.properties ?? {}) };
  for (const part of resolved.allOf ?? []) properties = { ...declaredProperties(part, document), ...properties };
  return properties;
}

function requiredProperties(schema: Schema, document: SwaggerDocument): string[] {
  const resolved = resolve(schema, document);
  return [...(resolved.required ?? []), ...(resolved.allOf ?? []).flatMap((part) => requiredProperties(part, document))];
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Validates `value` against `schema`, returning one line per problem with its
 * JSON path (empty when valid). `null` is accepted for a property that is not
 * required: swagger 2.0 cannot say "nullable", and the service sends null for
 * absent values (secret variable values, resourceVersion).
 */
export function validate(value: unknown, schema: Schema, document: SwaggerDocument, options: ValidateOptions = {}, path = "$"): string[] {
  const resolved = resolve(schema, document);
  const problems: string[] = [];
  for (const part of resolved.allOf ?? []) {
    // Parts are checked for their own constraints; unknown-property checks use the merged declaration below.
    problems.push(...validate(value, part, document, { ...options, strict: false }, path));
  }
  if (resolved.enum !== undefined && !resolved.enum.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${resolved.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  const actual = typeOf(value);
  const expected = resolved.type ?? (resolved.properties || resolved.allOf || resolved.additionalProperties !== undefined ? "object" : undefined);
  if (expected !== undefined) {
    const fits = expected === actual || (expected === "number" && actual === "integer");
    if (!fits) {
      problems.push(`${path}: expected ${expected}, got ${actual}`);
      return problems;
    }
  }
  if (actual === "string" && resolved.format === "uuid" && !UUID.test(value as string)) {
    problems.push(`${path}: "${String(value)}" is not a uuid`);
  }
  if (actual === "string" && resolved.format === "date-time" && Number.isNaN(Date.parse(value as string))) {
    problems.push(`${path}: "${String(value)}" is not a date-time`);
  }
  if (actual === "integer" && resolved.format === "int32" && ((value as number) > 2 ** 31 - 1 || (value as number) < -(2 ** 31))) {
    problems.push(`${path}: ${String(value)} is out of int32 range`);
  }
  if (actual === "array" && resolved.items) {
    (value as unknown[]).forEach((item, i) => problems.push(...validate(item, resolved.items!, document, options, `${path}[${i}]`)));
  }
  if (actual === "object" && (expected === "object" || expected === undefined)) {
    const record = value as Record<string, unknown>;
    const properties = declaredProperties(resolved, document);
    const required = requiredProperties(resolved, document);
    for (const name of required) {
      if (!(name in record) || record[name] === undefined) problems.push(`${path}.${name}: required`);
    }
    for (const [name, item] of Object.entries(record)) {
      if (item === undefined) continue;
      const declared = properties[name];
      if (declared) {
        if (item === null && !required.includes(name)) continue;
        problems.push(...validate(item, declared, document, options, `${path}.${name}`));
      } else if (resolved.additionalProperties === false) {
        problems.push(`${path}.${name}: not allowed`);
      } else if (typeof resolved.additionalProperties === "object") {
        if (item === null) continue;
        problems.push(...validate(item, resolved.additionalProperties, document, options, `${path}.${name}`));
      } else if (options.strict && resolved.additionalProperties === undefined) {
        problems.push(`${path}.${name}: not in the schema`);
      }
    }
  }
  return problems;
}

/** A schema that refers to a definition by name. */
export function ref(name: string): Schema {
  return { $ref: `#/definitions/${name}` };
}
