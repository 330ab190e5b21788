// The power conditioner's part of the cloud (firmware/images/power-conditioner/PROTOCOL.md
// §4, §7): the relay as a CloudService for appliance "power-conditioner", the contract
// partners' servers and the credential operator it relays for, and the message outbox
// their credentials go to. Start a cloud serving it beside others:
//   const pcs = createPcsCloud();                 // the seeded partners and operator
//   startCloud({ services: [waterHeaterCloud, pcs.service], ... });
//   pcs.partner(SUNLEASE_PPS)!.readings("PC-0001");  pcs.messages.inbox("alice@example.com");
import type { CloudService, ServiceContext, ServiceHooks } from "../../../cloud/index.ts";
import { MessageOutbox } from "./messages.ts";
import { CredentialOperator } from "./operator.ts";
import { PartnerServer } from "./partner.ts";
import { pcsRoutes } from "./routes.ts";
import { Relay, type Undeliverable } from "./relay.ts";
import { HIKARI_ENERGY, PCS_APPLIANCE, PCS_OPERATOR, SUNLEASE_PPS, type Contact } from "./types.ts";

export * from "./types.ts";
export * from "./auth-info.ts";
export * from "./keys.ts";
export { macFields, readingMac, readingMacInput, readingMacValid, type MacFields } from "./reading-mac.ts";
export { PartnerServer, type PartnerConfig } from "./partner.ts";
export { CredentialOperator, type OperatorConfig } from "./operator.ts";
export { MessageOutbox, isAddress } from "./messages.ts";
export { codeHex, type IssuerConfig, type AuthAsk } from "./issuer.ts";
export type { Undeliverable } from "./relay.ts";

/** PROTOCOL.md's seeded partners and operator. */
export const SEEDED_PARTNERS: readonly { code: number; name: string }[] = [
  { code: SUNLEASE_PPS, name: "Sunlease PPS" },
  { code: HIKARI_ENERGY, name: "Hikari Energy" },
];
export const SEEDED_OPERATOR = { code: PCS_OPERATOR, name: "PCS Service Operator" } as const;
/** The operator's workers (their mailbox is the cloud user "worker"). */
export const DEFAULT_WORKERS: readonly Contact[] = [{ to: "worker@pcs-service.example", user: "worker" }];
/** The factory line's cloud account. */
export const FACTORY_USER = "factory";
/** The partners' installers' cloud account. */
export const INSTALLER_USER = "pcs-installer";

export interface PcsCloudOptions {
  /** Each server on its own file under this folder (partner-d101.db, operator-e001.db,
   *  messages.db); default every one in memory. */
  dataDir?: string;
  /** The servers' and the message outbox's clock; default Date.now. */
  now?: () => number;
  workers?: Contact[];
  factoryUsers?: string[];
  /** Every partner's installers (cloud users); default [INSTALLER_USER]. */
  installers?: string[];
}

/** The relay's view of its PCSs, once the cloud has started. */
export interface PcsRelayView {
  /** The partner in effect for the PCS of registration `deviceId` (0: none). */
  partnerOf(deviceId: string): number;
  /** Entries for servers the relay does not know, kept and acknowledged. */
  undeliverable(): Undeliverable[];
}

export interface PcsCloud {
  service: CloudService;
  partners: readonly PartnerServer[];
  partner(code: number): PartnerServer | undefined;
  operator: CredentialOperator;
  /** The e-mail and SMS sent (the home's view shows it). */
  messages: MessageOutbox;
  /** Throws before the cloud started the service. */
  relay(): PcsRelayView;
  /** Closes the servers' and the outbox's databases (after the cloud stopped). */
  close(): void;
}

export function createPcsCloud(options: PcsCloudOptions = {}): PcsCloud {
  const file = (name: string) => (options.dataDir ? `${options.dataDir}/${name}.db` : ":memory:");
  const now = options.now;
  const messages = new MessageOutbox(file("messages"), now);
  const installers = options.installers ?? [INSTALLER_USER];
  const partners = SEEDED_PARTNERS.map((p) => new PartnerServer({ ...p, messages, now, installers, dbPath: file(`partner-${p.code.toString(16)}`) }));
  const operator = new CredentialOperator({
    ...SEEDED_OPERATOR, messages, now, dbPath: file(`operator-${SEEDED_OPERATOR.code.toString(16)}`),
    workers: options.workers ?? [...DEFAULT_WORKERS], factoryUsers: options.factoryUsers ?? [FACTORY_USER],
  });
  let relay: Relay | null = null;
  let ctx: ServiceContext | null = null;

  function start(c: ServiceContext): ServiceHooks {
    const r = new Relay(c.db, c, partners, operator);
    relay = r; ctx = c;
    // The workers' mailboxes are theirs from the start.
    for (const w of operator.workers) messages.claim(w.to, w.user);
    return {
      history: r.history,
      onReply: (reg, cmd, status) => r.onReply(reg, cmd, status),
      routes: pcsRoutes({ relay: r, partners, operator, messages, ctx: c }),
    };
  }

  return {
    service: {
      appliance: PCS_APPLIANCE,
      // Issuers reach a PCS only through their servers (POST /api/pcs/<serial>/auth-requests),
      // never through POST /api/devices/<id>/commands: no checkCommand.
      // The authentication information carries a salt and a verifier: whoever holds both
      // can try credentials offline, so it stays out of the event log and is blanked in
      // the stored command once the PCS replied.
      secretFields: ["auth"],
      start,
    },
    partners,
    partner: (code) => partners.find((p) => p.code === code),
    operator,
    messages,
    relay() {
      if (!relay || !ctx) throw new Error("pcs relay: the cloud has not started it");
      const r = relay, c = ctx;
      return {
        partnerOf: (deviceId) => { const reg = c.registration(deviceId); return reg ? r.partnerOf(reg) : 0; },
        undeliverable: () => r.undeliverable(),
      };
    },
    close() {
      for (const p of partners) p.close();
      operator.close();
      messages.close();
    },
  };
}
export { PcsCloudClient } from "./client.ts";
