// Form validation with the same rules the shell applies (crates/authdeck-core config
// types), so mistakes are reported while typing instead of after a round trip.
// Every validator returns an error message, or null when the value is fine.

const SERVICE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function validateServiceId(raw: string, existing: readonly string[] = []): string | null {
  const id = raw.trim();
  if (id === "") return "Enter a service id.";
  if (id.length > 64) return "A service id has at most 64 characters.";
  if (!SERVICE_ID.test(id)) {
    return "Use lowercase letters, digits, '-' or '_', starting with a letter or digit.";
  }
  if (existing.includes(id)) return `A service with the id “${id}” already exists.`;
  return null;
}

/** A suggested service id from a display name or preset name ("NOMAD (FAIRmat)" → "nomad-fairmat"). */
export function suggestServiceId(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .replace(/-{2,}/g, "-")
    .slice(0, 64);
}

export interface UrlRule {
  required: boolean;
  /** How the field is called in messages. */
  label: string;
}

export function validateHttpUrl(raw: string, rule: UrlRule): string | null {
  const s = raw.trim();
  if (s === "") return rule.required ? `Enter the ${rule.label}.` : null;
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return `The ${rule.label} must be a full URL starting with http:// or https://.`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `The ${rule.label} must start with http:// or https://.`;
  }
  if (url.hostname === "") return `The ${rule.label} needs a host name.`;
  if (url.username !== "" || url.password !== "") {
    return `The ${rule.label} must not contain a user name or password; Authdeck keeps credentials in the keyring.`;
  }
  return null;
}

export function validateRequired(raw: string, label: string): string | null {
  return raw.trim() === "" ? `Enter the ${label}.` : null;
}

/** A whole number of seconds within [min, max]. */
export function validateSeconds(raw: string, label: string, min: number, max: number): string | null {
  return validateWhole(raw, label, min, max, "seconds");
}

export function validateMinutes(raw: string, label: string, min: number, max: number): string | null {
  return validateWhole(raw, label, min, max, "minutes");
}

function validateWhole(raw: string, label: string, min: number, max: number, unit: string): string | null {
  const s = raw.trim();
  if (!/^\d+$/.test(s)) return `The ${label} must be a whole number of ${unit}.`;
  const n = Number(s);
  if (n < min || n > max) return `The ${label} must be between ${min} and ${max} ${unit}.`;
  return null;
}

/** Scopes typed as space- or comma-separated words, without duplicates. */
export function parseScopes(raw: string): string[] {
  const seen = new Set<string>();
  for (const s of raw.split(/[\s,]+/)) if (s) seen.add(s);
  return [...seen];
}

/** An empty or blank field becomes null (the DTOs' "not set"). */
export function optional(raw: string): string | null {
  const s = raw.trim();
  return s === "" ? null : s;
}
