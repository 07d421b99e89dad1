import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { matchMaker } from "@colyseus/core";
import { SeatReservationError } from "@colyseus/core/errors/SeatReservationError";
import type { RoomOf } from "@arena/client-sdk";
import { startRoomServer, type RoomServer } from "./support/room-server.js";

describe("a match that takes nobody once it runs gives no seat", () => {
  let server: RoomServer;
  before(async () => {
    server = await startRoomServer({ RACE_COUNTDOWN_MS: "100", RACE_LOBBY_TIMEOUT_MS: "200" });
  });
  after(async () => {
    // draining closes the transport too, so the test process can exit
    await server?.drain();
    await server?.close();
  });

  it("refuses a reservation sent with the lobby's listing after the race started, while a seat is free", async () => {
    const options = { trackLength: 50, maxPlayers: 3, lanes: 2 };
    const rooms = [] as Array<RoomOf<"race">>;
    for (const name of ["ada", "bob"]) rooms.push((await (await server.player(name)).join("race", options)) as RoomOf<"race">);
    const [first] = rooms;
    await first!.waitFor((s) => s.phase === "countdown" || s.phase === "racing", 10_000);
    // what a matchmaker holds when it read the listing a moment before the start: open, a seat free
    const listing = await matchMaker.driver.findOne({ roomId: first!.roomId });
    assert.ok(listing, "the room is listed");
    await assert.rejects(matchMaker.reserveSeatFor({ ...listing, locked: false }, {}, undefined), SeatReservationError);
    await Promise.all(rooms.map((room) => room.leave()));
  });
});
