"use client";

import { useEffect } from "react";

const DEFAULT_MESSAGE = "You have unsaved changes. Leave this page and lose them?";

/** Whether a click on this anchor would take the browser to another page of this app. */
function leavesPage(a: HTMLAnchorElement, e: MouseEvent): boolean {
  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return false; // new tab or window
  if (a.target && a.target !== "_self") return false;
  if (a.hasAttribute("download")) return false;
  const to = new URL(a.href, window.location.href);
  if (to.origin !== window.location.origin) return true;
  return to.pathname !== window.location.pathname || to.search !== window.location.search;
}

/**
 * While `active`, asks before the page is left: a reload, a closed tab or a typed
 * address (beforeunload), and any link click inside the app. The App Router has no
 * navigation events to cancel, so link clicks are caught in the capture phase on
 * window, before React and next/link see them; a cancelled click never reaches the
 * router. Navigation started from code (router.push) and the browser's Back button
 * are not caught.
 */
export function useLeaveGuard(active: boolean, message = DEFAULT_MESSAGE): void {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    const onClick = (e: MouseEvent) => {
      const a = e.target instanceof Element ? e.target.closest("a[href]") : null;
      if (!(a instanceof HTMLAnchorElement) || !leavesPage(a, e)) return;
      if (window.confirm(message)) return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    window.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      window.removeEventListener("click", onClick, true);
    };
  }, [active, message]);
}
