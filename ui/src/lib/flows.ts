// The words the UI uses for the shell's closed sets — login flows, client authentication,
// token types — and what each flow needs when a service is entered by hand. The sets
// themselves are generated from Rust (bindings/types.ts); the tables here are keyed by
// them (`Record<Flow, …>`), so a variant added in Rust is a type error until labelled.

import type { ClientAuth, Flow, TokenType } from "../bindings/types";

export type FlowId = Flow;

export type EndpointField = "authorizationUrl" | "tokenUrl" | "deviceUrl";

/** What a service entered by hand with this flow needs. */
export interface ManualFlow {
  /** Endpoints needed when there is no issuer to discover them from. */
  endpoints: EndpointField[];
  needsUsername: boolean;
  needsPassword: boolean;
}

export interface FlowInfo {
  id: Flow;
  label: string;
  short: string;
  /** Null for the flows whose "login" is pasting a token or key (made by OpenAPI import). */
  manual: ManualFlow | null;
}

const FLOW_INFO: Record<Flow, Omit<FlowInfo, "id">> = {
  "auth-code": { label: "Browser login (authorization code + PKCE)", short: "Browser login", manual: { endpoints: ["authorizationUrl", "tokenUrl"], needsUsername: false, needsPassword: false } },
  device: { label: "Device code (enter a code on another device)", short: "Device code", manual: { endpoints: ["deviceUrl", "tokenUrl"], needsUsername: false, needsPassword: false } },
  "client-credentials": { label: "Client credentials (no user)", short: "Client credentials", manual: { endpoints: ["tokenUrl"], needsUsername: false, needsPassword: false } },
  password: { label: "Password (user name and password)", short: "Password", manual: { endpoints: ["tokenUrl"], needsUsername: true, needsPassword: true } },
  bearer: { label: "Pasted token", short: "Pasted token", manual: null },
  "api-key": { label: "API key", short: "API key", manual: null },
};

/** Every flow, in the order of the table above. */
export const ALL_FLOWS: readonly FlowInfo[] = (Object.keys(FLOW_INFO) as Flow[]).map((id) => ({ id, ...FLOW_INFO[id] }));

/** The flows a service entered by hand can use (the form's choices). */
export const FLOWS: readonly (FlowInfo & { manual: ManualFlow })[] = ALL_FLOWS.filter((f): f is FlowInfo & { manual: ManualFlow } => f.manual !== null);

export function flowInfo(flow: Flow): FlowInfo {
  return { id: flow, ...FLOW_INFO[flow] };
}

/** A short label for a flow. */
export function flowLabel(flow: Flow): string {
  return FLOW_INFO[flow].short;
}

/** Flows whose login waits for the user in a browser window. */
export function isBrowserFlow(flow: Flow): boolean {
  return flow === "auth-code";
}

const CLIENT_AUTH_LABELS: Record<ClientAuth, string> = {
  none: "None (public client)",
  client_secret_basic: "Client secret, HTTP Basic",
  client_secret_post: "Client secret, in the form body",
  client_secret_jwt: "Client secret, signed JWT (HS256)",
  private_key_jwt: "Private key, signed JWT",
};

/** The client authentications, with their labels, in the order the form offers them. */
export const CLIENT_AUTHS: readonly { id: ClientAuth; label: string }[] = (Object.keys(CLIENT_AUTH_LABELS) as ClientAuth[]).map((id) => ({ id, label: CLIENT_AUTH_LABELS[id] }));

const TOKEN_TYPE_LABELS: Record<TokenType, string> = {
  bearer: "bearer token",
  api_key: "API key",
  dpop: "DPoP-bound token",
  other: "token",
};

/** How the panel names a stored token's type ("an opaque bearer token"). */
export function tokenTypeLabel(t: TokenType): string {
  return TOKEN_TYPE_LABELS[t];
}

/** App-token lifetimes offered for services that support them (NOMAD). */
export const APP_TOKEN_LIFETIMES = [
  { secs: 3600, label: "1 hour" },
  { secs: 86400, label: "1 day" },
  { secs: 7 * 86400, label: "7 days" },
  { secs: 30 * 86400, label: "30 days" },
] as const;
