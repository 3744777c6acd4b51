/** A tiny element builder: h('div', {class: 'x'}, child, 'text'). */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | EventListener> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** What a page's render returns: undoes what the page set up outside its root (listeners, WebGL, timers). */
export type Cleanup = () => void;

/**
 * An asynchronous page body: `signal` is aborted when the page is left, and the body must not
 * write into the root after that (a slow answer would otherwise overwrite the next page).
 */
export function asyncPage(body: (signal: AbortSignal) => Promise<void>): Cleanup {
  const ac = new AbortController();
  void body(ac.signal).catch((err: unknown) => {
    if (!ac.signal.aborted) console.error(err);
  });
  return () => ac.abort();
}

/** Re-renders the current page (after replaceState), through the router so the old page is cleaned up. */
export function rerender(): void {
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function navigate(url: string): void {
  history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
