// The appliances one cloud serves, by name, each with the hooks its service added when the
// cloud started. The first one is the default of a registration that names none (callers
// from before the cloud served several appliances).
import type { Route } from "./http-server.ts";
import type { CloudService, ServiceContext, ServiceHooks } from "./service.ts";

export interface ServedAppliance { service: CloudService; hooks: ServiceHooks }

const REDACTED = "<redacted>";

export class Services {
  private readonly byName = new Map<string, ServedAppliance>();
  /** Every service's secret field names: blanked wherever a payload is shown. */
  private readonly secrets = new Set<string>();
  readonly defaultAppliance: string;

  constructor(list: readonly CloudService[]) {
    if (list.length === 0) throw new Error("startCloud: at least one appliance service");
    for (const service of list) {
      if (this.byName.has(service.appliance)) throw new Error(`startCloud: appliance ${service.appliance} given twice`);
      this.byName.set(service.appliance, { service, hooks: {} });
      for (const f of service.secretFields ?? []) this.secrets.add(f);
    }
    this.defaultAppliance = list[0].appliance;
  }

  /** Runs every service's start(); once, after the generic cloud is wired. */
  start(ctx: ServiceContext): void {
    for (const served of this.byName.values()) served.hooks = served.service.start?.(ctx) ?? {};
  }

  of(appliance: string): ServedAppliance | undefined { return this.byName.get(appliance); }

  names(): string[] { return [...this.byName.keys()]; }

  routes(): Route[] { return [...this.byName.values()].flatMap((s) => s.hooks.routes ?? []); }

  /** A JSON object payload with its secret fields' values replaced; anything else as it is. */
  redact(text: string): string {
    if (this.secrets.size === 0 || !text.startsWith("{")) return text;
    let v: unknown;
    try { v = JSON.parse(text); } catch { return text; }
    if (typeof v !== "object" || v === null || Array.isArray(v)) return text;
    const o = v as Record<string, unknown>;
    let hit = false;
    for (const k of Object.keys(o)) if (this.secrets.has(k)) { o[k] = REDACTED; hit = true; }
    return hit ? JSON.stringify(o) : text;
  }
}
