import type { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";
// Plain-words validation messages for every operation's schemas (a side effect).
import "@/lib/validation/plain-errors";

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** One REST operation: the schemas both the handler and the OpenAPI document use. */
export interface Operation<
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** Path below /api/v1 in OpenAPI form, e.g. /api-keys/{id}. */
  path: string;
  summary: string;
  tag: string;
  /** Checked before input parsing, so a forbidden caller learns nothing about validity. */
  permission?: Permission;
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  status?: number;
  /** Cap on the JSON body in bytes (default MAX_BODY_BYTES, 1 MB); email sends carry attachments. */
  maxBodyBytes?: number;
}

export function op<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(o: Operation<P, Q, B>): Operation<P, Q, B> {
  return o;
}
