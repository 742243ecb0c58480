import { describe, expect, it } from "vitest";
import { redactPostgresUrl } from "./postgres-url.js";

describe("redactPostgresUrl", () => {
  it("drops the password from the authority and from parameters, keeping the rest", () => {
    expect(redactPostgresUrl("postgres://alq:hunter2@db.internal:5433/shop?sslmode=require")).toBe(
      "postgres://alq@db.internal:5433/shop?sslmode=require",
    );
    const withParam = redactPostgresUrl("postgresql://db/shop?user=alq&password=hunter2&sslpassword=x");
    expect(withParam).not.toMatch(/hunter2|sslpassword/);
    expect(withParam).toContain("user=alq");
  });

  it("never echoes a URL it cannot parse", () => {
    expect(redactPostgresUrl("postgres://alq:hunter2@[bad")).not.toContain("hunter2");
  });
});
