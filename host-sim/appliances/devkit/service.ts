// Host side of the devkit service port (firmware/images/devkit/WIRE.md): the devkit's
// requests to its credential store, in the product's words. Used by its scenarios, the
// fault harness and the bench. The frame itself is every image's (clients/service-port.ts).
import { PROVISION, provision, request, utf8 } from "../../clients/service-port.ts";

export { parseAnswer, request, type ServiceAnswer } from "../../clients/service-port.ts";

export const ServiceOp = {
  PROVISION, PUT: 0x02, GET: 0x03, ERASE: 0x04, SET_REGISTRATION: 0x05, VERIFY: 0x06,
  INITIALIZE: 0x07, FACTORY_RESET: 0x08, COUNT_ATTEMPT: 0x09, LIST: 0x0a, TRANSACTION: 0x0d,
} as const;

/** One change of a TRANSACTION request: a put (type, attributes, value) or an erase. */
export type TransactionEntry =
  | { id: number; type: number; attrs?: number; value: Uint8Array }
  | { id: number; erase: true };

export const ValueType = { BYTES: 1, U32: 2, STRING: 3, COUNTER: 4 } as const;
export const Attr = { SECRET: 0x01, PROTECTED: 0x02 } as const;

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

/** Request builders in the product's words. */
export const service = {
  provision,
  put: (id: number, type: number, attrs: number, value: Uint8Array) =>
    request(ServiceOp.PUT, id, cat(Uint8Array.of(type, attrs), value)),
  putString: (id: number, s: string, attrs = 0) => service.put(id, ValueType.STRING, attrs, utf8(s)),
  get: (id: number) => request(ServiceOp.GET, id),
  erase: (id: number) => request(ServiceOp.ERASE, id),
  setRegistration: (deviceId: string, password: string) => {
    const d = utf8(deviceId);
    return request(ServiceOp.SET_REGISTRATION, 0, cat(Uint8Array.of(d.length), d, utf8(password)));
  },
  verify: (password: string) => request(ServiceOp.VERIFY, 0, utf8(password)),
  initialize: () => request(ServiceOp.INITIALIZE),
  factoryReset: () => request(ServiceOp.FACTORY_RESET),
  countAttempt: (id: number) => request(ServiceOp.COUNT_ATTEMPT, id),
  list: () => request(ServiceOp.LIST),
  /** Several changes, all-or-nothing (WIRE.md). */
  transaction: (entries: TransactionEntry[]) =>
    request(ServiceOp.TRANSACTION, 0, cat(...entries.map((e) => {
      const value = "erase" in e ? new Uint8Array(0) : e.value;
      const head = Uint8Array.of(e.id >> 8, e.id & 0xff, "erase" in e ? 0 : e.type, "erase" in e ? 0 : e.attrs ?? 0, value.length >> 8, value.length & 0xff);
      return cat(head, value);
    }))),
};

/** A TRANSACTION entry that stores a string. */
export const putStringEntry = (id: number, s: string, attrs = 0): TransactionEntry => ({ id, type: ValueType.STRING, attrs, value: utf8(s) });
