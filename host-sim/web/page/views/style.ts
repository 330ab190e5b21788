// A view's own style sheet, added to the page once (the flow, console and flash views
// keep their rules beside their code).
export function addStyle(view: string, css: string): void {
  if (document.querySelector(`style[data-style="${view}"]`)) return;
  const s = document.createElement("style");
  s.dataset.style = view;
  s.textContent = css;
  document.head.append(s);
}
