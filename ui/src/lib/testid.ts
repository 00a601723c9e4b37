// `data-testid` values the end-to-end tests rely on. The default account is addressed by
// the service id alone; other accounts get "-<account>" appended.

import { DEFAULT_ACCOUNT } from "./accounts";

export function testIdSuffix(service: string, account: string): string {
  return account === DEFAULT_ACCOUNT ? service : `${service}-${account}`;
}

export type RowTestId =
  | "service"
  | "login"
  | "copy-raw"
  | "copy-bearer"
  | "copy-header"
  | "copy-curl"
  | "expiry"
  | "state"
  | "login-warning"
  | "relogin"
  | "reveal"
  | "logout"
  | "remove-account"
  | "activity"
  | "proxy"
  | "proxy-start"
  | "proxy-stop"
  | "proxy-url"
  | "proxy-copy"
  | "proxy-docs";

export function rowTestId(kind: RowTestId, service: string, account: string): string {
  return `${kind}-${testIdSuffix(service, account)}`;
}
