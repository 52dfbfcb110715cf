import { handle } from "@/lib/api/handler";
import { providerOps } from "@/lib/api/ops/providers";
import { providerHealth } from "@/lib/services/providers/providers";

export const GET = handle(providerOps.health, ({ ctx }) => providerHealth({ ctx }));
