import { z } from "zod";
import type { Role } from "@/lib/db/schema";
import { isoDate, roleSchema } from "./common";

export const passwordSchema = z
  .string()
  .min(10, "must be at least 10 characters")
  .max(200, "must be at most 200 characters");

export const passwordChange = z
  .object({
    current_password: z.string().min(1, "is required"),
    new_password: passwordSchema,
    confirm_password: z.string().min(1, "is required"),
  })
  .superRefine((v, ctx) => {
    if (v.confirm_password && v.new_password !== v.confirm_password)
      ctx.addIssue({
        code: "custom",
        path: ["confirm_password"],
        message: "does not match the new password",
      });
  });
export type PasswordChange = z.infer<typeof passwordChange>;

export const emailSchema = z
  .email({ message: "must be an email address" })
  .max(320)
  .transform((e) => e.trim().toLowerCase());

export const memberCreate = z
  .object({
    email: emailSchema,
    name: z.string().trim().min(1).max(200).optional(),
    role: roleSchema,
    password: passwordSchema.optional(),
  })
  .meta({ id: "MemberCreate" });
export type MemberCreate = z.infer<typeof memberCreate>;

export const memberUpdate = z.object({ role: roleSchema }).meta({ id: "MemberUpdate" });
export type MemberUpdate = z.infer<typeof memberUpdate>;

export const memberJson = z
  .object({
    id: z.uuid().describe("The user's id"),
    email: z.string(),
    name: z.string().nullable(),
    role: roleSchema,
    created_at: z.string(),
  })
  .meta({ id: "Member" });

export interface MemberRow {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
}

export function toMemberJson(m: MemberRow): z.infer<typeof memberJson> {
  return {
    id: m.userId,
    email: m.email,
    name: m.name,
    role: m.role,
    created_at: isoDate(m.createdAt) as string,
  };
}
