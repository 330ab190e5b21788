// The meter's part of the cloud (firmware/images/meter/PROTOCOL.md §3, §4): the head-end as
// a CloudService for appliance "meter", and the company servers it relays for. Start a
// cloud serving it beside others:
//   const meter = createMeterCloud();            // the three seeded companies
//   startCloud({ services: [waterHeaterCloud, meter.service], ... });
//   meter.company(0xA001)!.orderSwitch("SM-0001", at);
import type { CloudService, ServiceContext, ServiceHooks } from "../../../cloud/index.ts";
import { CompanyServer, type CompanyConfig } from "./company.ts";
import { HeadEnd, METER_APPLIANCE, type MeterTable, type Undeliverable } from "./head-end.ts";
import { meterRoutes } from "./routes.ts";
import { DataType, type MeterNotice } from "./types.ts";

export * from "./types.ts";
export { CompanyServer, type CompanyConfig } from "./company.ts";
export { METER_APPLIANCE, hex, type MeterTable, type Undeliverable } from "./head-end.ts";

const { TIME, POWER, ENERGY, HISTORY } = DataType;
/** PROTOCOL.md §4's seeded companies. */
export const KANTO_POWER = 0xa001, GREEN_POWER = 0xb002, DATA_UTILIZATION = 0xc003;
export const SEEDED_COMPANIES: readonly Omit<CompanyConfig, "dbPath" | "now">[] = [
  { code: KANTO_POWER, name: "Kanto Power", role: "contract", types: TIME | ENERGY | HISTORY },
  { code: GREEN_POWER, name: "Green Power", role: "contract", types: TIME | ENERGY | HISTORY },
  { code: DATA_UTILIZATION, name: "Data Utilization Co.", role: "provision", types: TIME | POWER },
];

export interface MeterCloudOptions {
  /** The company servers; default the seeded three, each on its own in-memory database
   *  (or a file under `dataDir`: <code>.db). */
  companies?: CompanyServer[];
  dataDir?: string;
  /** The companies' clock; default Date.now. */
  now?: () => number;
}

/** The head-end's view of its meters, once the cloud has started. */
export interface MeterHeadEndView {
  table(deviceId: string): MeterTable | undefined;
  /** Entries for companies the head-end does not know, kept and acknowledged. */
  undeliverable(): Undeliverable[];
  notices(deviceId: string): MeterNotice[];
}

export interface MeterCloud {
  service: CloudService;
  companies: readonly CompanyServer[];
  company(code: number): CompanyServer | undefined;
  /** Throws before the cloud started the service. */
  headEnd(): MeterHeadEndView;
  /** Closes the companies' databases (after the cloud stopped). */
  close(): void;
}

export function createMeterCloud(options: MeterCloudOptions = {}): MeterCloud {
  const companies = options.companies ?? SEEDED_COMPANIES.map((c) => new CompanyServer({
    ...c, now: options.now, dbPath: options.dataDir ? `${options.dataDir}/company-${c.code.toString(16)}.db` : ":memory:",
  }));
  let headEnd: HeadEnd | null = null;

  function start(ctx: ServiceContext): ServiceHooks {
    const h = new HeadEnd(ctx.db, ctx, companies);
    headEnd = h;
    return {
      history: h.history,
      uplinks: { read: (reg, p) => h.onRead(reg, p) },
      onReply: (reg, cmd, status) => h.onReply(reg, cmd, status),
      routes: meterRoutes(h, ctx),
    };
  }

  return {
    service: {
      appliance: METER_APPLIANCE,
      // Companies speak to meters only through their servers, never through
      // POST /api/devices/<id>/commands: no checkCommand.
      // Every meter command is applied at most once (replay floor), and a lost
      // confirmation leaves a resident without supply: sent again until replied.
      commandTtlMs: Infinity,
      start,
    },
    companies,
    company: (code) => companies.find((c) => c.code === code),
    headEnd() {
      if (!headEnd) throw new Error("meter head-end: the cloud has not started it");
      return headEnd;
    },
    close() { for (const c of companies) c.close(); },
  };
}
