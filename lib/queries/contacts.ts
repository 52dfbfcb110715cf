import { infiniteQueryOptions, keepPreviousData, queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { contactDetailJson, contactJson, importJson, listJson } from "@/lib/validation/contacts";
import { ApiError, api } from "./fetcher";
import type { ListOf } from "./settings";

export type ContactItem = z.infer<typeof contactJson>;
export type ContactDetail = z.infer<typeof contactDetailJson>;
export type ListItem = z.infer<typeof listJson>;
export type ImportItem = z.infer<typeof importJson>;

export interface ContactFilters {
  q?: string;
  listId?: string;
}

export interface ListFilters {
  /** Part of a list's name, case-insensitive. */
  q?: string;
}

export const contactQueries = {
  all: ["contacts"] as const,
  list: (filters: ContactFilters) =>
    infiniteQueryOptions({
      queryKey: [...contactQueries.all, "list", filters],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) => {
        const qs = new URLSearchParams({ limit: "50" });
        if (filters.q) qs.set("q", filters.q);
        if (filters.listId) qs.set("list_id", filters.listId);
        if (pageParam) qs.set("cursor", pageParam);
        return api<ListOf<ContactItem>>(`/contacts?${qs}`);
      },
      getNextPageParam: (last) => last.next_cursor,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...contactQueries.all, "detail", id],
      queryFn: () => api<ContactDetail>(`/contacts/${encodeURIComponent(id)}`),
    }),
  /** Polled every 500 ms until the import has finished. */
  import: (id: string) =>
    queryOptions({
      queryKey: [...contactQueries.all, "import", id],
      queryFn: () => api<ImportItem>(`/contacts/imports/${encodeURIComponent(id)}`),
      refetchInterval: (q) => {
        const s = q.state.data?.status;
        return s === "completed" || s === "failed" ? false : 500;
      },
    }),
};

export const listQueries = {
  all: ["lists"] as const,
  /** Every list (for pickers and the lists page); organisations keep tens, not thousands. */
  list: () =>
    queryOptions({
      queryKey: [...listQueries.all, "list"],
      queryFn: () => api<ListOf<ListItem>>("/lists?limit=200"),
    }),
  /** One page of the lists page from `cursor` (null: the newest), optionally searched by name; the page lives in the URL. */
  page: (filters: ListFilters, cursor: string | null) =>
    queryOptions({
      queryKey: [...listQueries.all, "page", filters, cursor],
      queryFn: () => {
        const qs = new URLSearchParams({ limit: "50" });
        if (filters.q) qs.set("q", filters.q);
        if (cursor) qs.set("cursor", cursor);
        return api<ListOf<ListItem>>(`/lists?${qs}`);
      },
      placeholderData: keepPreviousData,
    }),
  members: (id: string) =>
    infiniteQueryOptions({
      queryKey: [...listQueries.all, "members", id],
      initialPageParam: null as string | null,
      queryFn: ({ pageParam }) => {
        const qs = new URLSearchParams({ limit: "50" });
        if (pageParam) qs.set("cursor", pageParam);
        return api<ListOf<ContactItem>>(`/lists/${encodeURIComponent(id)}/members?${qs}`);
      },
      getNextPageParam: (last) => last.next_cursor,
    }),
};

/** Uploads a CSV as multipart/form-data (api() speaks JSON only); answers the import to poll. */
export async function uploadContactsCsv(
  file: File,
  listId: string | null,
  mapping: Record<string, string> | null = null,
): Promise<{ import_id: string }> {
  const form = new FormData();
  form.set("file", file);
  if (listId) form.set("list_id", listId);
  if (mapping) form.set("mapping", JSON.stringify(mapping));
  let res: Response;
  try {
    res = await fetch("/api/v1/contacts/import", { method: "POST", body: form, credentials: "same-origin" });
  } catch {
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the server. Check your connection and try again.",
    );
  }
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const err = json?.error ?? {};
    const fields: Record<string, string> = {};
    if (Array.isArray(err.details)) {
      for (const d of err.details as { field: string; message: string }[]) fields[d.field] ??= d.message;
    }
    throw new ApiError(
      res.status,
      err.code ?? "error",
      err.message ?? `Upload failed (${res.status})`,
      fields,
    );
  }
  return json as { import_id: string };
}
