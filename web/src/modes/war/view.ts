/** War: the zones as an SVG map (roads, owners, control, presence, units) with factions, missions and players beside it. */
import type { WarRoom } from "@arena/client-sdk";
import { NO_ZONE, WAR_FACTIONS, type WarFinishedPayload, type WarPlayer, type WarState, type WarZone } from "@arena/shared/modes/war/contract";
import { attrs, bar, h, hudItem, hudValue, ordinal, rebuild, s, setText, table, titledCard } from "../../dom.js";
import { resultPanel, watchRoom, type ModeView, type ViewContext } from "../../view.js";

const ZONE_RADIUS = 6.5;
/** Units stand around their zone, left and right of it (the control bar is above, the name below). */
const UNIT_RING = 9.2;
const MAP_MARGIN_X = 20;
const MAP_MARGIN_Y = 14;
const MIN_SPAN = 85;
const NEUTRAL = "#cbd5e1";

function factionName(id: string): string {
  return WAR_FACTIONS.find((f) => f.id === id)?.name ?? (id || "neutral");
}

function factionColor(state: WarState, id: string): string {
  return state.factions.find((f) => f.id === id)?.color || WAR_FACTIONS.find((f) => f.id === id)?.color || NEUTRAL;
}

function clock(totalSeconds: number): string {
  const secondsLeft = Math.max(0, Math.round(totalSeconds));
  return `${Math.floor(secondsLeft / 60)}:${String(secondsLeft % 60).padStart(2, "0")}`;
}

interface ZoneShape {
  group: SVGGElement;
  fill: SVGCircleElement;
  reach: SVGCircleElement;
  control: SVGRectElement;
  presence: SVGTextElement;
  contested: SVGTextElement;
}

interface Walk {
  from: number;
  to: number;
  startedAt: number;
}

export function warView(room: WarRoom, ctx: ViewContext): ModeView {
  let finished: WarFinishedPayload | undefined;
  let mapKey = "";
  const zoneShapes = new Map<number, ZoneShape>();
  const unitShapes = new Map<string, SVGGElement>();
  const walks = new Map<string, Walk>();

  const roads = s("g", { class: "roads" });
  const zonesLayer = s("g", { class: "zones" });
  const unitsLayer = s("g", { class: "units" });
  const map = s("svg", { viewBox: "0 0 100 100", class: "war-map", "data-testid": "war-map", role: "img", "aria-label": "war map" }, roads, zonesLayer, unitsLayer);
  const mapNote = h("p", { class: "muted small", "data-testid": "war-hint" }, "Click a zone next to yours (dashed ring) to walk there.");
  const mapCard = h("section", { class: "card map-card" }, map, mapNote);

  const status = h("span", { class: "chip", "data-testid": "war-status" }, "waiting");
  const timeLeft = hudValue("war-time");
  const limit = hudValue(undefined);
  const meText = hudValue("war-me");
  const hud = h("div", { class: "hud" }, hudItem("Phase", status), hudItem("Time left", timeLeft), hudItem("Score limit", limit), hudItem("You", meText, { wide: true }));
  const factions = h("div", { "data-testid": "war-factions" });
  const missions = h("div", { "data-testid": "war-missions" });
  const players = h("div", { "data-testid": "war-players" });
  const side = h("div", { class: "war-side" }, titledCard("Factions", factions), titledCard("Missions", missions), titledCard("Players", players));
  const result = h("div", {});
  const element = h("div", { class: "mode-view war-view", "data-testid": "war-view" }, hud, result, h("div", { class: "war-main" }, mapCard, side));

  const unwatch = watchRoom(room, () => finished !== undefined || room.state?.phase === "finished");
  room.on("finished", (payload) => {
    finished = payload;
    result.replaceChildren(resultOf(payload));
  });
  const offState = room.onStateChange((state) => update(state));
  let frame = requestAnimationFrame(function loop() {
    if (room.state?.players) drawUnits(room.state);
    frame = requestAnimationFrame(loop);
  });

  function buildMap(state: WarState): void {
    const key = state.zones.map((z) => `${z.id}:${z.x}:${z.y}:${[...z.neighbours].join(",")}`).join("|");
    if (key === mapKey) return;
    mapKey = key;
    roads.replaceChildren();
    zonesLayer.replaceChildren();
    zoneShapes.clear();
    for (const zone of state.zones) {
      for (const other of zone.neighbours) {
        const to = state.zones[other];
        if (!to || other < zone.id) continue;
        roads.append(s("line", { x1: zone.x, y1: zone.y, x2: to.x, y2: to.y, class: "road", "data-testid": "war-road" }));
      }
    }
    // fit the board to the zones (at least MIN_SPAN units each way), with room for labels and units
    const box = (values: number[], margin: number) => {
      const low = Math.min(...values) - margin;
      const high = Math.max(...values) + margin;
      const grow = Math.max(0, MIN_SPAN - (high - low)) / 2;
      return [low - grow, high - low + 2 * grow] as const;
    };
    const [left, width] = box(state.zones.map((z) => z.x), MAP_MARGIN_X);
    const [top, height] = box(state.zones.map((z) => z.y), MAP_MARGIN_Y);
    attrs(map, { viewBox: `${left} ${top} ${width} ${height}` });
    const homes = new Map(state.factions.map((f) => [f.home, f.id]));
    for (const zone of state.zones) {
      const reach = s("circle", { r: ZONE_RADIUS + 2.4, class: "reach" });
      const base = s("circle", { r: ZONE_RADIUS, class: "zone-base" });
      const fill = s("circle", { r: ZONE_RADIUS, class: "zone-fill" });
      const controlBack = s("rect", { x: -ZONE_RADIUS, y: -ZONE_RADIUS - 3.4, width: ZONE_RADIUS * 2, height: 1.9, rx: 0.9, class: "control-back" });
      const control = s("rect", { x: -ZONE_RADIUS, y: -ZONE_RADIUS - 3.4, width: 0, height: 1.9, rx: 0.9, "data-testid": "war-control" });
      const presence = s("text", { y: 1.3, class: "presence", "text-anchor": "middle", "data-testid": "war-presence" });
      const contested = s("text", { x: ZONE_RADIUS + 1.6, y: -ZONE_RADIUS + 0.6, class: "contested", "text-anchor": "middle" }, "⚔");
      const home = homes.get(zone.id);
      const label = s("text", { y: ZONE_RADIUS + 4, class: "zone-name", "text-anchor": "middle" }, zone.name, home ? ` · ${factionName(home)} HQ` : "");
      const group = s("g", { class: "zone", transform: `translate(${zone.x} ${zone.y})`, "data-testid": "war-zone", "data-zone-id": zone.id, "data-name": zone.name, tabindex: 0 }, reach, base, fill, controlBack, control, presence, contested, label);
      group.addEventListener("click", () => moveTo(zone.id));
      group.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") moveTo(zone.id);
      });
      zonesLayer.append(group);
      zoneShapes.set(zone.id, { group, fill, reach, control, presence, contested });
    }
  }

  /** Sends the move; the server decides (a zone that is not adjacent comes back as INVALID_MOVE). */
  function moveTo(zone: number): void {
    if (room.state?.phase !== "playing" || !room.me) return;
    room.send("move", { to: zone });
  }

  function update(state: WarState): void {
    if (!state.zones) return;
    buildMap(state);
    const me = room.me;
    const reachable = new Set<number>(me && me.zone !== NO_ZONE && state.phase === "playing" ? [...(state.zones[me.zone]?.neighbours ?? [])] : []);
    for (const zone of state.zones) updateZone(state, zone, reachable.has(zone.id), me?.zone === zone.id);

    setText(status, state.phase);
    status.dataset.phase = state.phase;
    setText(timeLeft, state.phase === "playing" ? clock(state.timeLimitS - state.elapsedS) : state.phase === "finished" ? "0:00" : clock(state.timeLimitS));
    setText(limit, String(state.scoreLimit));
    if (me) {
      const where = me.zone !== NO_ZONE ? `in ${state.zones[me.zone]?.name ?? "?"}` : `walking to ${state.zones[me.to]?.name ?? "?"}`;
      setText(meText, `${me.name} · ${factionName(me.faction)} · ${where} · ${me.score} pts`);
      meText.style.color = factionColor(state, me.faction);
    }
    if (state.phase === "waiting") setText(mapNote, `Waiting for players (${[...state.players.values()].filter((p) => !p.isBot).length} of ${state.maxPlayers}); bots take the free seats soon.`);
    else if (state.phase === "playing") setText(mapNote, "Click a zone next to yours (dashed ring) to walk there. Units: ● human, ■ bot, ringed ● you.");
    else setText(mapNote, finished?.winner ? `${factionName(finished.winner)} won.` : "The war is over.");

    rebuild(factions, state.factions.map((f) => `${f.id}:${f.score}:${f.zonesHeld}:${f.missionsDone}:${f.humans}:${f.bots}`).join("|"), () => [factionsTable(state)]);
    rebuild(missions, state.missions.map((m) => `${m.id}:${m.progress}:${m.done}`).join("|") + (me?.faction ?? ""), () => [missionsList(state, me)]);
    rebuild(players, [...state.players.entries()].map(([id, p]) => `${id}:${p.name}:${p.faction}:${p.zone}:${p.to}:${p.score}:${p.connected}:${p.isBot}`).join("|"), () => [playersTable(state)]);
  }

  function updateZone(state: WarState, zone: WarZone, reachable: boolean, mine: boolean): void {
    const shape = zoneShapes.get(zone.id);
    if (!shape) return;
    const owner = zone.owner ? factionColor(state, zone.owner) : NEUTRAL;
    attrs(shape.fill, { fill: owner, "fill-opacity": zone.owner ? 0.35 : 0.6, stroke: zone.owner ? owner : "#94a3b8" });
    attrs(shape.control, { width: ((ZONE_RADIUS * 2 * zone.control) / 100).toFixed(2), fill: zone.controlFaction ? factionColor(state, zone.controlFaction) : NEUTRAL });
    attrs(shape.group, { "data-owner": zone.owner || "neutral", "data-control": zone.control, class: `zone${reachable ? " reachable" : ""}${mine ? " here" : ""}` });
    shape.contested.style.display = zone.contested ? "" : "none";
    const counts = [...zone.presence];
    const spans = counts.flatMap((count, index) => (count > 0 ? [s("tspan", { fill: factionColor(state, state.factions[index]?.id ?? "") }, `${count} `)] : []));
    const key = counts.join(",");
    if (shape.presence.dataset.key !== key) {
      shape.presence.dataset.key = key;
      shape.presence.replaceChildren(...spans);
    }
  }

  function zonePoint(state: WarState, id: number): { x: number; y: number } {
    const zone = state.zones[id];
    return zone ? { x: zone.x, y: zone.y } : { x: 50, y: 50 };
  }

  function drawUnits(state: WarState): void {
    const now = performance.now();
    const byZone = new Map<number, string[]>();
    for (const [id, player] of state.players.entries()) {
      if (player.zone !== NO_ZONE) byZone.set(player.zone, [...(byZone.get(player.zone) ?? []), id]);
    }
    const seen = new Set<string>();
    for (const [id, player] of state.players.entries()) {
      seen.add(id);
      let shape = unitShapes.get(id);
      if (!shape) {
        shape = unitShape(state, id, player);
        unitShapes.set(id, shape);
        unitsLayer.append(shape);
      }
      let point: { x: number; y: number };
      if (player.zone !== NO_ZONE) {
        walks.delete(id);
        const here = byZone.get(player.zone) ?? [id];
        const index = here.indexOf(id);
        // alternate right and left of the zone, stacked from the middle outwards
        const row = Math.floor(index / 2);
        const side = index % 2 === 0 ? 0 : Math.PI;
        const angle = side + (row % 2 === 0 ? 1 : -1) * Math.ceil(row / 2) * 0.5;
        const center = zonePoint(state, player.zone);
        point = { x: center.x + Math.cos(angle) * UNIT_RING, y: center.y + Math.sin(angle) * UNIT_RING };
      } else {
        let walk = walks.get(id);
        if (!walk || walk.from !== player.from || walk.to !== player.to) {
          walk = { from: player.from, to: player.to, startedAt: now };
          walks.set(id, walk);
        }
        const t = Math.min(1, (now - walk.startedAt) / Math.max(1, player.travelMs));
        const a = zonePoint(state, walk.from);
        const b = zonePoint(state, walk.to);
        point = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
      }
      attrs(shape, { transform: `translate(${point.x.toFixed(2)} ${point.y.toFixed(2)})` });
      shape.style.opacity = player.connected ? "1" : "0.45";
    }
    for (const [id, shape] of unitShapes) {
      if (!seen.has(id)) {
        shape.remove();
        unitShapes.delete(id);
      }
    }
  }

  function unitShape(state: WarState, id: string, player: WarPlayer): SVGGElement {
    const color = factionColor(state, player.faction);
    const isMe = id === room.sessionId;
    const body = player.isBot
      ? s("rect", { x: -1.7, y: -1.7, width: 3.4, height: 3.4, fill: color, class: "unit-bot" })
      : s("circle", { r: isMe ? 2.3 : 1.9, fill: color, class: isMe ? "unit-me" : "unit" });
    return s("g", { class: "unit-group", "data-testid": isMe ? "war-my-unit" : player.isBot ? "war-bot-unit" : "war-unit", "data-name": player.name }, body, s("title", {}, `${player.name}${player.isBot ? " (bot)" : ""}`));
  }

  function factionsTable(state: WarState): HTMLElement {
    const rows = [...state.factions]
      .sort((a, b) => b.score - a.score)
      .map((f) => ({
        cells: [
          h("span", {}, h("span", { class: "swatch", style: `background:${f.color}` }), factionName(f.id), room.me?.faction === f.id ? h("span", { class: "tag" }, "you") : null),
          h("span", { class: "score-cell" }, h("span", { "data-testid": "war-faction-score" }, f.score), bar(state.scoreLimit > 0 ? f.score / state.scoreLimit : 0, f.color)),
          f.zonesHeld,
          f.missionsDone,
          `${f.humans} + ${f.bots} bot${f.bots === 1 ? "" : "s"}`,
        ],
        attrs: { "data-testid": "war-faction", "data-faction": f.id },
      }));
    return table(["Faction", "Score", "Zones", "Missions", "Players"], rows, {}, [2, 3]);
  }

  function missionsList(state: WarState, me: WarPlayer | undefined): HTMLElement {
    const mineFirst = [...state.missions].sort((a, b) => Number(b.faction === me?.faction) - Number(a.faction === me?.faction) || a.id - b.id);
    return h(
      "ul",
      { class: "missions" },
      ...mineFirst.map((m) =>
        h(
          "li",
          { "data-testid": "war-mission", "data-faction": m.faction, class: m.done ? "done" : undefined },
          h("span", { class: "swatch", style: `background:${factionColor(state, m.faction)}` }),
          h("span", { class: "mission-text" }, m.description, ` (+${m.bonus})`),
          m.done ? h("span", { class: "tag ok" }, "done") : h("span", { class: "mission-progress" }, `${m.progress}/${m.target}`, bar(m.target > 0 ? m.progress / m.target : 0, factionColor(state, m.faction))),
        ),
      ),
    );
  }

  function playersTable(state: WarState): HTMLElement {
    const rows = [...state.players.entries()]
      .sort(([, a], [, b]) => a.faction.localeCompare(b.faction) || Number(a.isBot) - Number(b.isBot) || b.score - a.score)
      .map(([id, p]) => ({
        cells: [
          h(
            "span",
            {},
            h("span", { class: "swatch", style: `background:${factionColor(state, p.faction)}` }),
            p.name,
            p.isBot ? h("span", { class: "tag bot", "data-testid": "war-bot-tag" }, "bot") : null,
            id === room.sessionId ? h("span", { class: "tag" }, "you") : null,
            p.connected ? null : h("span", { class: "tag" }, "offline"),
          ),
          p.zone !== NO_ZONE ? (state.zones[p.zone]?.name ?? "?") : `→ ${state.zones[p.to]?.name ?? "?"}`,
          p.score,
        ],
        attrs: { "data-testid": "war-player", "data-name": p.name, class: id === room.sessionId ? "me" : undefined },
      }));
    return table(["Player", "Where", "Points"], rows, {}, [2]);
  }

  function resultOf(payload: WarFinishedPayload): HTMLElement {
    const me = payload.players.find((p) => p.sessionId === room.sessionId);
    const headline = payload.winner ? `${factionName(payload.winner)} wins${me ? (me.faction === payload.winner ? " — your side!" : "") : ""}` : "Draw";
    const factionRows = payload.factions.map((f) => ({
      cells: [ordinal(f.placement), factionName(f.faction), f.score, f.zonesHeld, f.captures, f.missionsDone],
      attrs: { "data-testid": "war-standing", "data-faction": f.faction, "data-place": f.placement },
    }));
    const playerRows = payload.players.map((p) => ({
      cells: [p.name + (p.isBot ? " (bot)" : ""), factionName(p.faction), p.score, p.captures, p.reputationDelta >= 0 ? `+${p.reputationDelta}` : String(p.reputationDelta)],
      attrs: { class: p.sessionId === room.sessionId ? "me" : undefined },
    }));
    const standings = h(
      "div",
      { class: "two-tables" },
      table(["Place", "Faction", "Score", "Zones", "Captures", "Missions"], factionRows, { "data-testid": "war-standings" }, [2, 3, 4, 5]),
      table(["Player", "Faction", "Points", "Captures", "Reputation"], playerRows, {}, [2, 3, 4]),
    );
    return resultPanel("war", ctx, headline, standings, "war-result");
  }

  if (room.state?.zones) update(room.state);
  return {
    element,
    dispose() {
      cancelAnimationFrame(frame);
      offState();
      unwatch();
    },
  };
}
