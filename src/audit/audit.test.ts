import { describe, expect, it } from "vitest";
import { listAuditEvents, recordAudit } from "@/audit/audit";
import { SYSTEM } from "@/auth/actor";
import { pool } from "@/db/pool";
import { setUpTestDatabase } from "../../test/database";

setUpTestDatabase();

describe("audit log", () => {
  it("records who did what to what", async () => {
    await recordAudit(SYSTEM, "test.touch", { type: "thing", id: "t-1" }, { why: "because" });
    const { events } = await listAuditEvents({ limit: 10 });
    expect(events[0]).toMatchObject({
      actor: "system",
      actorId: null,
      action: "test.touch",
      targetType: "thing",
      targetId: "t-1",
      details: { why: "because" },
    });
  });

  it("refuses to change an event once written", async () => {
    await recordAudit(SYSTEM, "test.immutable", { type: "thing", id: "t-2" });
    await expect(
      pool().query("UPDATE app.audit_events SET action = 'test.rewritten' WHERE action = 'test.immutable'"),
    ).rejects.toThrow(/append-only/);
    const { rows } = await pool().query("SELECT 1 FROM app.audit_events WHERE action = 'test.immutable'");
    expect(rows).toHaveLength(1);
  });

  it("refuses to delete an event", async () => {
    await recordAudit(SYSTEM, "test.undeletable", null);
    await expect(
      pool().query("DELETE FROM app.audit_events WHERE action = 'test.undeletable'"),
    ).rejects.toThrow(/append-only/);
    const { rows } = await pool().query("SELECT 1 FROM app.audit_events WHERE action = 'test.undeletable'");
    expect(rows).toHaveLength(1);
  });
});
