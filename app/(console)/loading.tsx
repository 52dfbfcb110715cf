import { LoadingRows } from "@/components/ui/states";

export default function Loading() {
  return (
    <div className="max-w-5xl">
      <div className="mb-6 h-7 w-48 animate-pulse rounded bg-slate-200" />
      <LoadingRows rows={5} />
    </div>
  );
}
