import { describe, expect, it } from "vitest";
import { checkPat, patExpiry, type PatDeclaration } from "../../components/credentials/pat-checks";
import { NOW } from "../helpers";

const base: PatDeclaration = { expiresOn: "2027-01-31", scopes: ["vso.code_write"], allOrganizations: false };

describe("checkPat", () => {
  it("finds nothing for a fresh, least-privilege, organization-scoped PAT", () => {
    expect(checkPat(base, ["vso.code_write"], NOW)).toEqual([]);
  });

  it("leaves expiry to patExpiry: an expired PAT or one inside the window is no finding of checkPat", () => {
    expect(checkPat({ ...base, expiresOn: "2026-11-21" }, [], NOW)).toEqual([]);
    expect(checkPat({ ...base, expiresOn: "2026-12-10" }, [], NOW)).toEqual([]);
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

describe("patExpiry", () => {
  it.each([
    ["2026-12-23", 30, { fit: true, daysLeft: 31 }],
    ["2026-12-22", 30, { fit: false, daysLeft: 30, warning: "the PAT expires on 2026-12-22, in 30 days (warning window 30 days): rotate it" }],
    ["2026-12-21", 30, { fit: false, daysLeft: 29, warning: "the PAT expires on 2026-12-21, in 29 days (warning window 30 days): rotate it" }],
    ["2026-11-23", 30, { fit: false, daysLeft: 1, warning: "the PAT expires on 2026-11-23, in 1 day (warning window 30 days): rotate it" }],
    ["2026-11-22", 30, { fit: false, daysLeft: 0, warning: "the PAT expires on 2026-11-22, in 0 days (warning window 30 days): rotate it" }],
    ["2026-11-21", 30, { fit: false, daysLeft: -1, warning: "the PAT expired on 2026-11-21 (1 day ago): create a new one, store it, and update expiresOn" }],
    ["2026-10-01", 30, { fit: false, daysLeft: -52, warning: "the PAT expired on 2026-10-01 (52 days ago): create a new one, store it, and update expiresOn" }],
    ["2026-12-10", 14, { fit: true, daysLeft: 18 }],
    ["2026-12-06", 14, { fit: false, daysLeft: 14, warning: "the PAT expires on 2026-12-06, in 14 days (warning window 14 days): rotate it" }],
    ["2026-11-22", 0, { fit: false, daysLeft: 0, warning: "the PAT expires on 2026-11-22, in 0 days (warning window 0 days): rotate it" }],
    ["2026-11-23", 0, { fit: true, daysLeft: 1 }],
  ])("expires %s, window %s days", (expiresOn, windowDays, expected) => {
    expect(patExpiry(expiresOn, windowDays, NOW)).toEqual(expected);
  });

  it("has nothing to say about a date it cannot read", () => {
    expect(patExpiry("2027-02-30", 30, NOW)).toBeUndefined();
  });
});
