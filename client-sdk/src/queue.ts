import type { Client, Room } from "@colyseus/sdk";
import {
  ERROR_MESSAGE,
  ErrorCode,
  MODES,
  QUEUE_CONFIRM_MESSAGE,
  QUEUE_SEAT_MESSAGE,
  QUEUE_STATUS_MESSAGE,
  queueRoomName,
  type ErrorPayload,
  type ModeName,
  type Modes,
  type OptionsInput,
  type QueueStatus,
} from "@arena/shared";
import { ArenaError } from "./arena-error.js";
import { ModeRoom } from "./mode-room.js";

type MatchRoom<M extends ModeName> = ModeRoom<Modes[M]>;

/**
 * A place in a mode's queue: `status` events while waiting (queue size, time waited, band), then
 * it resolves to the joined match room — `await client.queue("war", options)`. `cancel()` leaves
 * the queue; the ticket then rejects with QUEUE_CANCELLED, as it does when a party member leaves.
 */
export class QueueTicket<M extends ModeName> implements PromiseLike<MatchRoom<M>> {
  /** The match room, once the queue has found a group and the seat is taken. */
  readonly room: Promise<MatchRoom<M>>;
  /** The latest status, once one arrived. */
  status: QueueStatus | undefined;
  private queueRoom: Room | undefined;
  private cancelled = false;
  private readonly listeners = new Set<(status: QueueStatus) => void>();

  constructor(
    private readonly colyseus: Client,
    readonly mode: M,
    options: OptionsInput<Modes[M]>,
  ) {
    this.room = new Promise((resolve, reject) => void this.start({ ...(options as object) }, resolve, reject));
    // a ticket only ever cancelled is not an unhandled rejection; awaiting it still sees the error
    this.room.catch(() => undefined);
  }

  /** Listens for the queue's status, sent once a queue cycle (about a second); returns the unsubscribe. */
  on(_type: "status", listener: (status: QueueStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Leaves the queue (a party's whole queue ends with it). */
  async cancel(): Promise<void> {
    this.cancelled = true;
    if (this.queueRoom?.connection?.isOpen) await this.queueRoom.leave(true);
  }

  then<A = MatchRoom<M>, B = never>(onfulfilled?: ((room: MatchRoom<M>) => A | PromiseLike<A>) | null, onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.room.then(onfulfilled, onrejected);
  }

  private async start(options: object, resolve: (room: MatchRoom<M>) => void, reject: (error: ArenaError) => void): Promise<void> {
    const contract = MODES[this.mode];
    let queue: Room;
    try {
      queue = await this.colyseus.joinOrCreate(queueRoomName(this.mode), options);
    } catch (error) {
      reject(ArenaError.from(error));
      return;
    }
    this.queueRoom = queue;
    if (this.cancelled) {
      void queue.leave(true);
      reject(new ArenaError(ErrorCode.QueueCancelled, "the queue was left"));
      return;
    }
    let seated = false;
    let refusal: ErrorPayload | undefined;
    queue.onMessage("clients", () => {});
    queue.onMessage(QUEUE_STATUS_MESSAGE, (status: QueueStatus) => {
      this.status = status;
      for (const listener of this.listeners) listener(status);
    });
    queue.onMessage(ERROR_MESSAGE, (error: ErrorPayload) => (refusal = error));
    queue.onMessage(QUEUE_SEAT_MESSAGE, (reservation: Parameters<Client["consumeSeatReservation"]>[0]) => {
      seated = true;
      // the queue closes this connection once it hears the seat arrived
      queue.send(QUEUE_CONFIRM_MESSAGE, {});
      this.colyseus.consumeSeatReservation(reservation, contract.state as never).then(
        (room) => resolve(new ModeRoom(contract, room) as MatchRoom<M>),
        (error: unknown) => reject(ArenaError.from(error)),
      );
    });
    queue.onLeave((code: number) => {
      if (seated) return;
      if (refusal) reject(new ArenaError(refusal.code, refusal.message));
      else if (this.cancelled) reject(new ArenaError(ErrorCode.QueueCancelled, "the queue was left"));
      else reject(new ArenaError(ErrorCode.QueueCancelled, `the queue closed the connection (code ${code})`));
    });
  }
}
