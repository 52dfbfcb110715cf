import Link from "next/link";

export function OutboxMessageLink({ messageId }: { messageId: string | null }) {
  // The outbox row outlives its message (the foreign key is set null on delete), so the link can be gone.
  if (!messageId) return <span className="text-xs text-slate-400">Message no longer exists</span>;
  return (
    <Link
      href={`/messages/${messageId}`}
      className="text-xs font-medium text-indigo-600 hover:underline"
      data-testid="outbox-message-link"
    >
      View message →
    </Link>
  );
}
