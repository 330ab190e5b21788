// The phone's requests in an opened local session (PROTOCOL.md §3): set-up (router,
// PT, registration), the management app's calls (status, SVWT, charge, PT deletion) and
// the print app's print order. Each is authenticated by the token the table gives; a
// refusal goes through the session (ERROR, counted) and changes nothing.
import { Link } from "../../board/index";
import { OK, E_MALFORMED, E_NOTFOUND, E_STATE, E_UNSUPPORTED } from "../../core/errors";
import { putU32BE, getU16BE, slice, wipe } from "../../core/codecs/bytes";
import { FieldReader, statusByte, withString } from "../../core/codecs/fields";
import { decodeHandover, AuthType } from "../../modules/handover/index";
import { validDeviceId } from "../../modules/cloud-link/index";
import { PT_LEN, PWT_LEN, CLOUD_MAX, CLOUD_MIN } from "../../modules/tokens/index";
import { LocalSession, Msg, SessionHandler } from "./session";
import { Printer } from "./printer";

const MAX_PRINT: u32 = 500;
const MAX_DEVICE_ID: i32 = 64;
const MIN_PASSWORD: i32 = 16, MAX_PASSWORD: i32 = 64;

/** HELLO_REPLY's state byte. */
export namespace SetUp {
  export const UNCONFIGURED: u8 = 0;
  export const ON_ROUTER: u8 = 1;
  export const REGISTERED: u8 = 2;
}

export class Requests extends SessionHandler {
  constructor(private p: Printer) { super(); }

  helloReply(): Uint8Array {
    const state = new Uint8Array(1);
    state[0] = this.p.tokens.hasSt() ? SetUp.REGISTERED : this.p.wifi.configured ? SetUp.ON_ROUTER : SetUp.UNCONFIGURED;
    const serial = this.p.store.serial();
    return withString(state, serial === null ? "" : serial);
  }

  request(s: LocalSession, type: u8, body: Uint8Array): i32 {
    const wfd = s.link == Link.WIFI_DIRECT;
    if (type == Msg.ROUTER) return wfd ? this.router(s, body) : s.refuse(E_UNSUPPORTED);
    if (type == Msg.PRINT) return wfd ? this.print(s, body) : s.refuse(E_UNSUPPORTED);
    if (type == Msg.REGISTER) return wfd ? s.refuse(E_UNSUPPORTED) : this.register(s, body);
    if (type == Msg.PT_REQUEST) return this.ptRequest(s, body);
    if (type == Msg.PT_DELETE || type == Msg.STATUS || type == Msg.SVWT_GET) {
      if (body.length != PT_LEN) return s.refuse(E_MALFORMED);
      // S39-S41: deleting checks the PT and its phone as any use does.
      const rc = type == Msg.PT_DELETE ? this.p.tokens.deletePt(body, s.phoneId) : this.p.tokens.checkPt(body, s.phoneId);
      if (rc != OK) return s.refuse(rc);
      if (type == Msg.PT_DELETE) return this.answer(s, Msg.REPLY, OK);
      return type == Msg.STATUS ? this.status(s) : this.svwt(s);
    }
    if (type == Msg.CHARGE) return this.charge(s, body);
    return s.refuse(E_MALFORMED);
  }

  /** S27: the router's WSC credential as NDEF; the result comes when the radio answers. */
  private router(s: LocalSession, body: Uint8Array): i32 {
    const h = decodeHandover(body);
    if (h.error != OK) return s.refuse(h.error);
    const c = h.wifi;
    if (c === null || h.wifiDirect !== null || h.ble !== null) return s.refuse(E_MALFORMED);
    if (c.authType != AuthType.WPA2_PSK && c.authType != AuthType.WPA_WPA2_PSK) { wipe(c.networkKey); return s.refuse(E_UNSUPPORTED); }
    // A registered printer on its router is set up: a new router needs an initialization.
    if (this.p.tokens.hasSt() && this.p.wifi.joined) { wipe(c.networkKey); return s.refuse(E_STATE); }
    const rc = this.p.wifi.join(c.ssid, c.networkKey);
    wipe(c.networkKey);
    if (rc != OK) return this.answer(s, Msg.ROUTER_RESULT, rc);   // busy (E_STATE), or lengths the radio refused
    this.p.render();
    return OK;
  }

  /** S31-S35: the PWT read by touch, for a PT bound to this phone. */
  private ptRequest(s: LocalSession, body: Uint8Array): i32 {
    if (body.length != PWT_LEN) return s.refuse(E_MALFORMED);
    const out = new Uint8Array(1 + PT_LEN);
    const rc = this.p.tokens.issuePt(body, s.phoneId, out.subarray(1));
    if (rc < 0) return s.refuse(rc);
    out[0] = 0;
    s.reply(Msg.PT, out);
    wipe(out);
    return OK;
  }

  /** S53: the cloud's device id and password for this printer, with the PT. */
  private register(s: LocalSession, body: Uint8Array): i32 {
    const r = new FieldReader(body, 0);
    const pt = r.bytes(PT_LEN);
    const id = r.str(MAX_DEVICE_ID);
    const n = r.i < body.length ? <i32>body[r.i++] : -1;
    const password = r.bytes(n < MIN_PASSWORD || n > MAX_PASSWORD ? -1 : n);
    const rc = r.done && validDeviceId(id) ? this.p.tokens.checkPt(pt, s.phoneId) : E_MALFORMED;
    wipe(pt);
    if (rc != OK) { wipe(password); return s.refuse(rc); }
    const status = this.p.register(id, password);
    wipe(password);
    return this.answer(s, Msg.REPLY, status);
  }

  /** S63-S65: registered, pages, ink, whether a SVWT is held. */
  private status(s: LocalSession): i32 {
    const b = new Uint8Array(8);
    b[0] = 0;
    b[1] = this.p.tokens.hasSt() ? 1 : 0;
    putU32BE(b, 2, this.p.pages.balance);
    b[6] = <u8>this.p.ink.level;
    b[7] = this.p.hasSvwt() ? 1 : 0;
    s.reply(Msg.STATUS_REPLY, b);
    return OK;
  }

  /** S67-S75: the SVWT, or E_NOTFOUND while none is held (the printer asks the cloud). */
  private svwt(s: LocalSession): i32 {
    const buf = new Uint8Array(1 + CLOUD_MAX);
    const n = this.p.tokens.presentSvwt(buf.subarray(1));
    if (n <= 0) {
      this.p.fetchSvwt();
      return this.answer(s, Msg.SVWT, E_NOTFOUND);
    }
    buf[0] = 0;
    s.reply(Msg.SVWT, buf.subarray(0, 1 + n));
    wipe(buf);
    return OK;
  }

  /** S99-S101: a CWT from the phone, stored and presented to the cloud once. */
  private charge(s: LocalSession, body: Uint8Array): i32 {
    const r = new FieldReader(body, 0);
    const pt = r.bytes(PT_LEN);
    const n = r.i < body.length ? <i32>body[r.i++] : -1;
    const cwt = r.bytes(n < CLOUD_MIN || n > CLOUD_MAX ? -1 : n);
    const rc = r.done ? this.p.tokens.checkPt(pt, s.phoneId) : E_MALFORMED;
    wipe(pt);
    if (rc != OK) { wipe(cwt); return s.refuse(rc); }
    const status = this.p.redeem(cwt);
    wipe(cwt);
    return this.answer(s, Msg.CHARGE_ACK, status);
  }

  /** FIG. 8, S121-S125: a print order with the PWT read by touch. */
  private print(s: LocalSession, body: Uint8Array): i32 {
    if (body.length != PWT_LEN + 2) return s.refuse(E_MALFORMED);
    const pages = getU16BE(body, PWT_LEN);
    if (pages < 1 || pages > MAX_PRINT) return s.refuse(E_MALFORMED);
    const pwt = slice(body, 0, PWT_LEN);
    const rc = this.p.tokens.usePwt(pwt);
    wipe(pwt);
    if (rc != OK) return s.refuse(rc);
    const status = this.p.print(pages);
    const b = new Uint8Array(5);
    b[0] = <u8>status;
    putU32BE(b, 1, this.p.pages.balance);
    s.reply(Msg.PRINTED, b);
    return OK;
  }

  private answer(s: LocalSession, type: u8, status: i32): i32 {
    s.reply(type, statusByte(status));
    return OK;
  }
}
