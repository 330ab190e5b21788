// The board's clocks and the one timer, as the scheduler uses them. Images use the board
// itself; unit tests pass a subclass that moves time by hand.
import * as board from "../../board/index";

export class Clock {
  /** Device time: ms since power-on. */
  nowMs(): i64 { return board.nowMs(); }
  /** UTC ms since 1970, or -1 while the board does not know it. */
  wallMs(): i64 { return board.wallMs(); }
  setTimer(id: i32, delayMs: i32): void { board.setTimer(id, delayMs); }
  cancelTimer(id: i32): void { board.cancelTimer(id); }
}
