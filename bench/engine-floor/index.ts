/**
 * The engine benchmark's floor (bench/engine.ts): as many do-nothing dynamic
 * resources as the real stack has service hooks, with inputs of the same
 * shape and size, through the same engine and dynamic-provider host. Its
 * provider answers at once and calls nothing, so real / floor is what the
 * REST layer and the program add. Copied next to the project's files as a
 * stack's program; never deployed anywhere.
 */
import * as pulumi from "@pulumi/pulumi";

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `floor-${inputs.projectId}-${inputs.eventType}`, outs: inputs };
  },
  async diff() {
    return { changes: false };
  },
  async read(id, props) {
    return { id, props };
  },
  async delete() {
    // Nothing exists outside state.
  },
};

class Floor extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>) {
    super(provider, name, props, undefined, "bench", "Floor");
  }
}

const config = new pulumi.Config("ado-integrations");
const projects = config.requireNumber("floorProjects");
const events = ["git.push", "git.pullrequest.created", "git.pullrequest.merged", "git.pullrequest.updated"];
for (let p = 0; p < projects; p++) {
  const projectId = `00000000-0000-4000-8000-${String(p).padStart(12, "0")}`;
  for (const eventType of events) {
    new Floor(`floor-${p}-${eventType}`, {
      organizationUrl: "http://127.0.0.1:1/contoso",
      projectId,
      eventType,
      url: "https://contoso.app.spacelift.io/webhooks/azure_devops/01hzx3k7m2",
      basicAuthUsername: "",
      basicAuthPassword: pulumi.secret("floor-password-of-the-same-length-x"),
      resourceDetailsToSend: "all",
      messagesToSend: "none",
      detailedMessagesToSend: "none",
    });
  }
}
