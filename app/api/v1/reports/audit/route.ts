import { reportRoute } from "@/lib/api/reports";

export const GET = reportRoute("audit");
