import { createHash } from "node:crypto";

/** A stable, GUID-shaped ID derived from a seed: the same seed always gives the same ID. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  // Version 5-style layout so the value reads as a real GUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
