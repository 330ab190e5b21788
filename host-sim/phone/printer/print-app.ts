// The printer's print app (seed 001 FIG. 8, S120-S125): a tap hands it the printer's
// Wi-Fi Direct group and a PWT; it joins the group and orders the pages with that PWT.
// The PWT is the proof that this phone touched the printer: it is used up by the order.
import { Link } from "../../board/abi-constants.ts";
import { osRandom, type RandomSource } from "../seeded-random.ts";
import { PhoneKey, PrinterSession } from "./session.ts";
import { bleHandover, bleReadRequest, readTapAnswer } from "./tap.ts";
import { PRINT_SHORT, WFD_LABEL, type PrintedReply, type TapAnswer } from "./messages.ts";
import type { AppRadio } from "./radio.ts";
import type { TapVia } from "./manage-app.ts";
import { AppStore } from "../app-store.ts";
import { readPrintApp } from "./app-state.ts";

export interface PrintAppOptions {
  name: string;
  radio: AppRadio;
  random?: RandomSource;
  note?: (s: string) => void;
  /** Where the app keeps its key between runs (app-store.ts); absent: a new key each run. */
  stateFile?: string;
}

/** The tap answer asked for the management app instead (setup, recharge, ink exchange). */
export class NotReadyToPrint extends Error {
  constructor(readonly answer: TapAnswer) { super(`the printer asks for the management app: ${answer.kind}${answer.uri ? ` (${answer.uri})` : ""}`); }
}

export class PrintApp {
  screen: string;
  readonly key: PhoneKey;

  constructor(readonly o: PrintAppOptions) {
    const store = o.stateFile ? new AppStore(o.stateFile, readPrintApp) : null;
    const kept = store?.load().key;
    this.key = new PhoneKey(o.random ?? osRandom, kept ? Buffer.from(kept, "hex") : undefined);
    store?.save({ key: this.key.privateKey.toString("hex") });
    this.screen = `Print app (${o.name})\nTap the printer to print`;
  }

  /** Tap, then print `pages` with what the tap gave. */
  async print(device: string, pages: number, via: TapVia = "nfc"): Promise<PrintedReply> {
    const r = this.o.radio;
    const answer = readTapAnswer(via === "nfc" ? await r.tap(device) : bleHandover(await r.ble(device).request(bleReadRequest(), 5000)));
    if (answer.kind !== "print") {
      this.show(answer.kind === "recharge" ? "Not enough pages\nCharge the printer in the management app" :
        answer.kind === "exchange" ? "Ink low\nReplace the cartridge" : "The printer is not set up\nOpen the management app");
      throw new NotReadyToPrint(answer);
    }
    return this.printWith(device, answer, pages);
  }

  /** The order with a tap answer read earlier (a PWT older than the printer's current one
   *  is refused: the printer answers ERROR). */
  async printWith(device: string, answer: TapAnswer, pages: number): Promise<PrintedReply> {
    if (!answer.group || !answer.pwt) throw new NotReadyToPrint(answer);
    await this.o.radio.joinGroup(answer.group.ssid, answer.group.passphrase);                    // S120
    const s = new PrinterSession(this.key, this.o.radio.wifiDirect(device), `${WFD_LABEL} link ${Link.WIFI_DIRECT}`);
    await s.open();
    const printed = await s.print(answer.pwt, pages);                                            // S121-S125
    this.show(printed.status === 0 ? `Printing ${pages} pages\n${printed.pagesLeft} pages left` :
      printed.status === PRINT_SHORT ? `Not enough pages\n${printed.pagesLeft} left` : `Refused (${printed.status})`);
    this.o.note?.(`${this.o.name}: print ${pages} -> status ${printed.status}, ${printed.pagesLeft} left`);
    return printed;
  }

  private show(s: string): void { this.screen = `Print app (${this.o.name})\n${s}`; }
}
