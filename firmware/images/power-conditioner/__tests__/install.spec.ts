// The service port (PROTOCOL.md §5): the factory's MAINTENANCE once, the installer's
// INSTALL once in one transaction (the registration and four items), a malformed request
// refused with nothing stored, a resend of the same installation answered again.
import * as board from "../../../board/index";
import { OK, E_INVAL, E_STATE } from "../../../core/errors";
import { Item } from "../../../modules/unique-info/index";
import { OP_INSTALL } from "../install";
import { fresh, installData, personalValue, siteValue, capacitiesValue, connection, expectHas, lastPublished, shown,
  DEVICE_ID, PASSWORD, PARTNER, PARTNER_KEY, SITE } from "./rig";

describe("power conditioner installation", () => {
  test("MAINTENANCE is taken once: the operator and its credential are the factory's", () => {
    const r = fresh();
    expect(r.maintenance()).toBe(OK);
    expect(r.pcs.auth.operatorCode()).toBe(0xe001);
    expect(r.maintenance()).toBe(E_STATE);
  });

  test("INSTALL stores the registration and the four items together and starts the cloud link", () => {
    const r = fresh();
    expect(r.maintenance()).toBe(OK);
    expect(r.install()).toBe(OK);
    expect(r.store.registered()).toBe(true);
    for (let i = 0; i < Item.COUNT; i++) expect(r.pcs.unique.present(i)).toBe(i != Item.HISTORY);
    expect(r.pcs.unique.partnerCode()).toBe(PARTNER);
    expect(r.pcs.unique.site()).toBe(SITE);
    expect(r.pcs.unique.capacity(1)).toBe(9800);
    r.online();
    const state = lastPublished();
    expectHas(state, '"installed":1');
    expectHas(state, '"partner":53505');
    expectHas(state, '"pv":3200');
    // The password is a secret: never in a log line or on the screen.
    expect(shown(board.utf8(PASSWORD))).toBe(0);
  });

  test("a resend of the same INSTALL answers OK; another installation is refused", () => {
    const r = fresh();
    expect(r.install()).toBe(OK);
    expect(r.install()).toBe(OK);
    const other = installData("pcs-dev-2", PASSWORD, personalValue("A", "B"), siteValue("GS-1"), capacitiesValue(1, 2, 3), connection(PARTNER, PARTNER_KEY, 9));
    expect(r.service(OP_INSTALL, other)).toBe(E_STATE);
    expect(r.pcs.unique.site()).toBe(SITE);
    expect(r.store.registrationDeviceId()).toBe(DEVICE_ID);
  });

  test("a malformed INSTALL (a bad site id, a cut frame) is refused and stores nothing", () => {
    const r = fresh();
    const badSite = installData(DEVICE_ID, PASSWORD, personalValue("A", "B"), siteValue("gs lower"), capacitiesValue(1, 2, 3), connection(PARTNER, PARTNER_KEY, 9));
    expect(r.service(OP_INSTALL, badSite)).toBe(E_INVAL);
    const good = installData(DEVICE_ID, PASSWORD, personalValue("A", "B"), siteValue("GS-1"), capacitiesValue(1, 2, 3), connection(PARTNER, PARTNER_KEY, 9));
    expect(r.service(OP_INSTALL, good.subarray(0, good.length - 1))).toBe(E_INVAL);
    expect(r.store.registered()).toBe(false);
    for (let i = 0; i < Item.COUNT; i++) expect(r.pcs.unique.present(i)).toBe(false);
    // The same PCS still takes a good one afterwards.
    expect(r.service(OP_INSTALL, good)).toBe(OK);
  });

  test("the main screen shows the measurements, the site, the partner and no authentication information", () => {
    const r = fresh().installed();
    r.pcs.render();
    expect(shown(board.utf8("Power conditioner PC-0001\nPV 3200 W  Charge 800 W  Discharge 0 W\nSite GS-2026-0042\nPartner D101 Online\nAuthentication info: none"))).toBeGreaterThan(0);
  });
});
