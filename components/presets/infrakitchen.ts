import type { Preset } from "./types";

/** InfraKitchen: organization name plus a PAT with Code read, write & manage. */
export const infrakitchen: Preset = {
  name: "infrakitchen",
  displayName: "InfraKitchen",
  defaultMode: "pat",
  modes: {
    pat: {
      summary: "PAT with Code (read, write, and manage), checked like InfraKitchen's Test Connection",
      pat: { scopes: ["vso.code_manage"] },
      form: [
        { label: "Azure Organization", source: "organizationName" },
        { label: "Azure Access Token", source: "pat" },
      ],
    },
  },
  notes: [
    "Checked 2026-12-02: no newer InfraKitchen documentation was found than the form this preset follows (Azure Organization, Azure Access Token); the preset is unchanged.",
    "Set `pat.testConnection: true` to run InfraKitchen's Test Connection before the tool ever sees the token.",
    "SSH access stays manual: an SSH public key belongs to one Azure DevOps user and is added in that user's settings; Azure DevOps has no documented REST API for it, and no service principal can hold one.",
  ],
};
