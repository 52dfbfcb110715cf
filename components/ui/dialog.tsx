"use client";

import { type ReactNode, useEffect, useRef } from "react";

/** A modal on the native <dialog> element: focus trapping and Escape come from the browser. */
export function Dialog({
  open,
  onClose,
  title,
  children,
  testId,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  testId?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) el.showModal();
    if (!open && el.open) el.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      data-testid={testId}
      className={`m-auto w-full ${wide ? "max-w-3xl" : "max-w-md"} rounded-xl p-0 shadow-xl backdrop:bg-slate-900/40`}
    >
      <div className="p-6">
        <h2 className="text-base font-semibold text-slate-900">{title}</h2>
        <div className="mt-4">{open ? children : null}</div>
      </div>
    </dialog>
  );
}
