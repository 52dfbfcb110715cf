import type { z } from "zod";
import { requirePermission } from "@/lib/auth/permissions";
import { AppError, type FieldIssue, isAppError } from "@/lib/errors";
import { MAX_BODY_BYTES, readRawBody } from "@/lib/http/body";
import { log } from "@/lib/logger";
import type { Ctx } from "@/lib/services/context";
import { admit } from "./admission";
import type { Operation } from "./operation";
import { assertWellFormedBody, assertWellFormedQuery } from "./well-formed";

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerArgs<P, Q, B> {
  ctx: Ctx;
  params: P;
  query: Q;
  body: B;
  req: Request;
}

interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

function issuesOf(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join(".") : root,
    message: i.message,
  }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown, root: string, status = 400): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issuesOf(result.error, root);
  if (status === 404) throw AppError.notFound("Resource");
  throw AppError.validation(details);
}

/** A JSON body, read through the capped reader (413 over the operation's cap, 1 MB by default) before any parsing. */
async function readJson(req: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = (await readRawBody(req, limit)).toString("utf8");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw AppError.validation([{ field: "body", message: "must be valid JSON" }]);
  }
}

/** Maps any error to SPEC §4's error body; unknown errors are logged and answered generically. */
export function errorResponse(e: unknown): Response {
  if (isAppError(e)) {
    const headers = new Headers();
    if (e.retryAfterSeconds) headers.set("Retry-After", String(e.retryAfterSeconds));
    return Response.json(
      {
        error: {
          code: e.code,
          message: e.message,
          ...(e.details !== undefined ? { details: e.details } : {}),
        },
      },
      { status: e.status, headers },
    );
  }
  if (e && typeof e === "object" && "code" in e && e.code === "23505") {
    return Response.json(
      { error: { code: "conflict", message: "A conflicting record already exists" } },
      { status: 409 },
    );
  }
  log.error("unhandled error in API route", { error: e });
  return Response.json(
    { error: { code: "internal_error", message: "Internal server error" } },
    { status: 500 },
  );
}

/**
 * Builds a route handler: authenticate, check the role, parse path, query and
 * body with the operation's schemas, call the service, map the result or error.
 */
export function handle<
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
>(operation: Operation<P, Q, B>, fn: (args: HandlerArgs<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>) {
  return async (req: Request, context: RouteContext): Promise<Response> => {
    let done: (() => void) | undefined;
    try {
      done = await admit();
      const { requestContext } = await import("@/lib/auth/context");
      const ctx = await requestContext(req);
      if (operation.permission) requirePermission(ctx, operation.permission);
      // A malformed id cannot name a row of this organisation: 404, like any other missing row.
      const params = (
        operation.params ? parse(operation.params, await context.params, "path", 404) : undefined
      ) as Out<P>;
      const search = new URL(req.url).searchParams;
      assertWellFormedQuery(search);
      const query = (
        operation.query ? parse(operation.query, Object.fromEntries(search), "query") : undefined
      ) as Out<Q>;
      const body = (
        operation.body
          ? parse(operation.body, assertWellFormedBody(await readJson(req, operation.maxBodyBytes)), "body")
          : undefined
      ) as Out<B>;
      const result = await fn({ ctx, params, query, body, req });
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return Response.json(result, { status: operation.status ?? 200 });
    } catch (e) {
      return errorResponse(e);
    } finally {
      done?.();
    }
  };
}
