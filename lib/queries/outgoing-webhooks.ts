import { queryOptions } from "@tanstack/react-query";
import type { z } from "zod";
import type { deliveryJson, endpointJson } from "@/lib/validation/outgoing-webhooks";
import { api } from "./fetcher";
import type { ListOf } from "./settings";

export type EndpointItem = z.infer<typeof endpointJson>;
export type DeliveryItem = z.infer<typeof deliveryJson>;

export const webhookEndpointQueries = {
  all: ["webhook-endpoints"] as const,
  list: () =>
    queryOptions({
      queryKey: [...webhookEndpointQueries.all, "list"],
      queryFn: () => api<ListOf<EndpointItem>>("/webhook-endpoints?limit=200"),
    }),
  deliveries: (id: string) =>
    queryOptions({
      queryKey: [...webhookEndpointQueries.all, id, "deliveries"],
      queryFn: () => api<ListOf<DeliveryItem>>(`/webhook-endpoints/${id}/deliveries?limit=50`),
      refetchInterval: 5_000,
    }),
};
