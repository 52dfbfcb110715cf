import { Badge } from "@/components/ui/badge";
import type { TemplateChannel } from "@/lib/queries/templates";

export function ChannelBadge({ channel }: { channel: TemplateChannel }) {
  return (
    <span data-testid="channel-badge">
      {channel === "email" ? <Badge tone="indigo">Email</Badge> : <Badge tone="amber">SMS</Badge>}
    </span>
  );
}
