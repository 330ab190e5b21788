// The home's web page (`npm start`): a node http server on 127.0.0.1 that serves the page
// (its TypeScript bundled once at start with esbuild, uPlot from node_modules) and a
// WebSocket over which every feed pushes what changed in the home. Actions from the page
// go to the feed that owns them; a console line runs as the terminal runs it.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { WebSocketServer, WebSocket } from "ws";
import type { Home } from "../home/world.ts";
import { runCommand } from "../home/commands.ts";
import type { ClientMessage, Feed, Reply, ServerMessage } from "./messages.ts";
import { FEEDS } from "./feeds/index.ts";
import { changesOf } from "./feeds/changes.ts";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export interface WebServerOptions {
  /** 0: any free port. A taken port is said in one line and a free one taken instead. */
  port: number;
  /** Where the one-line notes go (the terminal). */
  say?: (line: string) => void;
}

export interface WebServer { url: string; port: number; close(): Promise<void> }

/** The page's files, made once: the bundle of page/main.ts and the static files. */
async function pageFiles(): Promise<Map<string, { type: string; body: string | Buffer }>> {
  const bundle = await build({
    entryPoints: [join(here, "page", "main.ts")], bundle: true, write: false, format: "esm",
    platform: "browser", target: "es2022", sourcemap: "inline", logLevel: "silent",
  });
  const uplotDir = dirname(require.resolve("uplot/package.json"));
  return new Map([
    ["/", { type: "text/html; charset=utf-8", body: readFileSync(join(here, "page", "index.html")) }],
    ["/style.css", { type: "text/css; charset=utf-8", body: readFileSync(join(here, "page", "style.css")) }],
    ["/main.js", { type: "text/javascript; charset=utf-8", body: bundle.outputFiles[0].text }],
    ["/uplot.css", { type: "text/css; charset=utf-8", body: readFileSync(join(uplotDir, "dist", "uPlot.min.css")) }],
  ]);
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => { server.off("listening", onListening); reject(e); };
    const onListening = () => { server.off("error", onError); resolve((server.address() as { port: number }).port); };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, "127.0.0.1");
  });
}

export async function startWebServer(home: Home, o: WebServerOptions): Promise<WebServer> {
  const files = await pageFiles();
  // Only this machine's own page: a request naming another host (DNS rebinding) or a
  // WebSocket opened by another site's page (its Origin) would drive the home.
  let port = 0;
  const ownHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const fromHere = (req: IncomingMessage) => ownHosts().includes(req.headers.host ?? "");
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (!fromHere(req)) { res.writeHead(421, { "content-type": "text/plain" }).end("this page answers only at 127.0.0.1 or localhost"); return; }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/favicon.ico") { res.writeHead(204).end(); return; }
    const f = files.get(path);
    if (!f || req.method !== "GET") { res.writeHead(404, { "content-type": "text/plain" }).end("not found"); return; }
    res.writeHead(200, { "content-type": f.type, "cache-control": "no-store" }).end(f.body);
  });
  try { port = await listen(server, o.port); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    port = await listen(server, 0);
    o.say?.(`port ${o.port} is taken: the page is on port ${port} instead`);
  }

  const wss = new WebSocketServer({
    server, path: "/ws",
    // An action is a line of a few words: nothing larger is read.
    maxPayload: 64 * 1024,
    verifyClient: ({ req, origin }: { req: IncomingMessage; origin: string }) => fromHere(req) && ownHosts().some((h) => origin === `http://${h}`),
  });
  const feeds: Feed[] = FEEDS.map((make) => make(home));
  const push = (m: ServerMessage) => {
    const text = JSON.stringify(m);
    for (const c of wss.clients) if (c.readyState === WebSocket.OPEN) c.send(text);
  };
  for (const f of feeds) f.attach(push);

  const answer = async (m: ClientMessage): Promise<Reply> => {
    if (m.t === "command") return { text: await runCommand(home, m.line) };
    for (const f of feeds) {
      const r = await f.handle?.(m);
      if (r) return r;
    }
    return { text: `nothing in this home answers "${m.t}"`, error: true };
  };

  wss.on("connection", (ws) => {
    for (const f of feeds) for (const m of f.initial()) ws.send(JSON.stringify(m));
    ws.on("message", async (data) => {
      let m: ClientMessage;
      try { m = JSON.parse(String(data)) as ClientMessage; } catch { return; }
      if (typeof m !== "object" || m === null || typeof m.id !== "number") return;
      let r: Reply;
      try { r = await answer(m); } catch (e) { r = { text: (e as Error).message, error: true }; }
      // What an action changed may show nowhere else (a phone leaving home).
      changesOf(home).nudge();
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ t: "reply", id: m.id, ...r } satisfies ServerMessage));
    });
  });

  return {
    url: `http://127.0.0.1:${port}/`, port,
    async close() {
      for (const f of feeds) f.close?.();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
