// A company server (PROTOCOL.md §4): an electricity company or a data-utilization company,
// with its own database, talking to meters only through the head-end's port. It orders
// switches (to itself), abolitions, move-outs, reads and cancels, sends its confirmation
// data, and stores what the head-end hands it: readings once per (meter, rseq), notices
// once per ref, and the meter's replies to its commands.
import { openCompanyDatabase, type CompanyDb } from "./company-schema.ts";
import {
  IMMEDIATE, roleCode, type CompanyDelivery, type CompanyEndpoint, type CompanyNotice, type CompanyRequest,
  type HeadEndPort, type NoticeKind, type ReadingValues, type RoleName, type StoredReading, type Workflow,
  type WorkflowKind, type WorkflowState,
} from "./types.ts";

export interface CompanyConfig {
  /** The company code: the head-end knows the company by it. */
  code: number;
  name: string;
  role: RoleName;
  /** Its confirmation data: the data types it receives (DataType bits). */
  types: number;
  /** Its SQLite file; default ":memory:". */
  dbPath?: string;
  /** The company's clock (ms); default Date.now. */
  now?: () => number;
}

type What = "confirm" | "change" | "cancel" | "read" | "moveout";
interface CommandRow { device: string; cmd: number; meter: string; workflow: number; what: What; status: number | null }
interface WorkflowRow {
  id: number; meter: string; kind: WorkflowKind; state: WorkflowState; at: number | null; change_id: number | null;
  switched: number | null; by: string; created: number; updated: number;
}
const VALUES = ["t", "w", "wh", "d"] as const;
/** The data type each reading field belongs to (TIME, POWER, ENERGY, HISTORY). */
const TYPE_OF: Record<(typeof VALUES)[number], number> = { t: 1, w: 2, wh: 4, d: 8 };

const whatOf = (r: CompanyRequest): What =>
  "confirm" in r ? "confirm" : "change" in r ? "change" : "cancel" in r ? "cancel" : "read" in r ? "read" : "moveout";

/** A workflow's state from its commands' replies: a refusal or a mismatch ends it; a
 *  reported switch completes it; otherwise it is as far as its replies go. */
function stateOf(kind: WorkflowKind, commands: CommandRow[], switched: boolean): WorkflowState {
  if (commands.length === 0) return "unsent";
  if (commands.some((c) => c.status !== null && c.status < 0)) return "refused";
  const confirm = commands.find((c) => c.what === "confirm");
  const change = commands.find((c) => c.what === "change");
  if (confirm?.status === 1) return "mismatch";
  if (switched) return "switched";
  if (change) {
    if (change.status === null) return "ordered";
    if (confirm?.status === 0) return "confirmed";
    return change.status === 0 ? "applied" : "scheduled";
  }
  if (kind === "confirm") return confirm?.status === 0 ? "confirmed" : "ordered";
  return commands.every((c) => c.status === 0) ? "done" : "ordered";
}

export class CompanyServer implements CompanyEndpoint {
  readonly code: number;
  readonly name: string;
  readonly role: RoleName;
  readonly types: number;
  /** The company's own database (tests read it and make it fail). */
  readonly db: CompanyDb;
  private readonly now: () => number;
  private port: HeadEndPort | null = null;
  private readonly q;

  constructor(config: CompanyConfig) {
    if (!Number.isInteger(config.code) || config.code < 1 || config.code > 0xffffffff) throw new Error("company code: 1..2^32-1");
    if (!Number.isInteger(config.types) || config.types < 1 || config.types > 0xf) throw new Error("company types: DataType bits 1..15");
    this.code = config.code;
    this.name = config.name;
    this.role = config.role;
    this.types = config.types;
    this.now = config.now ?? Date.now;
    this.db = openCompanyDatabase(config.dbPath ?? ":memory:");
    this.db.prepare("INSERT OR REPLACE INTO company (code, name, role, types) VALUES (?, ?, ?, ?)").run(this.code, this.name, this.role, this.types);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      putReading: p(`INSERT OR IGNORE INTO readings (meter, rseq, q, t, w, wh, d, ref, received)
                     VALUES (@meter, @rseq, @q, @t, @w, @wh, @d, @ref, @received)`),
      readings: p("SELECT meter, rseq, q, t, w, wh, d, received FROM readings WHERE meter = ? ORDER BY rseq"),
      reading: p("SELECT q, t, w, wh, d FROM readings WHERE meter = ? AND rseq = ?"),
      rseqs: p("SELECT rseq FROM readings WHERE meter = ? ORDER BY rseq"),
      putConflict: p("INSERT OR IGNORE INTO reading_conflicts (ref, meter, rseq, body, received) VALUES (?, ?, ?, ?, ?)"),
      putViolation: p("INSERT OR IGNORE INTO scope_violations (ref, meter, fields, received) VALUES (?, ?, ?, ?)"),
      violations: p("SELECT ref, fields FROM scope_violations WHERE meter = ? ORDER BY received, ref"),
      conflicts: p("SELECT rseq, body FROM reading_conflicts WHERE meter = ? ORDER BY rseq, received"),
      putNotice: p("INSERT OR IGNORE INTO notices (ref, meter, kind, fields, received) VALUES (?, ?, ?, ?, ?)"),
      notices: p("SELECT meter, kind, fields, received FROM notices ORDER BY rowid"),
      putEnd: p("INSERT OR IGNORE INTO scheduled_ends (meter, id, role, at, received) VALUES (?, ?, ?, ?, ?)"),
      ends: p("SELECT id, role, at FROM scheduled_ends WHERE meter = ? ORDER BY at, id"),
      putWorkflow: p("INSERT INTO workflows (meter, kind, state, at, change_id, switched, by, created, updated) VALUES (?, ?, 'ordered', ?, NULL, NULL, ?, ?, ?)"),
      workflow: p("SELECT * FROM workflows WHERE id = ?"),
      workflows: p("SELECT * FROM workflows ORDER BY id"),
      setWorkflow: p("UPDATE workflows SET state = ?, change_id = ?, switched = ?, updated = ? WHERE id = ?"),
      // The workflow a reported switch completes: the newest one of this kind for the
      // meter that the meter accepted, with that change id (or none: applied at once).
      // An immediate change's switch is reported before its reply (the meter applies it
      // while it runs the command), so a workflow still 'ordered' is completed too when
      // it asked for a switch at once or by the time reported.
      switchable: p(`SELECT * FROM workflows WHERE meter = ? AND kind = ? AND switched IS NULL
                     AND (state IN ('applied', 'scheduled', 'confirmed')
                          OR (state = 'ordered' AND change_id IS NULL AND (at = -1 OR at <= ?)))
                     AND (change_id IS NULL OR change_id = ?)
                     ORDER BY id DESC LIMIT 1`),
      putCommand: p("INSERT INTO commands (device, cmd, meter, workflow, what, body, status) VALUES (?, ?, ?, ?, ?, ?, NULL)"),
      command: p("SELECT device, cmd, meter, workflow, what, status FROM commands WHERE device = ? AND cmd = ?"),
      commandsOf: p("SELECT device, cmd, meter, workflow, what, status FROM commands WHERE workflow = ? ORDER BY cmd"),
      reply: p("UPDATE commands SET status = ? WHERE device = ? AND cmd = ? AND status IS NULL"),
      putConfirmation: p("INSERT INTO confirmations (device, cmd, meter, types, sent, status) VALUES (?, ?, ?, ?, ?, NULL)"),
      confirmed: p("UPDATE confirmations SET status = ? WHERE device = ? AND cmd = ?"),
      putRead: p("INSERT OR IGNORE INTO reads (device, cmd, meter, fields, received) VALUES (?, ?, ?, ?, ?)"),
      reads: p("SELECT fields, received FROM reads WHERE meter = ? ORDER BY received, cmd"),
    };
  }

  attach(port: HeadEndPort): void { this.port = port; }

  // ---------------------------------------------------------------- what the head-end hands

  /** Commits `message` in this company's database (once per ref), or throws. */
  receive(message: CompanyDelivery): void {
    this.db.transaction(() => this.apply(message))();
  }

  private apply(m: CompanyDelivery): void {
    const now = this.now();
    switch (m.kind) {
      case "reading": {
        const row: Record<string, number | string | null> = { meter: m.meter, rseq: m.rseq, q: m.q, t: null, w: null, wh: null, d: null, ref: m.ref, received: now };
        for (const k of this.inScope(m)) row[k] = m[k] ?? null;
        if (this.q.putReading.run(row).changes === 1) return;
        const held = this.q.reading.get(m.meter, m.rseq) as Record<string, number | null>;
        if (["q", ...VALUES].some((k) => held[k] !== row[k])) {
          this.q.putConflict.run(m.ref, m.meter, m.rseq, JSON.stringify(m), now);
        }
        return;
      }
      case "ending":
        this.q.putEnd.run(m.meter, m.id, m.role, m.at, now);
        return this.notice(m.ref, m.meter, "ending", { role: m.role, at: m.at, id: m.id });
      case "switched": {
        this.notice(m.ref, m.meter, "switched", { role: m.role, from: m.from, to: m.to, at: m.at, id: m.id });
        const kind: WorkflowKind | null = m.to === this.code ? "switch" : m.from === this.code && m.to === 0 ? "abolish" : null;
        const w = kind ? this.q.switchable.get(m.meter, kind, m.at, m.id) as WorkflowRow | undefined : undefined;
        if (w) this.update(w, { switched: m.at });
        return;
      }
      case "security":
        return this.notice(m.ref, m.meter, "security", { co: m.co, role: m.role });
      case "breaker":
        return this.notice(m.ref, m.meter, "breaker", { bseq: m.bseq, from: m.from, to: m.to, reason: m.reason, t: m.t });
      case "result": {
        const c = this.q.command.get(m.device, m.cmd) as CommandRow | undefined;
        if (!c || this.q.reply.run(m.status, c.device, c.cmd).changes === 0) return; // not ours, or answered before
        if (c.what === "confirm") this.q.confirmed.run(m.status, c.device, c.cmd);
        const w = this.q.workflow.get(c.workflow) as WorkflowRow;
        const changeId = c.what === "change" && m.status >= 1 ? m.status : w.change_id;
        return this.update(w, { changeId });
      }
      case "read": {
        const fields: Record<string, number> = {};
        for (const k of this.inScope(m)) if (m[k] !== undefined) fields[k] = m[k]!;
        if (m.q !== undefined) fields.q = m.q;
        this.q.putRead.run(m.device, m.cmd, m.meter, JSON.stringify(fields), now);
        return;
      }
    }
  }

  /** The reading fields of this company's data types; any other field that came is
   *  recorded as a scope violation and not stored. */
  private inScope(m: ReadingValues & { ref: string; meter: string }): (typeof VALUES)[number][] {
    const outside = VALUES.filter((k) => m[k] !== undefined && (this.types & TYPE_OF[k]) === 0);
    if (outside.length > 0) this.q.putViolation.run(m.ref, m.meter, outside.join(","), this.now());
    return VALUES.filter((k) => (this.types & TYPE_OF[k]) !== 0);
  }

  private notice(ref: string, meter: string, kind: NoticeKind, fields: Record<string, number>): void {
    this.q.putNotice.run(ref, meter, kind, JSON.stringify(fields), this.now());
  }

  private update(w: WorkflowRow, change: { changeId?: number | null; switched?: number }): void {
    const switched = change.switched ?? w.switched;
    const commands = this.q.commandsOf.all(w.id) as CommandRow[];
    const state = stateOf(w.kind, commands, switched !== null);
    this.q.setWorkflow.run(state, change.changeId ?? w.change_id, switched, this.now(), w.id);
  }

  // ---------------------------------------------------------------- the company's actions

  /** Third embodiment (1)-(2): this company takes over its role on `meter` at `at`
   *  (UTC ms, -1 at once): its change record, then its confirmation data (a confirmation
   *  while the change is pending counts). The workflow's id. */
  orderSwitch(meter: string, at: number = IMMEDIATE, by = "company"): number {
    return this.workflow(meter, "switch", at, by, [
      { change: roleCode(this.role), at, to: this.code, types: this.types },
      { confirm: this.types },
    ]);
  }

  /** Fourth embodiment: sends this company's confirmation data (its types; another set
   *  only to show what a mismatch does). */
  confirm(meter: string, types = this.types): number {
    return this.workflow(meter, "confirm", null, "company", [{ confirm: types }]);
  }

  /** Ends this company's role on `meter` at `at` (-1 now): delivery to it stops. */
  abolish(meter: string, at: number = IMMEDIATE): number {
    return this.workflow(meter, "abolish", at, "company", [{ change: roleCode(this.role), at, to: 0, types: 0 }]);
  }

  /** The contract company ends the resident's supply: the breaker opens for a new one. */
  moveOut(meter: string): number {
    return this.workflow(meter, "moveout", null, "company", [{ moveout: 1 }]);
  }

  /** An on-demand reading (the meter answers with the types in this company's scope). */
  read(meter: string, types = this.types): number {
    return this.workflow(meter, "read", null, "company", [{ read: types }]);
  }

  /** Drops the meter's pending change `changeId` (one this company ordered or that
   *  switches to it). */
  cancel(meter: string, changeId: number): number {
    return this.workflow(meter, "cancel", null, "company", [{ cancel: changeId }]);
  }

  /** A workflow row and its commands, relayed in order; "unsent" when the head-end has no
   *  current registration of the meter. */
  private workflow(meter: string, kind: WorkflowKind, at: number | null, by: string, requests: CompanyRequest[]): number {
    const port = this.port;
    if (!port) throw new Error(`${this.name}: not attached to a head-end`);
    return this.db.transaction((): number => {
      const now = this.now();
      const id = Number(this.q.putWorkflow.run(meter, kind, at, by, now, now).lastInsertRowid);
      for (const r of requests) {
        const ref = port.send(meter, r);
        if (!ref) break;
        this.q.putCommand.run(ref.device, ref.cmd, meter, id, whatOf(r), JSON.stringify(r));
        if ("confirm" in r) this.q.putConfirmation.run(ref.device, ref.cmd, meter, r.confirm, now);
      }
      this.update(this.q.workflow.get(id) as WorkflowRow, {});
      return id;
    })();
  }

  // ---------------------------------------------------------------- queries

  readings(meter: string): StoredReading[] {
    return (this.q.readings.all(meter) as (StoredReading & Record<string, number | null>)[]).map((r) => {
      const out: StoredReading = { meter: r.meter, rseq: r.rseq, q: r.q, received: r.received };
      for (const k of VALUES) if (r[k] !== null) out[k] = r[k] as number;
      return out;
    });
  }

  /** The rseqs below the highest received that never came. A meter hands a company's
   *  readings in rseq order, from 1, never reusing one (also across a company's return),
   *  so each is a reading lost on the way (e.g. out of the meter's ring before the link
   *  came back: the meter counts those too). */
  missing(meter: string): number[] {
    const have = (this.q.rseqs.all(meter) as { rseq: number }[]).map((r) => r.rseq);
    const out: number[] = [];
    let next = 1;
    for (const r of have) { for (; next < r; next++) out.push(next); next = r + 1; }
    return out;
  }

  /** Readings that came again under a stored rseq with other content (the first stands). */
  conflicts(meter: string): { rseq: number; body: string }[] {
    return this.q.conflicts.all(meter) as { rseq: number; body: string }[];
  }

  /** Fields outside this company's data types that reached it (none, when every meter
   *  keeps to the scopes): where they came from and their names. */
  scopeViolations(meter: string): { ref: string; fields: string }[] {
    return this.q.violations.all(meter) as { ref: string; fields: string }[];
  }

  notices(meter?: string): CompanyNotice[] {
    return (this.q.notices.all() as { meter: string; kind: NoticeKind; fields: string; received: number }[])
      .filter((n) => meter === undefined || n.meter === meter)
      .map((n) => ({ meter: n.meter, kind: n.kind, fields: JSON.parse(n.fields) as Record<string, number>, received: n.received }));
  }

  workflows(meter?: string): Workflow[] {
    return (this.q.workflows.all() as WorkflowRow[])
      .filter((w) => meter === undefined || w.meter === meter)
      .map((w) => ({ id: w.id, meter: w.meter, kind: w.kind, state: w.state, at: w.at, changeId: w.change_id, by: w.by, created: w.created, updated: w.updated }));
  }

  /** This company's scheduled ends on `meter` (S802). */
  scheduledEnds(meter: string): { id: number; role: number; at: number }[] {
    return this.q.ends.all(meter) as { id: number; role: number; at: number }[];
  }

  /** Answers to this company's reads, oldest first. */
  reads(meter: string): (ReadingValues & { q?: number; received: number })[] {
    return (this.q.reads.all(meter) as { fields: string; received: number }[]).map((r) => ({ ...JSON.parse(r.fields), received: r.received }));
  }

  close(): void { this.db.close(); }
}
