import { z } from "zod";
import { op } from "@/lib/api/operation";
import { listQuery, listResponse, uuidParam } from "@/lib/validation/common";
import {
  contactCreate,
  contactDetailJson,
  contactExportJson,
  contactJson,
  contactQuery,
  contactUpdate,
  eraseResult,
  importCreated,
  importJson,
  importQuery,
  listCreate,
  listJson,
  listListQuery,
  listUpdate,
  membersAddResult,
  membersBody,
  membersRemoveResult,
} from "@/lib/validation/contacts";

const tag = "Contacts";
const listsTag = "Lists";
const permission = "content:write" as const;
const byId = z.object({ id: uuidParam });

export const contactOps = {
  list: op({
    method: "GET",
    path: "/contacts",
    tag,
    summary:
      "List contacts, newest first: q searches email, phone and name; list_id keeps a list's members; attr.<name>=value (or filter) keeps contacts whose attribute equals the value",
    permission,
    query: contactQuery,
    response: listResponse(contactJson),
  }),
  create: op({
    method: "POST",
    path: "/contacts",
    tag,
    summary:
      "Create a contact, or update the one with this email or phone (upsert; 201 created, 200 updated). Email is lowercased, phone normalised to E.164 (422 naming the field when invalid); attributes merge",
    permission,
    body: contactCreate,
    response: contactJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/contacts/{id}",
    tag,
    summary: "A contact, with the ids of its lists",
    permission,
    params: byId,
    response: contactDetailJson,
  }),
  update: op({
    method: "PATCH",
    path: "/contacts/{id}",
    tag,
    summary:
      "Change a contact: null clears a field; attributes merge (null removes a key); 409 when the email or phone belongs to another contact",
    permission,
    params: byId,
    body: contactUpdate,
    response: contactJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/contacts/{id}",
    tag,
    summary:
      "Delete a contact and its list memberships (its messages stay; use erase to remove personal data)",
    permission,
    params: byId,
  }),
  erase: op({
    method: "POST",
    path: "/contacts/{id}/erase",
    tag,
    summary:
      "GDPR erase: removes the contact's personal data and its messages' recipient, bodies and variables; anonymous counts remain; opt-outs are kept so the person is not contacted again",
    permission,
    params: byId,
    response: eraseResult,
  }),
  export: op({
    method: "GET",
    path: "/contacts/{id}/export",
    tag,
    summary:
      "GDPR export: JSON of everything held about the contact (fields, lists, opt-outs, suppressions, messages with events)",
    permission,
    params: byId,
    response: contactExportJson,
  }),
  importCreate: op({
    method: "POST",
    path: "/contacts/import",
    tag,
    summary:
      "Import contacts from CSV (at most 50 MB, else 413): multipart/form-data with field `file` (and optional `list_id` and `mapping`), or a text/csv body with ?list_id= and ?mapping=. Without a mapping, columns email, phone, name, timezone, locale, first_name, last_name (any case) are read and any other column becomes an attribute; `mapping` (JSON, column → target) says what each column is. Rows upsert by email, then phone; a row with a bad email or phone is kept by its other identifier (the bad field is reported). Answers 202 {import_id}",
    permission,
    query: importQuery,
    response: importCreated,
    status: 202,
  }),
  importGet: op({
    method: "GET",
    path: "/contacts/imports/{id}",
    tag,
    summary:
      "An import's progress: status (pending, running, completed, failed), counters, error_count and the first 50 errors as {row, field, reason} where row 1 is the first data record after the header (row 0: the file itself). A later record repeating an earlier record's email or phone is reported as a duplicate, not merged",
    permission,
    params: byId,
    response: importJson,
  }),
  importErrors: op({
    method: "GET",
    path: "/contacts/imports/{id}/errors",
    tag,
    summary:
      "The import's full error report as CSV, streamed: header row,field,reason, then every error in the order found (up to 100,000; error_count counts all). Cells beginning with =, +, -, @, tab or CR are prefixed with an apostrophe",
    permission,
    params: byId,
  }),
};

export const listOps = {
  list: op({
    method: "GET",
    path: "/lists",
    tag: listsTag,
    summary: "Lists with their member counts, newest first",
    permission,
    query: listListQuery,
    response: listResponse(listJson),
  }),
  create: op({
    method: "POST",
    path: "/lists",
    tag: listsTag,
    summary: "Create a list (names are unique in the organisation: 409)",
    permission,
    body: listCreate,
    response: listJson,
    status: 201,
  }),
  get: op({
    method: "GET",
    path: "/lists/{id}",
    tag: listsTag,
    summary: "A list with its member count",
    permission,
    params: byId,
    response: listJson,
  }),
  update: op({
    method: "PATCH",
    path: "/lists/{id}",
    tag: listsTag,
    summary: "Rename a list or change its description",
    permission,
    params: byId,
    body: listUpdate,
    response: listJson,
  }),
  remove: op({
    method: "DELETE",
    path: "/lists/{id}",
    tag: listsTag,
    summary: "Delete a list (its contacts stay)",
    permission,
    params: byId,
  }),
  members: op({
    method: "GET",
    path: "/lists/{id}/members",
    tag: listsTag,
    summary: "The list's contacts, newest first",
    permission,
    params: byId,
    query: listQuery,
    response: listResponse(contactJson),
  }),
  addMembers: op({
    method: "POST",
    path: "/lists/{id}/members",
    tag: listsTag,
    summary:
      "Add contacts to the list; ids that are not this organisation's contacts are ignored and listed in not_found",
    permission,
    params: byId,
    body: membersBody,
    response: membersAddResult,
  }),
  removeMembers: op({
    method: "DELETE",
    path: "/lists/{id}/members",
    tag: listsTag,
    summary: "Remove contacts from the list (the contacts stay)",
    permission,
    params: byId,
    body: membersBody,
    response: membersRemoveResult,
  }),
  export: op({
    method: "GET",
    path: "/lists/{id}/export",
    tag: listsTag,
    summary:
      "The list's members as CSV, streamed: email, phone, name, timezone, locale, then one column per attribute (imports back as is)",
    permission,
    params: byId,
  }),
};
