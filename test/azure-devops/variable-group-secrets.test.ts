import { describe, expect, it } from "vitest";
import type { VariableGroupInputs } from "../../components/azure-devops/runtime/variable-groups";
import { variableGroups as provider } from "./plugin";
import { HANG_TIMEOUT_SECONDS, captureConsole, useLoopback, useLoopbackEnvironment, visible, visibleRecorder, withRequestTimeout } from "./helpers";

const SECRET = "vg-leak-check-secret-Hn2xC5";
const ROTATED = "vg-leak-check-rotated-Bw8yL0";

// The test points the environment at the server itself, and revokes the PAT midway.
const server = useLoopback({ environment: false });

function groupInputs(secret: string, name = "ado-integrations-leak-check"): VariableGroupInputs {
  const project = server.state.projects[0]!;
  return {
    organizationUrl: server.orgUrl,
    projectId: project.id,
    projectName: project.name,
    name,
    description: "",
    variables: { "tool.Id": { value: "plain", isSecret: false }, "tool.Secret": { value: secret, isSecret: true } },
  };
}

describe("no plaintext secret leaves the variable group provider", () => {
  it("in outputs, errors or console lines across a lifecycle with faults and failures", async () => {
    const restore = useLoopbackEnvironment(server);
    const { seen, keep } = visibleRecorder();
    try {
      const { lines } = await captureConsole(async () => {
        const inputs = groupInputs(SECRET);
        const created = await provider.create(inputs);
        seen.push(visible(created));
        await keep(() => provider.read!(created.id, created.outs!));
        await keep(() => provider.diff!(created.id, created.outs!, groupInputs(ROTATED)));
        await keep(() => provider.update!(created.id, created.outs!, groupInputs(ROTATED)));

        server.faults.add({ method: "POST", fault: { kind: "hang" } });
        await keep(() => withRequestTimeout(HANG_TIMEOUT_SECONDS, () => provider.create(groupInputs(SECRET, "second"))));
        server.faults.add({ method: "POST", fault: { kind: "status", status: 500, apply: true } });
        server.faults.add({ method: "GET", times: 4, fault: { kind: "status", status: 500 } });
        await keep(() => provider.create(groupInputs(SECRET, "third")));
        // A service error whose message echoes the secret it was sent.
        server.faults.add({ method: "PUT", fault: { kind: "status", status: 400, body: { message: `VS402912: variable value '${SECRET}' is invalid`, typeKey: "InvalidRequestException" } } });
        await keep(() => provider.update!(created.id, created.outs!, inputs));
        await keep(() => provider.create({ ...groupInputs(SECRET), name: " bad name " }));
        process.env.AZDO_PERSONAL_ACCESS_TOKEN = `${server.pat}-revoked`;
        await keep(() => provider.read!(created.id, created.outs!));
        process.env.AZDO_PERSONAL_ACCESS_TOKEN = server.pat;
        await keep(() => provider.delete!(created.id, created.outs!));
      });
      seen.push(...lines);
    } finally {
      restore();
    }

    expect(seen.length).toBeGreaterThan(8);
    // The failures really happened, so their messages were checked too.
    const all = seen.join("\n");
    expect(all).toContain("returned 400 (VS402912 InvalidRequestException)");
    expect(all).toContain("the PAT in AZDO_PERSONAL_ACCESS_TOKEN was rejected");
    expect(all).toContain("invalid variable group");
    expect(all).toContain("secretHashes");
    const forbidden = [server.pat, Buffer.from(`:${server.pat}`).toString("base64"), SECRET, ROTATED];
    for (const text of seen) {
      for (const secret of forbidden) expect(text).not.toContain(secret);
    }
  });
});
