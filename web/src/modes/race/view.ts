/** Race: the track drawn on a canvas, a HUD for your racer, the field, and keyboard / on-screen controls (none when watching). */
import type { RaceFinishedPayload, RaceState, Racer } from "@arena/shared/modes/race/contract";
import { bar, h, hudItem, hudValue, ordinal, rebuild, seconds, setBar, setText, table, titledCard } from "../../dom.js";
import { KEY_CONTROLS, RaceControls, type Control } from "./controls.js";
import { resultPanel, watchingNote, type MatchSource, type ModeView, type ViewContext } from "../../view.js";

const SEND_INTERVAL_MS = 100;
const LANE_HEIGHT = 44;
const RULER_HEIGHT = 22;
const PAD_LEFT = 44;
const PAD_RIGHT = 26;
const BOOST_COOLDOWN_MS = 5000;
const BOOST_TOP_SPEED = 30;
const ME_COLOR = "#f59e0b";
const OTHER_COLORS = ["#60a5fa", "#a78bfa", "#f472b6", "#22d3ee", "#94a3b8", "#c084fc", "#818cf8"];

type RacerEntry = [sessionId: string, racer: Racer];

function racersOf(state: RaceState): RacerEntry[] {
  return [...state.racers.entries()];
}

/** Finishers by place, then the others by distance. */
function ranked(state: RaceState): RacerEntry[] {
  const order = (r: Racer) => (r.place > 0 ? r.place : r.dnf ? 1000 : 100);
  return racersOf(state).sort(([, a], [, b]) => order(a) - order(b) || b.position - a.position);
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? 10 * power;
}

export function raceView(room: MatchSource<"race">, ctx: ViewContext): ModeView {
  const controls = new RaceControls();
  let finished: RaceFinishedPayload | undefined;

  const phase = h("span", { class: "chip", "data-testid": "race-phase" }, "waiting");
  const clock = hudValue("race-clock");
  const speedText = hudValue("race-speed", "0.0 m/s");
  const speedBar = bar(0, ME_COLOR);
  const boostText = hudValue("race-boost", "ready");
  const boostBar = bar(1, "#22c55e");
  const distance = hudValue("race-distance");
  const standing = hudValue("race-rank");
  // your racer's figures: a spectator (or a replay of someone else's race) has none
  const mine = [
    hudItem("Distance", distance),
    hudItem("Position", standing),
    hudItem("Speed", speedText, { bar: speedBar, wide: true }),
    hudItem("Boost", boostText, { bar: boostBar, wide: true }),
  ];
  const hud = h("div", { class: "hud" }, hudItem("Phase", phase), hudItem("Time", clock), ...mine);

  const canvas = h("canvas", { "data-testid": "race-track", "aria-label": "race track" });
  const overlay = h("div", { class: "overlay", "data-testid": "race-countdown" });
  const trackWrap = h("div", { class: "track-wrap" }, canvas, overlay);

  const buttons: Array<[Control, string, string]> = [
    ["left", "◀ Lane", "race-btn-left"],
    ["throttle", "▲ Throttle", "race-btn-throttle"],
    ["brake", "▼ Brake", "race-btn-brake"],
    ["right", "Lane ▶", "race-btn-right"],
    ["boost", "Boost ⚡", "race-btn-boost"],
  ];
  const buttonOf = new Map<Control, HTMLButtonElement>();
  const controlPad = room.send === undefined ? watchingNote("race") : h(
    "div",
    { class: "card controls", "data-testid": "race-controls" },
    h("div", { class: "pad" }, ...buttons.map(([control, label, testid]) => {
      const button = h("button", { type: "button", class: `pad-button pad-${control}`, "data-testid": testid }, label);
      buttonOf.set(control, button);
      return button;
    })),
    h("p", { class: "muted small" }, "Keys: ↑/W throttle · ↓/S brake · ←/A and →/D change lane · Space boost. Hold to keep sending."),
  );
  const fieldBody = h("div", { "data-testid": "race-racers" });
  const field = titledCard("Field", fieldBody, "card field");
  const lower = h("div", { class: "race-lower" }, controlPad, field);
  const element = h("div", { class: "mode-view race-view", "data-testid": "race-view" }, hud, trackWrap, lower);

  const canSend = (): boolean => {
    const state = room.state;
    if (!room.send) return false;
    const me = state?.racers?.get(room.sessionId);
    return !!me && (state.phase === "countdown" || state.phase === "racing") && me.place === 0 && !me.dnf;
  };
  const send = () => {
    if (!canSend()) return;
    const input = controls.next();
    if (input) room.send?.("input", input);
  };
  const sender = setInterval(send, SEND_INTERVAL_MS);

  const press = (control: Control) => {
    if (controls.press(control)) send();
  };
  const release = (control: Control) => {
    controls.release(control);
  };
  for (const [control, button] of buttonOf) {
    button.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      button.setPointerCapture(event.pointerId);
      press(control);
    });
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"] as const) button.addEventListener(type, () => release(control));
  }
  const typing = (event: KeyboardEvent) => event.target instanceof HTMLElement && event.target.closest("input, select, textarea") !== null;
  const onKeyDown = (event: KeyboardEvent) => {
    const control = KEY_CONTROLS[event.code];
    if (!control || typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    press(control);
  };
  const onKeyUp = (event: KeyboardEvent) => {
    const control = KEY_CONTROLS[event.code];
    if (control) release(control);
  };
  const onBlur = () => controls.releaseAll();
  if (room.send) {
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("keyup", onKeyUp);
    window.addEventListener("blur", onBlur);
  }

  const unwatch = room.watch(() => finished !== undefined || room.state?.phase === "finished");
  room.on("finished", (payload) => {
    finished = payload;
    controls.releaseAll();
    controlPad.replaceWith(resultOf(payload));
  });

  const resultOf = (payload: RaceFinishedPayload): HTMLElement => {
    const mine = payload.standings.find((s) => s.sessionId === room.sessionId);
    const headline = mine
      ? mine.dnf
        ? h("span", { "data-testid": "race-my-place", "data-place": mine.place }, "Did not finish")
        : h("span", {}, "You finished ", h("span", { "data-testid": "race-my-place", "data-place": mine.place }, ordinal(mine.place)))
      : "Race over";
    const rows = payload.standings.map((s) => ({
      cells: [s.dnf ? "DNF" : ordinal(s.place), s.name, s.finishTimeMs === null ? "–" : seconds(s.finishTimeMs), s.score],
      attrs: { "data-testid": "race-standing", "data-name": s.name, "data-place": s.place, class: s.sessionId === room.sessionId ? "me" : undefined },
    }));
    return resultPanel("race", ctx, headline, table(["Place", "Racer", "Time", "Score"], rows, { "data-testid": "race-standings" }, [3]), "race-result", payload.matchId);
  };

  // smoothed positions for drawing (patches come at PATCH_RATE_HZ, frames at the display rate)
  const shown = new Map<string, number>();
  let frame = requestAnimationFrame(function loop() {
    render();
    frame = requestAnimationFrame(loop);
  });

  function render(): void {
    const state = room.state;
    if (!state?.track) return;
    const me = state.racers.get(room.sessionId);
    for (const item of mine) item.hidden = !me;
    setText(phase, state.phase);
    phase.dataset.phase = state.phase;
    setText(clock, state.phase === "racing" || state.phase === "finished" ? `${seconds(state.elapsedMs, 1)} / ${seconds(state.timeLimitMs, 0)}` : "–");
    if (me) {
      setText(speedText, `${me.speed.toFixed(1)} m/s`);
      setBar(speedBar, me.speed / BOOST_TOP_SPEED);
      setText(boostText, me.boosting ? "BOOSTING" : me.boostCooldownMs > 0 ? `cooling down ${seconds(me.boostCooldownMs, 1)}` : "ready (Space)");
      setBar(boostBar, me.boosting ? 1 : 1 - me.boostCooldownMs / BOOST_COOLDOWN_MS, me.boostCooldownMs > 0 && !me.boosting ? "#94a3b8" : "#22c55e");
      setText(distance, `${Math.floor(me.position)} / ${state.track.length} m · lane ${me.lane + 1}`);
      const rank = ranked(state).findIndex(([id]) => id === room.sessionId) + 1;
      setText(standing, me.dnf ? "DNF" : `${ordinal(me.place || rank)} of ${state.racers.size}`);
    }
    for (const [control, button] of buttonOf) button.classList.toggle("held", controls.isHeld(control));

    const overlayText =
      state.phase === "waiting"
        ? `Waiting for players · ${state.racers.size}/${state.maxPlayers}`
        : state.phase === "countdown"
          ? String(Math.max(1, Math.ceil(state.countdownMs / 1000)))
          : state.phase === "racing" && state.elapsedMs < 800
            ? "GO!"
            : "";
    setText(overlay, overlayText);
    overlay.hidden = overlayText === "";

    rebuild(fieldBody, fieldKey(state), () => [fieldTable(state)]);
    draw(state);
  }

  function fieldKey(state: RaceState): string {
    return ranked(state)
      .map(([id, r]) => `${id}:${Math.floor(r.position)}:${r.speed.toFixed(0)}:${r.place}:${r.dnf}:${r.connected}:${r.boosting}`)
      .join("|");
  }

  function fieldTable(state: RaceState): HTMLElement {
    const rows = ranked(state).map(([id, r], index) => ({
      cells: [
        r.place > 0 ? ordinal(r.place) : r.dnf ? "DNF" : String(index + 1),
        h("span", {}, h("span", { class: "swatch", style: `background:${colorOf(state, id)}` }), r.name, id === room.sessionId ? h("span", { class: "tag" }, "you") : null),
        `${Math.floor(r.position)} m`,
        r.place > 0 ? seconds(r.finishTimeMs) : r.dnf ? "–" : `${r.speed.toFixed(0)} m/s${r.boosting ? " ⚡" : ""}`,
        r.connected ? "" : "offline",
      ],
      attrs: { "data-testid": "race-racer", "data-name": r.name, class: id === room.sessionId ? "me" : undefined },
    }));
    return table(["#", "Racer", "Distance", "Speed / time", ""], rows, {}, [2]);
  }

  function colorOf(state: RaceState, sessionId: string): string {
    if (sessionId === room.sessionId) return ME_COLOR;
    const others = racersOf(state).map(([id]) => id).filter((id) => id !== room.sessionId);
    return OTHER_COLORS[others.indexOf(sessionId) % OTHER_COLORS.length] ?? OTHER_COLORS[0]!;
  }

  function draw(state: RaceState): void {
    const { length, lanes } = state.track;
    if (length === 0 || lanes === 0) return;
    const width = canvas.clientWidth;
    const height = RULER_HEIGHT + lanes * LANE_HEIGHT + 6;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.height = `${height}px`;
    }
    const g = canvas.getContext("2d");
    if (!g) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const span = width - PAD_LEFT - PAD_RIGHT;
    const x = (position: number) => PAD_LEFT + (Math.min(position, length) / length) * span;
    const laneTop = (lane: number) => RULER_HEIGHT + lane * LANE_HEIGHT;

    // ruler
    g.fillStyle = "#475569";
    g.font = "11px system-ui, sans-serif";
    g.textAlign = "center";
    const step = niceStep(length / 8);
    for (let m = 0; m <= length; m += step) {
      g.fillRect(x(m) - 0.5, RULER_HEIGHT - 6, 1, 6);
      g.fillText(`${m} m`, x(m), RULER_HEIGHT - 9);
    }
    // asphalt and lanes
    g.fillStyle = "#334155";
    g.fillRect(PAD_LEFT, RULER_HEIGHT, span, lanes * LANE_HEIGHT);
    g.strokeStyle = "rgba(255,255,255,0.35)";
    g.setLineDash([10, 10]);
    for (let lane = 1; lane < lanes; lane++) {
      g.beginPath();
      g.moveTo(PAD_LEFT, laneTop(lane));
      g.lineTo(PAD_LEFT + span, laneTop(lane));
      g.stroke();
    }
    g.setLineDash([]);
    g.fillStyle = "#64748b";
    g.textAlign = "right";
    for (let lane = 0; lane < lanes; lane++) g.fillText(`lane ${lane + 1}`, PAD_LEFT - 6, laneTop(lane) + LANE_HEIGHT / 2 + 4);
    // start line and chequered finish
    g.fillStyle = "#f8fafc";
    g.fillRect(x(0) - 1, RULER_HEIGHT, 2, lanes * LANE_HEIGHT);
    const square = 6;
    for (let row = 0; row * square < lanes * LANE_HEIGHT; row++) {
      for (let col = 0; col < 2; col++) {
        g.fillStyle = (row + col) % 2 === 0 ? "#f8fafc" : "#0f172a";
        g.fillRect(x(length) + col * square, RULER_HEIGHT + row * square, square, Math.min(square, lanes * LANE_HEIGHT - row * square));
      }
    }
    // obstacles and boost pads
    for (const obstacle of state.track.obstacles) {
      const top = laneTop(obstacle.lane) + LANE_HEIGHT * 0.22;
      g.fillStyle = "#ef4444";
      g.fillRect(x(obstacle.position) - 3, top, 6, LANE_HEIGHT * 0.56);
      g.fillStyle = "#fef2f2";
      g.fillRect(x(obstacle.position) - 3, top + LANE_HEIGHT * 0.24, 6, 3);
    }
    for (const pad of state.track.boostPads) {
      const mid = laneTop(pad.lane) + LANE_HEIGHT / 2;
      const px = x(pad.position);
      g.strokeStyle = "#4ade80";
      g.lineWidth = 3;
      for (const dx of [-5, 1]) {
        g.beginPath();
        g.moveTo(px + dx, mid - 7);
        g.lineTo(px + dx + 5, mid);
        g.lineTo(px + dx, mid + 7);
        g.stroke();
      }
      g.lineWidth = 1;
    }
    // racers: smoothed positions; cars side by side in a lane are nudged apart, and so are their labels
    const carWidth = 24;
    const carHeight = LANE_HEIGHT * 0.42;
    const cars = racersOf(state).map(([id, racer]) => {
      const previous = shown.get(id) ?? racer.position;
      const position = Math.abs(racer.position - previous) > 30 ? racer.position : previous + (racer.position - previous) * 0.35;
      shown.set(id, position);
      return { id, racer, front: x(position), nudge: 0, labelAside: false };
    });
    const byLane = new Map<number, typeof cars>();
    for (const car of cars) byLane.set(car.racer.lane, [...(byLane.get(car.racer.lane) ?? []), car]);
    g.font = "11px system-ui, sans-serif";
    for (const laneCars of byLane.values()) {
      laneCars.sort((a, b) => a.front - b.front);
      let labelEnd = -Infinity;
      laneCars.forEach((car, index) => {
        const before = laneCars[index - 1];
        if (before && car.front - before.front < carWidth) car.nudge = before.nudge > 0 ? -5 : 5;
        const start = car.front - carWidth;
        if (start < labelEnd) car.labelAside = true;
        else labelEnd = start + g.measureText(car.racer.name).width + 40;
      });
    }
    cars.sort((a, b) => Number(a.id === room.sessionId) - Number(b.id === room.sessionId)); // you on top
    for (const { id, racer, front, nudge, labelAside } of cars) {
      const isMe = id === room.sessionId;
      const top = laneTop(racer.lane) + (LANE_HEIGHT - carHeight) / 2 + nudge;
      if (racer.boosting) {
        g.fillStyle = "rgba(251,146,60,0.85)";
        g.beginPath();
        g.moveTo(front - carWidth, top + 3);
        g.lineTo(front - carWidth - 16, top + carHeight / 2);
        g.lineTo(front - carWidth, top + carHeight - 3);
        g.fill();
      }
      g.fillStyle = racer.dnf ? "#64748b" : colorOf(state, id);
      g.beginPath();
      g.roundRect(front - carWidth, top, carWidth, carHeight, 5);
      g.fill();
      if (isMe) {
        g.strokeStyle = "#fff7ed";
        g.lineWidth = 2;
        g.stroke();
        g.lineWidth = 1;
      }
      g.fillStyle = "#f8fafc";
      g.font = `${isMe ? "bold " : ""}11px system-ui, sans-serif`;
      g.textAlign = "left";
      const label = `${racer.name}${racer.place > 0 ? ` · ${ordinal(racer.place)}` : racer.dnf ? " · DNF" : ""}`;
      const labelWidth = g.measureText(label).width;
      if (labelAside && front + 4 + labelWidth < width - PAD_RIGHT) {
        // another label is already above this lane here: write this one after the car's nose
        g.fillText(label, front + 4, top + carHeight / 2 + 4);
      } else {
        g.fillText(label, Math.max(PAD_LEFT + 2, Math.min(front - carWidth, width - PAD_RIGHT - labelWidth)), top - 3);
      }
    }
  }

  return {
    element,
    dispose() {
      clearInterval(sender);
      cancelAnimationFrame(frame);
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("keyup", onKeyUp);
      window.removeEventListener("blur", onBlur);
      unwatch();
    },
  };
}
