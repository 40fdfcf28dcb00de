import { atlantis } from "./atlantis";
import { backstage } from "./backstage";
import { bytebase } from "./bytebase";
import { custom } from "./custom";
import { gitpod, ona } from "./gitpod";
import { hcpTerraform } from "./hcp-terraform";
import { infrakitchen } from "./infrakitchen";
import { spacelift } from "./spacelift";
import { terrakube } from "./terrakube";
import type { Preset, PresetName } from "./types";

export * from "./types";

/** Every preset, by name. */
export const PRESETS: Readonly<Record<PresetName, Preset>> = { terrakube, bytebase, gitpod, ona, spacelift, infrakitchen, "hcp-terraform": hcpTerraform, atlantis, backstage, custom };
