// Host side of the wired service port every image shares (firmware/modules/service-port,
// frame layout in firmware/images/devkit/WIRE.md): building request frames, reading
// answers, and the factory's PROVISION request, which every appliance takes. An
// appliance's own requests are in its folder (host-sim/appliances/devkit/service.ts).

/** The one request every image answers: the factory writes the device's serial. */
export const PROVISION = 0x01;

export interface ServiceAnswer {
  op: number;
  status: number;
  data: Uint8Array;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

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

/** The factory's step: the serial its certificate's CN names. */
export const provision = (serial: string): Uint8Array => request(PROVISION, 0, utf8(serial));
