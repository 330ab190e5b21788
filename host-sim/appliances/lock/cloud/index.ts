// The lock's part of the cloud: the maker's key server as a CloudService for appliance
// "lock" (PROTOCOL.md §1, §3, §7). Start a cloud serving it beside others:
//   const lock = createLockCloud();
//   startCloud({ services: [waterHeaterCloud, lock.service], ... });
//   lock.keyServer().makerPublic   // the maker key's public half, once the cloud started
import type { CloudService, Registration, ServiceContext, ServiceHooks } from "../../../cloud/index.ts";
import type { FlatPayload } from "../../../cloud/types.ts";
import { checkAccess, checkBolt, checkDoor } from "./entries.ts";
import { KeyServer } from "./keyserver.ts";
import { lockRoutes } from "./routes.ts";
import { BOOKING_ACCOUNT, LOCK_APPLIANCE, type LockEvent } from "./types.ts";
import type { Checked } from "../../../cloud/validate.ts";

export * from "./types.ts";
export * from "./blobs.ts";
export { KeyServer } from "./keyserver.ts";
export { LockCloudClient } from "./client.ts";

export interface LockCloudOptions {
  /** Accounts that may hold slots (booking services); default ["booking"]. */
  bookingAccounts?: string[];
}

export interface LockCloud {
  service: CloudService;
  /** Throws before the cloud started the service. */
  keyServer(): KeyServer;
}

export function createLockCloud(options: LockCloudOptions = {}): LockCloud {
  const accounts = options.bookingAccounts ?? [BOOKING_ACCOUNT];
  let ks: KeyServer | null = null;

  function start(ctx: ServiceContext): ServiceHooks {
    const k = new KeyServer(ctx);
    ks = k;
    // The broker let the registration in only with the certificate of its serial.
    const serial = (reg: Registration) => reg.serial ?? reg.deviceId;
    const event = <T extends LockEvent>(check: (e: FlatPayload & { seq: number }) => Checked<T>) =>
      (reg: Registration, e: FlatPayload & { seq: number }): string | null => {
        const c = check(e);
        if (!c.ok) return c.error;
        k.storeEvent(reg, c.value);
        return null;
      };
    return {
      uplinks: {
        time(reg, p) {
          if (typeof p.nonce !== "string" || !/^[0-9a-fA-F]{32}$/.test(p.nonce)) { ctx.log(`lock ${serial(reg)}: up/time without a 32-hex nonce`); return; }
          if (!k.lockBySerial(serial(reg))) { ctx.log(`lock ${serial(reg)}: up/time from a lock not registered`); return; }
          k.answerTime(reg, Buffer.from(p.nonce, "hex"));
        },
      },
      history: { access: event(checkAccess), bolt: event(checkBolt), door: event(checkDoor) },
      onHello: (reg) => k.onHello(reg),
      onReply: (reg, _cmd, status, sent) => k.onReply(reg, status, sent),
      routes: lockRoutes(k, ctx, accounts),
    };
  }

  return {
    service: {
      appliance: LOCK_APPLIANCE,
      // The owner moves the bolt with the button; phones reach the lock over BLE only.
      // A revocation list must reach the lock however long it stays offline.
      commandTtlMs: Infinity,
      start,
    },
    keyServer() {
      if (!ks) throw new Error("lock key server: the cloud has not started it");
      return ks;
    },
  };
}
