import { z } from "zod";
import { errorResponse } from "@/lib/api/handler";
import { isServerToken } from "@/lib/cli/bridge";
import { runCommand } from "@/lib/cli/commands";
import { AppError } from "@/lib/errors";
import { MAX_BODY_BYTES, readRawBody } from "@/lib/http/body";

const body = z.object({ argv: z.array(z.string()).max(50) });

/** Runs a CLI command for `npm run cli` while this server owns the embedded database. */
export async function POST(req: Request): Promise<Response> {
  try {
    if (!isServerToken(req.headers.get("x-switchboard-cli-token"))) throw AppError.notFound("Route");
    const raw = (await readRawBody(req, MAX_BODY_BYTES)).toString("utf8");
    const parsed = body.safeParse(
      (() => {
        try {
          return JSON.parse(raw);
        } catch {
          return null;
        }
      })(),
    );
    if (!parsed.success)
      throw AppError.validation([{ field: "argv", message: "must be an array of strings" }]);
    return Response.json(await runCommand(parsed.data.argv));
  } catch (e) {
    return errorResponse(e);
  }
}
