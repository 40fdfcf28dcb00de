import type { Preset } from "./types";

/**
 * Any other tool: nothing is assumed. Scopes, events and PAT scopes come from
 * the integration's own config, and `fields` names the form labels.
 */
export const custom: Preset = {
  name: "custom",
  displayName: "Custom",
  defaultMode: "custom",
  modes: {
    custom: {
      summary: "Whatever the integration's config asks for",
      form: [],
    },
  },
  notes: [],
};
