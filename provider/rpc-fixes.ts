import { Struct } from "google-protobuf/google/protobuf/struct_pb";

// The generated message classes of @pulumi/pulumi have no typings at this path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const providerProto = require("@pulumi/pulumi/proto/provider_pb") as { ReadRequest: { prototype: { getProperties(): Struct | undefined } } };

/**
 * `pulumi import` sends a Read with no properties (only the id is known), and
 * the provider server of @pulumi/pulumi 3.248 calls `toJavaScript()` on them
 * unconditionally, failing every import with "Cannot read properties of
 * undefined". Answering an absent property set with an empty one lets the
 * plugin's `read` see `{}` and treat it as an import.
 */
export function readWithoutPropertiesAsEmpty(): void {
  const prototype = providerProto.ReadRequest.prototype;
  const original = prototype.getProperties;
  prototype.getProperties = function getProperties(this: unknown) {
    return original.call(this) ?? new Struct();
  };
}
