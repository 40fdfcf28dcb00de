import { describe, expect, it } from "vitest";
import { checkPat, type PatDeclaration } from "../../components/credentials/pat-checks";
import { NOW } from "../helpers";

const base: PatDeclaration = { expiresOn: "2027-01-31", scopes: ["vso.code_write"], allOrganizations: false, expiryWarningDays: 30 };

describe("checkPat", () => {
  it("finds nothing for a fresh, least-privilege, organization-scoped PAT", () => {
    expect(checkPat(base, ["vso.code_write"], NOW)).toEqual([]);
  });

  it.each([
    ["2026-12-23", []],
    ["2026-12-21", ["the PAT expires on 2026-12-21, in 29 days (warning window 30 days): rotate it"]],
    ["2026-11-23", ["the PAT expires on 2026-11-23, in 1 day (warning window 30 days): rotate it"]],
    ["2026-11-22", ["the PAT expires on 2026-11-22, in 0 days (warning window 30 days): rotate it"]],
  ])("expiry window boundary: %s", (expiresOn, warnings) => {
    const found = checkPat({ ...base, expiresOn }, ["vso.code_write"], NOW);
    expect(found.filter((f) => f.severity === "warning").map((f) => f.message)).toEqual(warnings);
    expect(found.filter((f) => f.severity === "error")).toEqual([]);
  });

  it("warns on the last day of the window, counted in days", () => {
    const found = checkPat({ ...base, expiresOn: "2026-12-22", expiryWarningDays: 30 }, [], NOW);
    expect(found).toEqual([{ severity: "warning", key: "expiresOn", message: "the PAT expires on 2026-12-22, in 30 days (warning window 30 days): rotate it" }]);
  });

  it("treats yesterday as expired", () => {
    expect(checkPat({ ...base, expiresOn: "2026-11-21" }, [], NOW)).toEqual([
      { severity: "error", key: "expiresOn", message: "the PAT expired on 2026-11-21 (1 day ago): create a new one, store it, and update expiresOn" },
    ]);
  });

  it("allows exactly one year and refuses a day more", () => {
    expect(checkPat({ ...base, createdOn: "2026-11-01", expiresOn: "2027-11-01" }, [], NOW)).toEqual([]);
    expect(checkPat({ ...base, createdOn: "2026-11-01", expiresOn: "2027-11-02" }, [], NOW)).toEqual([
      {
        severity: "error",
        key: "expiresOn",
        message: "the PAT lives 366 days (2026-11-01 to 2027-11-02), over the 365-day maximum: create one that expires within a year",
      },
    ]);
    expect(checkPat({ ...base, expiresOn: "2027-11-23" }, [], NOW)).toEqual([
      { severity: "error", key: "expiresOn", message: "the PAT expires 366 days from today, over the 365-day maximum: create one that expires within a year" },
    ]);
  });

  it("refuses a creation date after the expiry", () => {
    expect(checkPat({ ...base, createdOn: "2027-02-01" }, [], NOW)).toEqual([{ severity: "error", key: "createdOn", message: "is after expiresOn 2027-01-31" }]);
  });

  it("refuses global PATs, before and after the cut-off", () => {
    expect(checkPat({ ...base, allOrganizations: true }, [], NOW)[0]!.message).toBe(
      "all-organizations (global) PATs stop working on 2026-12-01: create a PAT scoped to this organization only",
    );
    expect(checkPat({ ...base, expiresOn: "2027-03-01", allOrganizations: true }, [], new Date("2026-12-02T00:00:00Z"))[0]!.message).toBe(
      "all-organizations (global) PATs stopped working on 2026-12-01: create a PAT scoped to this organization only",
    );
  });

  it("warns on broader scopes and refuses missing ones", () => {
    expect(checkPat({ ...base, scopes: ["vso.code_manage", "vso.work"] }, ["vso.code_write"], NOW)).toEqual([
      {
        severity: "warning",
        key: "scopes",
        message: "vso.code_manage, vso.work are more than the tool needs (vso.code_write): create a PAT with only those",
      },
    ]);
    expect(checkPat({ ...base, scopes: ["vso.code"] }, ["vso.code_write"], NOW)).toEqual([
      { severity: "error", key: "scopes", message: "the tool needs vso.code_write, which these scopes do not grant" },
    ]);
    // A broader scope satisfies the narrower need (and is then flagged as broader).
    expect(checkPat({ ...base, scopes: ["app_token"] }, ["vso.code_write"], NOW).map((f) => f.severity)).toEqual(["warning"]);
  });
});
