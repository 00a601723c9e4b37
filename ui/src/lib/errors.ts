// Turning whatever a failed command throws into one readable sentence. The shell throws
// an ErrorDto {kind, message}; the UI must never show it as raw JSON.

import type { ErrorDto } from "../bindings/types";

function isErrorDto(e: unknown): e is ErrorDto {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { kind?: unknown }).kind === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

const KIND_PREFIX: Record<string, string> = {
  keyring: "Keyring: ",
  provider: "",
  config: "",
  login_required: "",
  local: "",
};

export function errorMessage(e: unknown): string {
  if (isErrorDto(e)) {
    const text = e.message.trim() || "The operation failed.";
    return (KIND_PREFIX[e.kind] ?? "") + text;
  }
  if (typeof e === "string" && e.trim() !== "") return e.trim();
  if (e instanceof Error && e.message) return e.message;
  return "Something went wrong.";
}

export function errorKind(e: unknown): string | null {
  return isErrorDto(e) ? e.kind : null;
}

/** A login or action the user cancelled: not an error worth showing. */
export function isCancelled(e: unknown): boolean {
  return errorKind(e) === "cancelled";
}
