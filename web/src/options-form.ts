/** A mode's join options as form fields, read back into the options object the mode's schema checks. */
import { h } from "./dom.js";

export type OptionField =
  | { key: string; label: string; kind: "number"; min: number; max: number; value: number; step?: number }
  | { key: string; label: string; kind: "select"; choices: ReadonlyArray<readonly [value: string, text: string]>; emptyMeansUnset?: boolean };

export interface OptionsForm {
  element: HTMLElement;
  /** The options as entered (not yet checked: the mode's schema does that). */
  read(): Record<string, unknown>;
}

export function optionsForm(mode: string, fields: readonly OptionField[]): OptionsForm {
  const readers: Array<(out: Record<string, unknown>) => void> = [];
  const elements = fields.map((field) => {
    const testid = `opt-${mode}-${field.key}`;
    if (field.kind === "number") {
      const input = h("input", { type: "number", min: field.min, max: field.max, step: field.step ?? 1, value: field.value, "data-testid": testid, required: true });
      readers.push((out) => (out[field.key] = input.valueAsNumber));
      return h("label", { class: "field" }, h("span", {}, field.label), input);
    }
    const select = h("select", { "data-testid": testid }, ...field.choices.map(([value, text]) => h("option", { value }, text)));
    readers.push((out) => {
      if (!(field.emptyMeansUnset && select.value === "")) out[field.key] = select.value;
    });
    return h("label", { class: "field" }, h("span", {}, field.label), select);
  });
  return {
    element: h("div", { class: "options-row", "data-mode": mode }, ...elements),
    read() {
      const out: Record<string, unknown> = {};
      for (const read of readers) read(out);
      return out;
    },
  };
}
