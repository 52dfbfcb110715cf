import { z } from "zod";

export const uuidParam = z.uuid({ message: "must be a UUID" });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).optional(),
});

export const roleSchema = z.enum(["admin", "manager", "staff"]);

export const isoDate = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function listResponse<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });
