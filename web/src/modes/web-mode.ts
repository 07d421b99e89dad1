/** What the browser client needs of a mode: how it is offered in the lobby, and its view of a room. */
import type { ModeName, RoomOf } from "@arena/client-sdk";
import type { OptionField } from "../options-form.js";
import type { ModeView, ViewContext } from "../view.js";

export interface WebMode<M extends ModeName> {
  title: string;
  blurb: string;
  /** The lobby's option fields; their keys are the mode's join options. */
  options: readonly OptionField[];
  view(room: RoomOf<M>, context: ViewContext): ModeView;
}
