// The panel and the router connection: the screens, the menu's initialization (the set-up
// is erased, paid pages stay), and the cloud link following the router.
import * as board from "../../../board/index";
import { Link } from "../../../board/index";
import { OK } from "../../../core/errors";
import { base64 } from "../../../core/codecs/base64";
import { LinkState } from "../../../modules/cloud-link/index";
import { Step } from "../../../modules/onboarding/index";
import { Button } from "../printer";
import { Router } from "../wifi";
import { Msg } from "../session";
import { fresh, lastWifi, pwtOf, routerNdef, same, shown, token, Phone } from "./rig";

function screen(text: string): bool { return shown(board.utf8(text)) > 0; }

describe("screens", () => {
  it("says what to do at each step of the set-up, then the pages and the ink", () => {
    const rig = fresh();
    expect(screen("Printer\nTap your phone to set up")).toBe(true);
    rig.tap();
    const p = new Phone(rig);
    p.connect(Link.WIFI_DIRECT);
    p.send(Msg.ROUTER, routerNdef("HomeNet", "wrong key!"));
    expect(screen("Printer\nJoining HomeNet…")).toBe(true);
    rig.wifi(-6);
    expect(screen("Printer\nWi-Fi key refused: try again from the app")).toBe(true);
    p.send(Msg.ROUTER, routerNdef("HomeNet", "correct horse"));
    rig.wifi(1);
    rig.registered();
    rig.printer.onRouter(true);
    rig.online();
    expect(screen("Printer\nRegistering…")).toBe(true);
    rig.command('{"cmd":1,"st":"' + base64(token(1)) + '"}');
    rig.command('{"cmd":2,"charge":1,"pages":2000,"kind":1,"cwt":"' + base64(token(9)) + '"}');
    expect(screen("Printer\nReady  2000 pages  ink 100%")).toBe(true);
    rig.printer.onButton(Button.CONNECT);
    expect(screen("Printer\nConnect: open the app (60 s)")).toBe(true);
  });
});

describe("initialization from the menu", () => {
  it("erases the router, the registration and the tokens, leaves the router, keeps the paid pages, and a fresh PWT is current", () => {
    const rig = fresh();
    rig.onlineWithSt(token(1));
    rig.command('{"cmd":2,"charge":1,"pages":500,"kind":2,"cwt":"' + base64(token(9)) + '"}');
    const pwt = pwtOf(rig.tap());
    rig.printer.onMqttState(0);                               // offline: the erase does not wait for the cloud
    rig.printer.onButton(Button.MENU);
    expect(rig.printer.menu.step).toBe(Step.MENU);
    rig.printer.onButton(Button.OK);                          // Initialize (the first entry offered)
    expect(rig.printer.menu.step).toBe(Step.INIT_CONFIRM);
    rig.printer.onButton(Button.OK);
    expect(rig.printer.menu.step).toBe(Step.INIT_DONE);
    expect(rig.printer.wifi.configured).toBe(false);
    expect(rig.printer.wifi.state).toBe(Router.NONE);
    expect(lastWifi(0).length).toBe(2);                       // wifi_join with nothing: left
    expect(rig.store.registered()).toBe(false);
    expect(rig.printer.tokens.hasSt()).toBe(false);
    expect(rig.printer.pages.balance).toBe(500);
    const h = rig.tap();
    expect(board.text(h.androidPackage!)).toBe("com.example.printer.manage");
    expect(same(pwtOf(h), pwt)).toBe(false);
    rig.printer.onButton(Button.OK);
    expect(rig.printer.menu.active).toBe(false);
  });

  it("the menu offers initialize and factory reset only; factory reset also brings the ink back", () => {
    const rig = fresh();
    rig.printer.ink.printed(200);
    rig.printer.onButton(Button.MENU);
    expect(screen("Printer\nMenu\n> Initialize\n  Factory reset")).toBe(true);
    rig.printer.onButton(Button.DOWN);
    rig.printer.onButton(Button.OK);
    expect(rig.printer.menu.step).toBe(Step.FACTORY_CONFIRM);
    rig.printer.onButton(Button.OK);
    expect(rig.printer.ink.level).toBe(100);
  });
});

describe("the cloud link follows the router", () => {
  it("starts on WIFI 1 only when registered, pauses on WIFI 0 and keeps recording; resumes on the next WIFI 1", () => {
    const rig = fresh();
    rig.registered();
    rig.printer.cloud.start(false);
    expect(rig.printer.cloud.state).toBe(LinkState.OFFLINE);
    rig.storeRouter();
    expect(rig.printer.cloud.state).toBe(LinkState.CONNECTING);
    rig.online();
    rig.command('{"cmd":1,"st":"' + base64(token(1)) + '"}');
    rig.wifi(0);
    expect(rig.printer.cloud.connected).toBe(false);
    expect(rig.printer.wifi.state).toBe(Router.JOINING);      // tries the stored router again
    const last = rig.printer.cloud.outbox.last;
    rig.printer.onButton(Button.REPLACE_INK);                 // an ink entry, stored while offline
    expect(rig.printer.cloud.outbox.last).toBe(last + 1);
    rig.wifi(1);
    expect(rig.printer.cloud.state).toBe(LinkState.CONNECTING);
  });

  it("an unregistered printer on its router does not connect", () => {
    const rig = fresh();
    rig.storeRouter();
    expect(rig.printer.wifi.joined).toBe(true);
    expect(rig.printer.cloud.state).toBe(LinkState.OFFLINE);
  });
});

describe("the router's news", () => {
  it("WIFI 1 told twice changes nothing: the cloud link is not restarted", () => {
    const rig = fresh();
    rig.registered();
    rig.storeRouter();
    rig.online();
    expect(rig.printer.cloud.connected).toBe(true);
    rig.wifi(1);
    expect(rig.printer.cloud.connected).toBe(true);
  });

  it("a lost router closes the LAN session", () => {
    const rig = fresh();
    rig.storeRouter();
    const p = new Phone(rig);
    expect(p.connect(Link.LAN)).toBe(OK);
    rig.wifi(0);
    rig.wifi(1);
    const r = p.send(Msg.STATUS, new Uint8Array(32));
    expect(r.type).toBe(Msg.ERROR);
    expect(r.status).toBe(-3);
  });
});
