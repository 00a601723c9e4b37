// Turning whatever a failed command throws into one readable sentence. The shell throws
// an ErrorDto {code, message, hint}: the message says what happened, the hint (the
// desktop's own wording) what to do. The UI must never show it as raw JSON.

import type { ErrorCode, ErrorDto } from "../bindings/types";

function isErrorDto(e: unknown): e is ErrorDto {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

const CODE_PREFIX: Partial<Record<ErrorCode, string>> = {
  keyring: "Keyring: ",
};

export function errorMessage(e: unknown): string {
  if (isErrorDto(e)) {
    const text = e.message.trim() || "The operation failed.";
    const hint = e.hint?.trim();
    const sentence = hint ? `${text.replace(/\.$/, "")}. ${hint}` : text;
    return (CODE_PREFIX[e.code] ?? "") + sentence;
  }
  if (typeof e === "string" && e.trim() !== "") return e.trim();
  if (e instanceof Error && e.message) return e.message;
  return "Something went wrong.";
}

export function errorCode(e: unknown): ErrorCode | null {
  return isErrorDto(e) ? e.code : null;
}

/** A login or action the user cancelled: not an error worth showing. */
export function isCancelled(e: unknown): boolean {
  return errorCode(e) === "cancelled";
}
