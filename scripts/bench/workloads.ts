// The event workload the bench runs on each image: a few setup events (not measured on
// their own: they are the same in the N and the 2N run) and then one event per index.
// Table-driven by image name; an image without an entry gets the default (BUTTON 0).
import { service } from "../../host-sim/appliances/devkit/service.ts";
import { EventKind, LinkId, type BoardEvent, type MeterSample } from "../../host-sim/device/types.ts";

export interface Workload {
  /** One line for the report. */
  describe: string;
  setup: BoardEvent[];
  event(i: number): BoardEvent;
  /** Board time between events (default 100 ms). The bench delivers no TIMER events, so
   *  a workload keeps its run inside its image's shortest deadline. */
  stepMs?: number;
  /** UTC wall time of the first call (default: none, wallMs -1); it follows board time. */
  wallStartMs?: number;
  /** The measurement input's sample at every call (ABI v1.3 `measure`; default none). */
  load?: MeterSample;
}

const service0 = (frame: Uint8Array): BoardEvent => ({ kind: EventKind.LINK, arg: LinkId.SERVICE, payload: frame });

const DEVKIT_PASSWORD = "bench-Pw-7c1e93";

/** Credential-store traffic on the service port: PUT of a rotating user record, GET of it,
 *  VERIFY of the registered password (which counts and resets a persistent attempt
 *  counter), in turn. PUT and VERIFY write flash, so page collection is part of the cost. */
const devkit: Workload = {
  describe: "service port: PUT / GET / VERIFY in turn (after PROVISION + SET_REGISTRATION)",
  setup: [
    service0(service.provision("SN-BENCH-0001")),
    service0(service.setRegistration("3e0c9a51-7d24-4b6f-a8e2-05f1c4d7b9a3", DEVKIT_PASSWORD)),
  ],
  event(i) {
    const id = 0x0350 + ((i / 3) | 0) % 4;
    switch (i % 3) {
      case 0: return service0(service.putString(id, `setting ${i}: bath 4${i % 10}C, eco ${i % 2 ? "on" : "off"}`));
      case 1: return service0(service.get(id));
      default: return service0(service.verify(DEVKIT_PASSWORD));
    }
  },
};

/** The published known-answer vectors (SHA-256, HMAC, AES-GCM) over and over. */
const boardConformance: Workload = {
  describe: "command 0x01 (crypto known-answer vectors) on the service port",
  setup: [],
  event: () => service0(Uint8Array.of(0x01)),
};

/** A phone tapping the printer (seed 001 S19-S21): the NFC reader reads the tag (an empty
 *  LINK NFC frame) and the printer judges its state and answers with its NDEF message. On
 *  blank flash that is the set-up answer (Wi-Fi Direct group credentials, PWT, the
 *  management app's id); the group starts at the first tap and stays up, so every
 *  measured tap is the same work. */
const printer: Workload = {
  describe: "NFC tap (empty LINK NFC frame) every 10 ms: state judgement and the set-up answer (P2P carrier + PWT + app id)",
  // 10 ms: the longest run (about 41,000 taps) stays inside the PWT's hour, whose
  // rotation is a TIMER event the bench would not deliver.
  stepMs: 10,
  setup: [{ kind: EventKind.LINK, arg: LinkId.NFC, payload: new Uint8Array(0) }],
  event: () => ({ kind: EventKind.LINK, arg: LinkId.NFC, payload: new Uint8Array(0) }),
};

/** The home's HEMS asking the meter (ECHONET Lite over UDP 3610, seed 003's LAN side): a
 *  Get of E7, E0, EA, E2, E5 and 9F in one frame, answered by one Get_Res; on a meter
 *  provisioned and installed (its readings, with their hand-off and acknowledgement, are
 *  timer work: the meter part of the bench, scripts/bench/meter.ts, measures those). */
/** INSTALL (0x20) on the service port: meter code, device id, password, each length-prefixed. */
function meterInstall(...fields: string[]): Uint8Array {
  const data = fields.flatMap((f) => [f.length, ...Buffer.from(f)]);
  return Uint8Array.of(0x20, 0, 0, data.length >> 8, data.length & 0xff, ...data);
}
const meterGet = Buffer.from("1081000105FF010288016206E700E000EA00E200E5009F00", "hex");
const meter: Workload = {
  describe: "HEMS Get of E7 E0 EA E2 E5 9F (ECHONET Lite over UDP 3610) on an installed meter",
  setup: [
    service0(service.provision("SM-BENCH-0001")),
    service0(meterInstall("JP-BENCH-001", "meter-bench1", "meter-bench-pw-0123")),
  ],
  // Wall time and a load, so that the meter answers with values (E7 from the measure input).
  wallStartMs: Date.UTC(2026, 8, 22, 0, 7),
  load: { status: 0, powerW: 500, energyWh: 1_000_000 },
  event: () => ({ kind: EventKind.UDP, arg: 0xc0a80114 | 0, payload: Uint8Array.of(3610 >> 8, 3610 & 0xff, ...meterGet) }),
};

const defaultWorkload: Workload = {
  describe: "BUTTON event, arg 0",
  setup: [],
  event: () => ({ kind: EventKind.BUTTON, arg: 0 }),
};

export const WORKLOADS: Record<string, Workload> = {
  devkit,
  "board-conformance": boardConformance,
  printer,
  meter,
};

export function workloadFor(image: string): Workload {
  return WORKLOADS[image] ?? defaultWorkload;
}

/** The devkit update stream for the wear figure: PUTs rotating over eight user records. */
export function credentialUpdate(i: number): BoardEvent {
  return service0(service.putString(0x0360 + (i % 8), `update ${i} `.padEnd(48, "x")));
}
