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
  notes: ["Set `pat.testConnection: true` to run InfraKitchen's Test Connection before the tool ever sees the token."],
};
