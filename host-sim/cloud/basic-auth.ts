// HTTP Basic credentials from an Authorization header. The decoded password is handed to
// the verifier and dropped; nothing here logs or stores it.

export interface BasicCredentials { user: string; password: string }

export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (!header) return null;
  const m = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!m) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  // RFC 7617: the user id cannot contain a colon; the password may.
  if (colon <= 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
