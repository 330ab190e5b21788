// What a person does with the printer's two phone apps, by name, for the home's console
// (`alice tap printer`, `alice print 5`, `alice charge free`). Each action says in a line
// what happened on the phone.
import type { PhoneAction } from "../types.ts";
import type { PrinterManageApp, TapVia } from "../../phone/printer/manage-app.ts";
import type { PrintApp } from "../../phone/printer/print-app.ts";

/** One person's printer apps and the printer they are for. */
export interface PrinterPhone { manage: PrinterManageApp; print: PrintApp; device: string }

const via = (a: string | undefined): TapVia => (a === "ble" ? "ble" : "nfc");

/** A tap with the management app: first setup, or, for a recharge / exchange answer,
 *  a service token for the cloud's pages (the SVWT exchanged unless the app's SVT holds). */
export async function tapToManage(p: PrinterPhone, how: TapVia = "nfc"): Promise<string> {
  const answer = await p.manage.tap(p.device, how);
  if (answer.kind === "setup") {
    const r = await p.manage.setup(p.device, answer);
    return `set up: registration ${r.deviceId}`;
  }
  if (answer.kind === "print") return "the printer is ready: use the print app";
  await p.manage.serviceToken(p.device, answer);
  return `${answer.kind === "recharge" ? "pages low" : "ink low"}: ${answer.uri}`;
}

export const printerActions: Record<string, PhoneAction<PrinterPhone, string>> = {
  tap: {
    usage: "printer [nfc|ble]",
    help: "the management app touches the printer (ble: after press printer connect)",
    run: async (p, [what, how]) => {
      if (what !== p.device) throw new Error(`the management app taps a printer: tap ${p.device} [nfc|ble]`);
      return tapToManage(p, via(how));
    },
  },
  print: {
    usage: "<pages> [nfc|ble]",
    help: "the print app touches the printer and prints",
    run: async (p, [pages, how]) => {
      const r = await p.print.print(p.device, Number(pages), via(how));
      return r.status === 0 ? `printed ${pages}, ${r.pagesLeft} pages left` : `refused (${r.status}): ${r.pagesLeft} pages left`;
    },
  },
  charge: {
    usage: "free|<pages>",
    help: "the free charge (once per printer) or a paid one",
    run: async (p, [what]) => `${await (what === "free" ? p.manage.freeCharge(p.device) : p.manage.purchase(p.device, Number(what)))} pages`,
  },
  ink: {
    usage: "order",
    help: "order an ink cartridge for the printer",
    run: async (p) => `ink order ${await p.manage.orderInk()}`,
  },
  forget: {
    usage: "",
    help: "the management app gives its printer token back",
    run: async (p) => `PT deleted: ${await p.manage.deletePt(p.device)}`,
  },
};
