/** Tiny DOM helpers: build elements declaratively and update them without churn. */

export type Attrs = Record<string, string | number | boolean | undefined | null>;
export type Child = Node | string | number | null | undefined | false;

function applyAttrs(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
}

function append(element: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "number" ? String(child) : child);
  }
}

/** Creates an HTML element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  applyAttrs(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** Creates an SVG element with attributes and children. */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  applyAttrs(element, attrs);
  append(element, children);
  return element;
}

/** Sets attributes on an existing element (only those given). */
export function attrs(element: Element, values: Attrs): void {
  applyAttrs(element, values);
}

/** Sets the text of an element if it changed. */
export function setText(element: Element, text: string | number): void {
  const value = String(text);
  if (element.textContent !== value) element.textContent = value;
}

/**
 * Rebuilds the children of `element` when `key` differs from the last build: cheap enough to call on
 * every state patch, and elements stay put (clicks and focus survive) while nothing visible changed.
 */
export function rebuild(element: HTMLElement | SVGElement, key: string, build: () => Child[]): void {
  if (element.dataset.key === key) return;
  element.dataset.key = key;
  element.replaceChildren();
  append(element, build());
}

/** 1 → "1st", 2 → "2nd", 11 → "11th". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** Milliseconds as "12.34 s". */
export function seconds(ms: number, digits = 2): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** A labelled progress bar (0..1). */
export function bar(fraction: number, color?: string, testid?: string): HTMLDivElement {
  const fill = h("div", { class: "bar-fill" });
  const clamped = Math.max(0, Math.min(1, fraction));
  fill.style.width = `${(clamped * 100).toFixed(1)}%`;
  if (color) fill.style.background = color;
  return h("div", { class: "bar", "data-testid": testid, role: "progressbar", "aria-valuenow": Math.round(clamped * 100) }, fill);
}

/** Updates a bar made by `bar()`. */
export function setBar(element: HTMLElement, fraction: number, color?: string): void {
  const fill = element.firstElementChild as HTMLElement | null;
  if (!fill) return;
  const clamped = Math.max(0, Math.min(1, fraction));
  fill.style.width = `${(clamped * 100).toFixed(1)}%`;
  if (color) fill.style.background = color;
  element.setAttribute("aria-valuenow", String(Math.round(clamped * 100)));
}

export interface Row {
  cells: Child[];
  attrs?: Attrs;
}

/** A plain table; numeric columns are named in `numeric` (by index) so they align right. */
export function table(headers: string[], rows: Row[], attributes: Attrs = {}, numeric: number[] = []): HTMLTableElement {
  const cellClass = (index: number) => (numeric.includes(index) ? "num" : undefined);
  return h(
    "table",
    { class: "table", ...attributes },
    h("thead", {}, h("tr", {}, ...headers.map((header, i) => h("th", { class: cellClass(i) }, header)))),
    h("tbody", {}, ...rows.map((row) => h("tr", row.attrs ?? {}, ...row.cells.map((cell, i) => h("td", { class: cellClass(i) }, cell))))),
  );
}

/** A value in a mode's HUD row (bold, tabular figures). */
export function hudValue(testid: string | undefined, text = "–"): HTMLSpanElement {
  return h("span", { class: "hud-value", "data-testid": testid }, text);
}

/** A labelled box in a mode's HUD row: its value, optionally a bar; wide boxes share the free width. */
export function hudItem(label: string, value: Child, options: { bar?: HTMLElement; wide?: boolean } = {}): HTMLDivElement {
  return h("div", { class: options.wide ? "hud-item wide" : "hud-item" }, h("label", {}, label), value, options.bar);
}

/** A card with a small heading. */
export function titledCard(title: string, body: Child, className = "card"): HTMLElement {
  return h("section", { class: className }, h("h3", {}, title), body);
}
