import { z } from "zod";
import { op } from "@/lib/api/operation";
import { uuidParam } from "@/lib/validation/common";
import { memberCreate, memberJson, memberUpdate } from "@/lib/validation/users";

const tag = "Users";
const params = z.object({ id: uuidParam });
export const userOps = {
  list: op({
    method: "GET",
    path: "/users",
    tag,
    summary: "List the organisation's members and their roles (admin)",
    permission: "users:manage",
    response: z.object({ data: z.array(memberJson), next_cursor: z.null() }),
  }),
  create: op({
    method: "POST",
    path: "/users",
    tag,
    summary: "Add a member: an existing user by email, or a new user with a password (admin)",
    permission: "users:manage",
    body: memberCreate,
    response: memberJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/users/{id}",
    tag,
    summary: "A member (admin)",
    permission: "users:manage",
    params,
    response: memberJson,
  }),
  update: op({
    method: "PATCH",
    path: "/users/{id}",
    tag,
    summary: "Change a member's role (admin)",
    permission: "users:manage",
    params,
    body: memberUpdate,
    response: memberJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/users/{id}",
    tag,
    summary: "Remove a member from the organisation (admin)",
    permission: "users:manage",
    params,
  }),
};
