// The four login flows as the shell names them (services.toml `flow`), with the words
// the UI uses and what each needs when a service is entered by hand.

export type FlowId = "auth-code" | "device" | "client-credentials" | "password";

/** Flows whose "login" is pasting a token or key (made by OpenAPI import). */
const PASTED_LABELS: Record<string, string> = { bearer: "Pasted token", "api-key": "API key" };

export type EndpointField = "authorizationUrl" | "tokenUrl" | "deviceUrl";

export interface FlowInfo {
  id: FlowId;
  label: string;
  short: string;
  /** Endpoints needed when there is no issuer to discover them from. */
  endpoints: EndpointField[];
  needsUsername: boolean;
  needsPassword: boolean;
}

export const FLOWS: readonly FlowInfo[] = [
  { id: "auth-code", label: "Browser login (authorization code + PKCE)", short: "Browser login", endpoints: ["authorizationUrl", "tokenUrl"], needsUsername: false, needsPassword: false },
  { id: "device", label: "Device code (enter a code on another device)", short: "Device code", endpoints: ["deviceUrl", "tokenUrl"], needsUsername: false, needsPassword: false },
  { id: "client-credentials", label: "Client credentials (no user)", short: "Client credentials", endpoints: ["tokenUrl"], needsUsername: false, needsPassword: false },
  { id: "password", label: "Password (user name and password)", short: "Password", endpoints: ["tokenUrl"], needsUsername: true, needsPassword: true },
];

export function flowInfo(flow: string): FlowInfo | undefined {
  return FLOWS.find((f) => f.id === flow);
}

/** A short label for any flow string, falling back to the raw value. */
export function flowLabel(flow: string): string {
  return flowInfo(flow)?.short ?? PASTED_LABELS[flow] ?? flow;
}

/** Flows whose login waits for the user in a browser window. */
export function isBrowserFlow(flow: string): boolean {
  return flow === "auth-code";
}

export const CLIENT_AUTHS = [
  { id: "none", label: "None (public client)" },
  { id: "client_secret_basic", label: "Client secret, HTTP Basic" },
  { id: "client_secret_post", label: "Client secret, in the form body" },
] as const;

/** App-token lifetimes offered for services that support them (NOMAD). */
export const APP_TOKEN_LIFETIMES = [
  { secs: 3600, label: "1 hour" },
  { secs: 86400, label: "1 day" },
  { secs: 7 * 86400, label: "7 days" },
  { secs: 30 * 86400, label: "30 days" },
] as const;
