import { parseArgs } from "node:util";
import { z } from "zod";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import type { Role } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { createApiKey } from "@/lib/services/api-keys/keys";
import { systemCtx } from "@/lib/services/context";
import { findOrCreateOrganisation } from "@/lib/services/orgs/organisations";
import { demoCredentials, seedDemo } from "@/lib/services/seed";
import { provisionUser } from "@/lib/services/users/accounts";
import { roleSchema } from "@/lib/validation/common";
import { emailSchema, passwordSchema } from "@/lib/validation/users";

export interface CliResult {
  code: number;
  lines: string[];
}

export const USAGE = [
  "Usage: npm run cli -- <command> [options]",
  "",
  "  migrate                                              apply database migrations",
  "  seed                                                 create the demo organisation and admin",
  "  user:create --email E --password P --org NAME --role ROLE [--name N]",
  "  apikey:create --org NAME --role ROLE [--name N]      prints the key alone on its last line",
  "",
  "ROLE is admin, manager or staff. A named organisation that does not exist is created.",
];

const userCreateArgs = z.object({
  email: emailSchema,
  password: passwordSchema,
  org: z.string().trim().min(1, "is required"),
  role: roleSchema,
  name: z.string().trim().min(1).optional(),
});

function required(
  values: Record<string, string | boolean | undefined>,
  names: string[],
): Record<string, string> {
  const missing = names.filter((n) => typeof values[n] !== "string" || values[n] === "");
  if (missing.length) {
    throw AppError.validation(missing.map((n) => ({ field: `--${n}`, message: "is required" })));
  }
  return values as Record<string, string>;
}

function role(value: string): Role {
  const r = roleSchema.safeParse(value);
  if (!r.success)
    throw AppError.validation([{ field: "--role", message: "must be admin, manager or staff" }]);
  return r.data;
}

/** Runs one CLI command against this process's database and returns what to print. */
export async function runCommand(argv: string[]): Promise<CliResult> {
  const [command, ...rest] = argv;
  try {
    const { values } = parseArgs({
      args: rest,
      options: {
        email: { type: "string" },
        password: { type: "string" },
        org: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
      },
      strict: true,
    });
    switch (command) {
      case "migrate": {
        await getDb();
        return { code: 0, lines: [`Migrations applied (${config().databaseMode}).`] };
      }
      case "seed": {
        const seeded = await seedDemo();
        const creds = await demoCredentials();
        return {
          code: 0,
          lines: [
            seeded.created ? "Demo organisation and admin created." : "Demo data already present.",
            ...(creds ? [`Sign in as ${creds.email} with password ${creds.password}`] : []),
          ],
        };
      }
      case "user:create": {
        const v = required(values, ["email", "password", "org", "role"]);
        const input = userCreateArgs.safeParse(v);
        if (!input.success) {
          throw AppError.validation(
            input.error.issues.map((i) => ({ field: `--${String(i.path[0])}`, message: i.message })),
          );
        }
        const r = await provisionUser(input.data);
        const { email, role } = input.data;
        return {
          code: 0,
          lines: [
            `${r.created ? "Created" : "Updated"} user ${email} as ${role} of "${r.orgName}".`,
            r.userId,
          ],
        };
      }
      case "apikey:create": {
        const v = required(values, ["org", "role"]);
        const db = await getDb();
        const org = await db.transaction((tx) => findOrCreateOrganisation(tx, v.org as string));
        const { apiKey, key } = await createApiKey({
          ctx: systemCtx(org.id),
          input: { name: v.name ?? "CLI key", role: role(v.role as string) },
        });
        return {
          code: 0,
          lines: [`API key "${apiKey.name}" (${apiKey.role}) for "${org.name}", id ${apiKey.id}:`, key],
        };
      }
      case undefined:
      case "help":
      case "--help":
        return { code: command ? 0 : 1, lines: USAGE };
      default:
        return { code: 1, lines: [`Unknown command "${command}".`, ...USAGE] };
    }
  } catch (e) {
    if (isAppError(e)) {
      const details = Array.isArray(e.details)
        ? (e.details as { field: string; message: string }[]).map((d) => `  ${d.field}: ${d.message}`)
        : [];
      return { code: 2, lines: [`Error: ${e.message}`, ...details] };
    }
    if (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS")) {
      return { code: 2, lines: [`Error: ${e.message}`, ...USAGE] };
    }
    throw e;
  }
}
