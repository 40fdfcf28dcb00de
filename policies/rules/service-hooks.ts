/** Rules on Azure DevOps service hook subscriptions (webhooks). */
import { judgeUrl } from "./https";
import { asString, type Props } from "./read";

/**
 * A webhook posts to an https URL with no credentials in it: the delivery
 * carries the basic-auth password and the event payload. Messages show only
 * the URL's origin, since a path or query can hold a tool's token.
 */
export function checkServiceHookUrl(props: Props): string[] {
  const url = asString(props.url);
  if (url === undefined || url === "") return ["has no url"];
  const verdict = judgeUrl(url, { allowLoopbackHttp: false });
  if (verdict.url === undefined) return ["url is not a valid URL"];
  const out: string[] = [];
  if (verdict.problems.includes("not-https")) {
    out.push(`url ${verdict.url.protocol}//${verdict.url.host} is not https: Azure DevOps would send the basic-auth password and the payload in clear text`);
  }
  if (verdict.problems.includes("credentials")) {
    out.push("url carries a user name or password: put credentials in basic auth (serviceHooks.passwordSecret), never in the URL");
  }
  return out;
}

/**
 * A webhook authenticates with basic auth and a non-empty password (the user
 * name may be empty: Spacelift expects exactly that). Without it the receiver
 * cannot tell Azure DevOps from anyone who learns the URL.
 */
export function checkServiceHookAuth(props: Props): string[] {
  const password = asString(props.basicAuthPassword);
  return password !== undefined && password.trim() !== ""
    ? []
    : ["has no basic-auth password: the receiver cannot tell Azure DevOps from anyone else; set serviceHooks.passwordSecret, or leave it out to have one generated"];
}
