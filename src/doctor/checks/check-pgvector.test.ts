/** What `doctor` says of pgvector, for each state of the server and each ALAMBIQUE_PG_VECTOR. */
import { describe, expect, it } from "vitest";
import { checkPgvector } from "./check-pgvector.js";

describe("doctor: pgvector", () => {
  it("installed: used, through HNSW per dimension", () => {
    const result = checkPgvector({ installed: "0.8.0", available: "0.8.0" }, undefined);
    expect(result.status).toBe("ok");
    expect(result.detail).toMatch(/^installed \(0\.8\.0\), used: one HNSW index per embedding dimension/);
  });

  it("installable: created by the next start, naming the right it needs", () => {
    const result = checkPgvector({ installed: null, available: "0.7.4" }, "auto");
    expect(result.detail).toMatch(/^available \(0\.7\.4\), created by the next start/);
    expect(result.detail).toContain("CREATE EXTENSION");
  });

  it("absent: the fallback, with its cost and how to install it", () => {
    const result = checkPgvector({ installed: null, available: null }, undefined);
    expect(result.status).toBe("ok");
    expect(result.detail).toMatch(
      /^not installed \(the fallback\): .*0\.3 s a query at 100k chunks.*postgresql-15-pgvector/,
    );
  });

  it("turned off, too old, or a setting it does not know", () => {
    expect(checkPgvector({ installed: "0.8.0", available: "0.8.0" }, "off").detail).toMatch(
      /not used \(ALAMBIQUE_PG_VECTOR=off\)/,
    );
    const old = checkPgvector({ installed: "0.4.4", available: "0.4.4" }, undefined);
    expect(old).toMatchObject({ status: "warn" });
    expect(old.fix).toMatch(/0\.5/);
    const bad = checkPgvector({ installed: null, available: null }, "yes");
    expect(bad).toMatchObject({ status: "warn" });
    expect(bad.detail).toContain('"yes"');
    expect(bad.fix).toMatch(/auto.*off/);
  });
});
