import { handle } from "@/lib/api/handler";
import { contactOps } from "@/lib/api/ops/contacts";
import { eraseContact } from "@/lib/services/contacts/gdpr";

export const POST = handle(contactOps.erase, ({ ctx, params }) => eraseContact({ ctx, id: params.id }));
