import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { exportContact } from "@/lib/services/contacts/gdpr";

/** JSON, offered as a download so the console's link saves a file. */
export const GET = handle(contactOps.export, async ({ ctx, params }) => {
  const data = await exportContact({ ctx, id: params.id });
  return Response.json(data, {
    headers: {
      "content-disposition": `attachment; filename="contact-${params.id}.json"`,
      "cache-control": "no-store",
    },
  });
});
