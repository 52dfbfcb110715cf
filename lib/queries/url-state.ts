"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";

/**
 * A list page's filters, kept in the query string so they survive reload and Back
 * and can be shared: `values` are read from the URL, `apply` pushes a new entry
 * to history (empty values drop out of the URL).
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const serialised = params.toString();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the URL string is the dependency
  const values = useMemo(() => {
    const out: Partial<Record<K, string>> = {};
    for (const k of keys) {
      const v = params.get(k);
      if (v) out[k] = v;
    }
    return out;
  }, [serialised]);
  const apply = useCallback(
    /** `replace` for values that change as one types (a search box), so Back skips the keystrokes. */
    (next: Partial<Record<K, string | undefined>>, options: { replace?: boolean } = {}) => {
      const qs = new URLSearchParams();
      for (const k of keys) {
        const v = next[k]?.trim();
        if (v) qs.set(k, v);
      }
      const q = qs.toString();
      const href = q ? `${pathname}?${q}` : pathname;
      if (options.replace) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [keys, pathname, router],
  );
  return { values, apply, key: serialised };
}

/**
 * A search box whose text follows the URL: typing updates the box at once and the URL
 * (with history replaced) once typing pauses; Back or a shared link sets the box.
 */
export function useUrlSearch(urlValue: string | undefined, onSettled: (q: string) => void, ms = 250) {
  const [text, setText] = useState(urlValue ?? "");
  const [settled, setSettled] = useState(text.trim());
  useEffect(() => {
    const t = setTimeout(() => setSettled(text.trim()), ms);
    return () => clearTimeout(t);
  }, [text, ms]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled change is written
  useEffect(() => {
    if (settled !== (urlValue ?? "")) onSettled(settled);
  }, [settled]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a URL change (Back, a link) resets the box
  useEffect(() => {
    if ((urlValue ?? "") !== settled) {
      setText(urlValue ?? "");
      setSettled(urlValue ?? "");
    }
  }, [urlValue]);
  return { text, setText, q: settled };
}

interface PagedQuery<T> {
  data?: { pages: { data: T[] }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/**
 * "Load more" whose depth lives in the URL (?pages=N): a reload or a shared link
 * loads the same pages again, Back shows as many as before.
 */
export function useUrlPages<T>(
  query: PagedQuery<T>,
  pagesParam: string | undefined,
  setPages: (n: number) => void,
) {
  const wanted = Math.max(1, Math.min(50, Number.parseInt(pagesParam ?? "1", 10) || 1));
  const loaded = query.data?.pages.length ?? 0;
  useEffect(() => {
    if (loaded > 0 && loaded < wanted && query.hasNextPage && !query.isFetchingNextPage)
      query.fetchNextPage();
  }, [loaded, wanted, query]);
  const pages = query.data?.pages.slice(0, wanted) ?? [];
  return {
    rows: pages.flatMap((p) => p.data),
    hasMore: loaded > wanted || query.hasNextPage,
    loadingMore: query.isFetchingNextPage || (loaded < wanted && query.hasNextPage),
    loadMore: () => setPages(wanted + 1),
  };
}
