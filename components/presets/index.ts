import { bytebase } from "./bytebase";
import { custom } from "./custom";
import { gitpod } from "./gitpod";
import { infrakitchen } from "./infrakitchen";
import { spacelift } from "./spacelift";
import { terrakube } from "./terrakube";
import type { Preset, PresetName } from "./types";

export * from "./types";

/** Every preset, by name. */
export const PRESETS: Readonly<Record<PresetName, Preset>> = { terrakube, bytebase, gitpod, spacelift, infrakitchen, custom };
