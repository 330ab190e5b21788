// Host side of the devkit service port (firmware/images/devkit/WIRE.md): builds request
// frames and reads answers. Used by scenarios, the fault harness and the bench.

export const ServiceOp = {
  PROVISION: 0x01, PUT: 0x02, GET: 0x03, ERASE: 0x04, SET_REGISTRATION: 0x05, VERIFY: 0x06,
  INITIALIZE: 0x07, FACTORY_RESET: 0x08, COUNT_ATTEMPT: 0x09, LIST: 0x0a, TRANSACTION: 0x0b,
} as const;

/** One change of a TRANSACTION request: a put (type, attributes, value) or an erase. */
export type TransactionEntry =
  | { id: number; type: number; attrs?: number; value: Uint8Array }
  | { id: number; erase: true };

export const ValueType = { BYTES: 1, U32: 2, STRING: 3, COUNTER: 4 } as const;
export const Attr = { SECRET: 0x01, PROTECTED: 0x02 } as const;

export interface ServiceAnswer {
  op: number;
  status: number;
  data: Uint8Array;
}

export function request(op: number, id = 0, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const f = new Uint8Array(5 + data.length);
  f[0] = op;
  f[1] = id >> 8; f[2] = id & 0xff;
  f[3] = data.length >> 8; f[4] = data.length & 0xff;
  f.set(data, 5);
  return f;
}

export function parseAnswer(f: Uint8Array): ServiceAnswer | null {
  if (f.length < 5 || (f[0] & 0x80) === 0 || ((f[3] << 8) | f[4]) !== f.length - 5) return null;
  return { op: f[0] & 0x7f, status: (f[1] << 24) >> 24, data: f.subarray(5) };
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};

/** Request builders in the product's words. */
export const service = {
  provision: (serial: string) => request(ServiceOp.PROVISION, 0, utf8(serial)),
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
