import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { providerJson } from "@/lib/validation/providers";
import type {
  templateJson,
  templatePreviewJson,
  templateUpdate,
  templateVersionJson,
} from "@/lib/validation/templates";
import { ApiError, api } from "./fetcher";
import type { ListOf } from "./settings";

export type TemplateItem = z.infer<typeof templateJson>;
export type TemplateVersionItem = z.infer<typeof templateVersionJson>;
export type TemplatePreviewResult = z.infer<typeof templatePreviewJson>;
export type TemplatePatch = z.input<typeof templateUpdate>;
export type TemplateChannel = TemplateItem["channel"];
export type ProviderItem = z.infer<typeof providerJson>;

export interface TemplateFilters {
  channel?: TemplateChannel;
  category?: string;
  q?: string;
}

/** Categories offered in pickers; templates may use any other short lowercase name too. */
export const TEMPLATE_CATEGORIES = ["transactional", "marketing", "otp", "reminder"] as const;

// A 4xx will not turn into a 2xx by asking again, and retrying would delay the
// "Template not found" state by the retry back-off.
const retryServerErrors = (failures: number, error: Error) =>
  !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 1;

export const templateQueries = {
  all: ["templates"] as const,
  list: (filters: TemplateFilters = {}) =>
    queryOptions({
      queryKey: [...templateQueries.all, "list", filters],
      queryFn: () => {
        const qs = new URLSearchParams({ limit: "200" });
        for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
        return api<ListOf<TemplateItem>>(`/templates?${qs}`);
      },
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...templateQueries.all, "detail", id],
      queryFn: () => api<TemplateItem>(`/templates/${encodeURIComponent(id)}`),
      retry: retryServerErrors,
    }),
  versions: (id: string) =>
    queryOptions({
      queryKey: [...templateQueries.all, "versions", id],
      queryFn: () => api<ListOf<TemplateVersionItem>>(`/templates/${encodeURIComponent(id)}/versions`),
      retry: retryServerErrors,
    }),
};

export const smsProviderQueries = {
  // Kept under the providers key so a providers page invalidating ["providers"] refreshes the estimate.
  list: () =>
    queryOptions({
      queryKey: ["providers", "list", { channel: "sms" }, "template-estimate"],
      queryFn: () => api<ListOf<ProviderItem>>("/providers?channel=sms"),
      staleTime: 60_000,
    }),
};

/** The provider a send would try first: the enabled one with the lowest priority number. */
export function firstSmsProvider(providers: ProviderItem[]): ProviderItem | undefined {
  return providers.filter((p) => p.enabled).sort((a, b) => a.priority - b.priority)[0];
}
