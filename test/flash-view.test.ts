// The page's flash view of a device: records by name and reset class, secrets masked
// (their bytes nowhere in the view), scrubbed records as scrubbed, wear per page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { flashView, SECRET_SHOWN } from "../host-sim/flash/flash-view.ts";
import { readPages } from "../host-sim/flash/record-store-image.ts";
import { imageName } from "../host-sim/flash/record-names.ts";
import { HomeDevice } from "../host-sim/home/home-device.ts";
import { changeSetting } from "../host-sim/appliances/water-heater/phone-actions.ts";
import { bobRegistered, withHome } from "./support/home.ts";
import { asImage, tempDir } from "./fixtures/build.ts";

test("a registered water heater's flash view names its records and masks its secrets", async () => {
  await withHome("embedded", async (home) => {
    const { password } = await bobRegistered(home);
    assert.equal((await changeSetting(home.bob, "bath_temp", 41)).status, 0); // replaces the settings: the old copy is scrubbed
    const flash = readFileSync(home.heater.o.flashFile);
    const view = flashView("heater", flash, { image: imageName(home.heater.o.image), erasesPerPage: await home.heater.wear() });
    const byName = (n: string) => view.records.filter((r) => r.name === n);

    const [reg] = byName("onboarding.registration").filter((r) => r.state === "live");
    assert.ok(reg, `the registration, among ${view.records.map((r) => r.name).join(", ")}`);
    assert.equal(reg.secret, true);
    assert.equal(reg.value, SECRET_SHOWN);
    assert.equal(reg.resetClass, "initialization");
    assert.equal(reg.owner, "onboarding");
    assert.equal(byName("credential-store.serial").find((r) => r.state === "live")?.value, "WH-0001");
    assert.equal(byName("credential-store.serial")[0].resetClass, "kept");
    const settings = byName("water-heater.settings");
    assert.ok(settings.some((r) => r.state === "live" && r.resetClass === "factory reset"), "the settings, live");
    assert.ok(settings.some((r) => r.state === "scrubbed" && r.value === ""), "the replaced settings, scrubbed (not a bad CRC)");
    assert.ok(!view.records.some((r) => /^0x/.test(r.name)), "every record has a name");

    // Neither the password nor any of the sealed record's bytes are in the view.
    const json = JSON.stringify(view);
    assert.ok(!json.includes(password), "the device password");
    const sealed = readPages(flash).flatMap((p) => p.records).filter((r) => r.key === reg.key && r.state === "committed");
    assert.ok(sealed.length > 0);
    for (const r of sealed) {
      const body = Buffer.from(r.data.subarray(2));
      for (const shown of [body.toString("hex"), body.subarray(0, 12).toString("hex"), body.toString("base64"), body.toString("latin1")]) {
        assert.ok(!json.includes(shown), "sealed bytes in the view");
      }
    }
    // Pages: the heater's 16, with fill and an erase count each.
    assert.equal(view.pages.length, flash.length / 4096);
    assert.ok(view.pages.some((p) => p.usedBytes > 16));
    assert.ok(view.pages.every((p) => Number.isInteger(p.eraseCount) && p.eraseCount >= 0 && p.sizeBytes === 4096));
  });
});

test("wear counts every erase of a page, over power-ons", async () => {
  const dir = tempDir("wear");
  const dev = new HomeDevice({ name: "timer", host: "ts", image: asImage("timer-image", dir), flashFile: join(dir, "wear.flash"), clock: "virtual" });
  try {
    await dev.start();
    assert.deepEqual((await dev.wear()).slice(0, 2), [0, 0]);
    await dev.press(2); // erases page 0, writes 4 bytes
    assert.deepEqual((await dev.wear()).slice(0, 2), [1, 0]);
    await dev.powerCycle();
    await dev.press(2);
    assert.deepEqual((await dev.wear()).slice(0, 2), [2, 0], "the first power-on's erase is still counted");
  } finally {
    await dev.stop();
  }
});
