/**
 * Delegated-permission IDs that Microsoft publishes for Azure DevOps and
 * Microsoft Graph. The offline plan answers scope lookups with them, and the
 * policy pack uses them to name the scope an ID in an app registration stands
 * for. The program itself never sends them: real runs read IDs from the
 * tenant's service principals (resource-principals.ts).
 */
export const PUBLISHED_AZURE_DEVOPS_SCOPE_IDS: Readonly<Record<string, string>> = {
  user_impersonation: "ee69721e-6c3a-468f-a9ec-302d16a4c599",
  "vso.agentpools": "ff83db68-cb4a-4cff-9bfe-285ed2bb9e45",
  "vso.agentpools_manage": "09370e63-5e5c-4c44-b89a-6368427605d4",
  "vso.analytics": "fcd8f1a4-ac62-487a-b198-13632f189646",
  "vso.auditlog": "47446fe8-9e9f-4bb2-bc8b-81a861caeddb",
  "vso.build": "0d85fdcb-8267-4af0-857e-7f76b110fbdc",
  "vso.build_execute": "b64406bf-2a08-4182-b51e-f51dd0f6d5a3",
  "vso.code": "b325850d-aa53-41ed-b77a-c5036b2f39fa",
  "vso.code_full": "9aae797f-f2fc-47b9-bae7-1db49fdd874b",
  "vso.code_manage": "5f1d8cdf-acb3-47db-b79d-e0c6f18e262d",
  "vso.code_status": "7082e756-8e76-4ebc-a2b0-353809a642c2",
  "vso.code_write": "028ffaf1-6f06-490a-979e-38011f92fb7c",
  "vso.entitlements": "c3cbdc26-4b85-4be1-bfb4-af3a552fb28c",
  "vso.graph": "75a97209-eb46-4571-9d6b-777ae5fcb245",
  "vso.graph_manage": "e5125ad5-f716-4bc5-8688-14499b80567e",
  "vso.identity": "e1bca0e2-994e-4688-b5f6-665b49ee1787",
  "vso.identity_manage": "8b01a8c5-f24c-4740-8104-d74337d52c0f",
  "vso.memberentitlementmanagement": "eafb48a2-84ed-4179-802a-5d6f1fe452f6",
  "vso.memberentitlementmanagement_write": "7f232b5a-2cf4-410c-833e-7fcb6175eb94",
  "vso.notification": "e7fce5bb-fd6c-4f04-9a7d-bc4d67ea64fc",
  "vso.notification_write": "10e32108-6193-4cd9-b405-ab95c87509b0",
  "vso.packaging": "fcc79b02-ad6b-4ac7-af05-70cb9e349708",
  "vso.packaging_write": "fb6a8425-8933-4b7f-9c4a-154568e06e5c",
  "vso.profile": "4ee63f9b-9e65-476c-a487-9fea1e00c7ef",
  "vso.project": "7b1a2725-1134-40f5-a891-d20bbb122919",
  "vso.project_write": "e8a8f033-da2f-4059-ba3e-63a8f69b8842",
  "vso.release": "a6abae6c-fe64-4795-aea0-ccf174ec25cf",
  "vso.release_execute": "1decc0a5-a110-4bb7-86e5-0b0ecf40c010",
  "vso.serviceendpoint": "503568bd-aea0-4478-a536-a8325f5f0830",
  "vso.serviceendpoint_manage": "6f9f984c-a956-40b7-a6ac-4f7e3f091f96",
  "vso.threads_full": "58e8028a-07da-44f8-9dce-69f2052e9a0f",
  "vso.variablegroups_manage": "e20dcb7e-deff-4025-805a-853e74ff44c1",
  "vso.variablegroups_read": "469808c3-0aad-4ce3-854e-0080dfc973d9",
  "vso.variablegroups_write": "c4679fff-04f1-4e29-88b4-4ae78bf4ee27",
  "vso.work": "3214d9aa-5551-4ef3-a866-22914177e2a4",
  "vso.work_full": "3e49c96c-b24e-493b-a225-497a7b3805ab",
  "vso.work_write": "dfc8977a-1f87-4e99-95cb-4bd25e4f546d",
};

/** Microsoft Graph's published delegated scope IDs for sign-in and profile. */
export const PUBLISHED_GRAPH_SCOPE_IDS: Readonly<Record<string, string>> = {
  "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
  openid: "37f7f235-527c-4136-accd-4a02d197296e",
  profile: "14dad69e-099b-42c9-810b-d002981feec1",
  email: "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
  offline_access: "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
};
