// The booking service's HTTPS client (what the booking app and the owner's tool use).
// Failures throw BookingError with the HTTP status.
import { request } from "node:https";
import type { BookRequest, BookResponse, BookingsResponse, ListLockResponse, LocksResponse, NewUserResponse } from "./types.ts";

export class BookingError extends Error {
  constructor(readonly status: number, message: string) { super(`booking service ${status}: ${message}`); }
}

export interface BookingSession { user: string; token: string }

export class BookingClient {
  private constructor(private readonly url: string, private readonly ca: string, readonly user: string, private readonly token: string) {}

  /** A user who signed up earlier (the app kept its user and token). */
  static resume(url: string, ca: string, session: BookingSession): BookingClient {
    return new BookingClient(url, ca, session.user, session.token);
  }

  /** What an app keeps to resume: its user and bearer token (a credential). */
  get session(): BookingSession { return { user: this.user, token: this.token }; }

  /** A new user of the service. */
  static async signUp(url: string, ca: string): Promise<BookingClient> {
    const r = await send<NewUserResponse>(url, ca, "POST", "/users", undefined, {});
    return new BookingClient(url, ca, r.user, r.token);
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return send<T>(this.url, this.ca, method, path, body, { authorization: `Bearer ${this.token}` });
  }
  listLock(lockRef: string, name: string): Promise<ListLockResponse> { return this.call("POST", "/locks", { lockRef, name }); }
  locks(): Promise<LocksResponse> { return this.call("GET", "/locks"); }
  book(req: BookRequest): Promise<BookResponse> { return this.call("POST", "/bookings", req); }
  cancel(booking: string): Promise<unknown> { return this.call("DELETE", `/bookings/${encodeURIComponent(booking)}`); }
  bookings(): Promise<BookingsResponse> { return this.call("GET", "/bookings"); }
}

function send<T>(base: string, ca: string, method: string, path: string, body: unknown, headers: Record<string, string>): Promise<T> {
  const text = body === undefined ? "" : JSON.stringify(body);
  return new Promise<T>((resolve, reject) => {
    const req = request(new URL(path, base), {
      method, ca, headers: { ...headers, ...(text ? { "content-type": "application/json", "content-length": Buffer.byteLength(text) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        let json: unknown;
        try { json = raw ? JSON.parse(raw) : undefined; } catch { json = raw; }
        if (status >= 200 && status < 300) resolve(json as T);
        else reject(new BookingError(status, typeof json === "object" && json && "error" in json ? String((json as { error: unknown }).error) : raw));
      });
    });
    req.on("error", reject);
    req.end(text);
  });
}
