// A tiny path router: /, /me, /admin. The backend falls back to index.html for unknown paths.
import { createSignal, type JSX } from "solid-js";

const [path, setPath] = createSignal(typeof location === "undefined" ? "/" : location.pathname);
if (typeof window !== "undefined") window.addEventListener("popstate", () => setPath(location.pathname));

export const currentPath = path;

export function navigate(to: string): void {
  if (to === location.pathname) return;
  history.pushState(null, "", to);
  setPath(location.pathname);
  window.scrollTo(0, 0);
}

export function Link(props: { href: string; class?: string; children: JSX.Element; "data-testid"?: string }) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return (
    <a
      href={props.href}
      class={props.class}
      data-testid={props["data-testid"]}
      aria-current={path() === props.href ? "page" : undefined}
      onClick={onClick}
    >
      {props.children}
    </a>
  );
}
