import { z } from "zod";
import { op } from "@/lib/api/operation";
import { uuidParam } from "@/lib/validation/common";
import {
  templateCreate,
  templateJson,
  templatePreview,
  templatePreviewJson,
  templateQuery,
  templateUpdate,
  templateVersionJson,
} from "@/lib/validation/templates";

const tag = "Templates";
const params = z.object({ id: uuidParam });
export const templateOps = {
  list: op({
    method: "GET",
    path: "/templates",
    tag,
    summary: "List templates, filtered by channel, category or name",
    permission: "content:write",
    query: templateQuery,
    response: z.object({ data: z.array(templateJson), next_cursor: z.null() }),
  }),
  create: op({
    method: "POST",
    path: "/templates",
    tag,
    summary: "Create a template (version 1)",
    permission: "content:write",
    body: templateCreate,
    maxBodyBytes: 4_000_000,
    response: templateJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/templates/{id}",
    tag,
    summary: "A template",
    permission: "content:write",
    params,
    response: templateJson,
  }),
  update: op({
    method: "PATCH",
    path: "/templates/{id}",
    tag,
    summary: "Save a template; a change of content makes a new version",
    permission: "content:write",
    params,
    body: templateUpdate,
    maxBodyBytes: 4_000_000,
    response: templateJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/templates/{id}",
    tag,
    summary: "Delete a template",
    permission: "content:write",
    params,
  }),
  preview: op({
    method: "POST",
    path: "/templates/{id}/preview",
    tag,
    summary: "Render with variables and list the missing ones",
    permission: "content:write",
    params,
    body: templatePreview,
    response: templatePreviewJson,
  }),
  versions: op({
    method: "GET",
    path: "/templates/{id}/versions",
    tag,
    summary: "Every saved version, newest first",
    permission: "content:write",
    params,
    response: z.object({ data: z.array(templateVersionJson), next_cursor: z.null() }),
  }),
};
