// The runtime the dynamic providers load at call time (see
// ../service-hook-subscription.ts) and program-side code imports directly.
export * from "./auth";
export * from "./client";
// The rest of ./common is internal to the resource runtimes.
export { type ClientFactory, hashPassword } from "./common";
export * from "./entitlements";
export * from "./errors";
export * from "./events";
export * from "./hosts";
export * from "./org-url";
export * from "./projects";
export * from "./subscriptions";
export * from "./variable-groups";
