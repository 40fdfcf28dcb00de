import * as pulumi from "@pulumi/pulumi";

/** A resource as a component's transformation saw it: type, name and the parent it was given. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly parent?: pulumi.Resource;
}

/**
 * A transformation that records every resource registered under the component
 * it is passed to, with its parent (the mocks are not told the parent; a
 * transformation is, and children inherit it). The component itself, which
 * has no parent here, is left out.
 */
export function captureChildren(): { seen: Registration[]; transformations: pulumi.ResourceTransformation[] } {
  const seen: Registration[] = [];
  return {
    seen,
    transformations: [
      (a) => {
        if (a.opts.parent !== undefined) seen.push({ type: a.type, name: a.name, parent: a.opts.parent });
        return undefined;
      },
    ],
  };
}
