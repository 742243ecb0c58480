import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address.js";

describe("clientAddress", () => {
  it("keeps IPv4 whole, unwraps IPv4-mapped IPv6, and counts IPv6 by its /64", () => {
    expect(clientAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddress("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddress("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:db8:1:2::19")).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:1:2::/64");
    expect(clientAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientAddress("::1")).toBe("0:0:0:0::/64");
    expect(clientAddress("2001:db8:1:3::1")).not.toBe(clientAddress("2001:db8:1:2::1"));
  });
});
