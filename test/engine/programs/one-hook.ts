/**
 * A program for the engine suite's import test: one service hook
 * subscription, from stack config, the way a team declares a hook it created
 * by hand before importing it. Copied to the same path in the project copy
 * (see EngineProject's `main`).
 */
import * as pulumi from "@pulumi/pulumi";
import { ServiceHookSubscription } from "../../../components/azure-devops/service-hook-subscription";

const config = new pulumi.Config("one-hook");
const hook = new ServiceHookSubscription(config.require("name"), {
  organizationUrl: new pulumi.Config("ado-integrations").require("organization"),
  projectId: config.require("projectId"),
  eventType: "git.push",
  url: config.require("url"),
  messagesToSend: "none",
  detailedMessagesToSend: "none",
});

export const subscriptionId = hook.id;
