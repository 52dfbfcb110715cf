export type ErrorCode =
  | "validation_failed"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "unprocessable"
  | "rate_limited"
  | "overloaded"
  | "internal_error";

const statusOf: Record<ErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  overloaded: 503,
  internal_error: 500,
};

export interface FieldIssue {
  field: string;
  message: string;
}

/** The one error type services throw; mapped to HTTP once, in lib/api/handler. */
/** "to is required; cc.0 must be an email address" — the field errors as one plain sentence. */
function validationSummary(details: FieldIssue[]): string {
  const shown = details.slice(0, 3).map((d) => `${d.field} ${d.message}`);
  const more = details.length - shown.length;
  return `Check ${details.length === 1 ? "this field" : "these fields"}: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
    readonly details?: unknown,
    status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "AppError";
    this.status = status ?? statusOf[code as ErrorCode] ?? 500;
  }

  static notFound(resource: string): AppError {
    return new AppError("not_found", `${resource} not found`);
  }
  static forbidden(message = "Your role does not allow this action"): AppError {
    return new AppError("forbidden", message);
  }
  static unauthenticated(message = "Authentication required"): AppError {
    return new AppError("unauthenticated", message);
  }
  static validation(details: FieldIssue[], message?: string): AppError {
    return new AppError("validation_failed", message ?? validationSummary(details), details);
  }
  static conflict(message: string, details?: unknown): AppError {
    return new AppError("conflict", message, details);
  }
  static rateLimited(retryAfterSeconds: number): AppError {
    return new AppError(
      "rate_limited",
      `Too many requests; retry in ${retryAfterSeconds} s`,
      undefined,
      429,
      retryAfterSeconds,
    );
  }
  static overloaded(retryAfterSeconds: number): AppError {
    return new AppError(
      "overloaded",
      `The server is busy; retry in ${retryAfterSeconds} s`,
      undefined,
      503,
      retryAfterSeconds,
    );
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
