/**
 * STAND-IN for the azuread provider plugin, for the engine tests only: the
 * real plugin cannot be installed here (no download site) or built from the
 * module proxy, and would need a real Entra tenant. It answers the calls the
 * program makes, with made-up IDs that stay fixed for a resource's life:
 *
 * - Application, ServicePrincipal (clientId replaces), ApplicationPassword
 *   (every input replaces, as in the real provider; `value` is a made-up secret),
 *   ApplicationFederatedIdentityCredential (applicationId and displayName
 *   replace, as in the real provider);
 * - getClientConfig, getServicePrincipals, getServicePrincipal (the tenant's
 *   Azure DevOps and Graph principals, with Microsoft's published scope IDs).
 *
 * Not modelled: Microsoft Graph itself (no directory is kept, so duplicate
 * names, owners and consent are never checked), out-of-band changes on
 * refresh, provider configuration (ARM_* is ignored), errors and throttling,
 * and previews of computed outputs: the real plugin keeps an updated app's
 * clientId known in a preview, the stand-in (like any plugin written with the
 * Node.js SDK) leaves it unknown, so such a preview shows the app's service
 * principal replaced where the real plugin shows it unchanged.
 */
import { main } from "@pulumi/pulumi/provider";
import { PUBLISHED_AZURE_DEVOPS_SCOPE_IDS, PUBLISHED_GRAPH_SCOPE_IDS } from "../../../components/entra/published-ids";
import { AZURE_DEVOPS_APP_ID, MICROSOFT_GRAPH_APP_ID } from "../../../components/entra/scopes";
import { newGuid, standIn } from "./standin";

/** The tenant and the deploying identity every call answers with. */
export const STANDIN_TENANT_ID = "5a1e7e57-0000-4000-8000-00000000a11d";
export const STANDIN_CALLER_OBJECT_ID = "5a1e7e57-0000-4000-8000-0000000ca11e";

const principals: Record<string, Record<string, string>> = {
  [AZURE_DEVOPS_APP_ID]: { ...PUBLISHED_AZURE_DEVOPS_SCOPE_IDS },
  [MICROSOFT_GRAPH_APP_ID]: { ...PUBLISHED_GRAPH_SCOPE_IDS },
};
const objectIdOf = (clientId: string) => `5a1e7e57-0000-4000-8000-${clientId.replace(/-/g, "").slice(0, 12)}`;

const provider = standIn(
  "6.9.1",
  {
    "azuread:index/application:Application": {
      inputs: [
        "displayName", "signInAudience", "owners", "web", "requiredResourceAccesses", "tags", "preventDuplicateNames",
        "api", "appRoles", "identifierUris", "optionalClaims", "publicClient", "singlePageApplication", "featureTags", "groupMembershipClaims",
      ],
      replaceOn: [],
      create: () => {
        const objectId = newGuid();
        return { objectId, clientId: newGuid(), id: `/applications/${objectId}` };
      },
      id: (s) => String(s.id),
    },
    "azuread:index/servicePrincipal:ServicePrincipal": {
      inputs: ["clientId", "owners", "appRoleAssignmentRequired", "tags", "useExisting"],
      replaceOn: ["clientId"],
      create: () => {
        const objectId = newGuid();
        return { objectId, id: `/servicePrincipals/${objectId}`, oauth2PermissionScopeIds: {} };
      },
      id: (s) => String(s.id),
    },
    "azuread:index/applicationPassword:ApplicationPassword": {
      inputs: ["applicationId", "displayName", "endDate", "endDateRelative", "rotateWhenChanged", "startDate"],
      replaceOn: ["applicationId", "displayName", "endDate", "endDateRelative", "rotateWhenChanged", "startDate"],
      create: (inputs) => {
        const keyId = newGuid();
        return { keyId, value: `standin-client-secret-${newGuid()}`, id: `${String(inputs.applicationId)}/password/${keyId}` };
      },
      id: (s) => String(s.id),
    },
    "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential": {
      inputs: ["applicationId", "displayName", "description", "audiences", "issuer", "subject"],
      replaceOn: ["applicationId", "displayName"],
      create: (inputs) => {
        const credentialId = newGuid();
        return { credentialId, id: `${String(inputs.applicationId)}/federatedIdentityCredential/${credentialId}` };
      },
      id: (s) => String(s.id),
    },
  },
  {
    "azuread:index/getClientConfig:getClientConfig": () => ({
      tenantId: STANDIN_TENANT_ID,
      clientId: "5a1e7e57-0000-4000-8000-0000000de910",
      // A test plays another identity running `up` by setting STANDIN_CALLER_OBJECT_ID.
      objectId: process.env.STANDIN_CALLER_OBJECT_ID ?? STANDIN_CALLER_OBJECT_ID,
    }),
    "azuread:index/getServicePrincipals:getServicePrincipals": (inputs) => {
      const asked = (inputs.clientIds as string[] | undefined) ?? [];
      const found = asked.filter((id) => principals[id]);
      if (found.length < asked.length && !inputs.ignoreMissing) throw new Error(`service principals not found: ${asked.filter((id) => !principals[id]).join(", ")}`);
      return {
        clientIds: found,
        objectIds: found.map(objectIdOf),
        displayNames: found,
        servicePrincipals: found.map((clientId) => ({ clientId, objectId: objectIdOf(clientId), displayName: clientId })),
      };
    },
    "azuread:index/getServicePrincipal:getServicePrincipal": (inputs) => {
      const clientId = String(inputs.clientId ?? "");
      const scopes = principals[clientId];
      if (!scopes) throw new Error(`service principal with client ID ${clientId} not found`);
      return { clientId, objectId: objectIdOf(clientId), oauth2PermissionScopeIds: scopes, id: objectIdOf(clientId) };
    },
  },
);

main(provider, process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
