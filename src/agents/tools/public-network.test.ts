import { describe, expect, it } from "vitest";
import { startLocalHttpServer } from "../../models/openai-compatible/local-http-server.fixture.js";
import { isPublicAddress, PrivateAddressError, privateAddressOf, publicFetch } from "./public-network.js";

describe("isPublicAddress", () => {
  it.each([
    ["8.8.8.8", true],
    ["1.1.1.1", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["127.8.9.10", false],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["172.32.0.1", true],
    ["192.168.1.1", false],
    ["169.254.169.254", false], // cloud metadata
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["::1", false],
    ["[::1]", false],
    ["::", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false], // IPv4-mapped loopback
    ["::ffff:7f00:1", false], // the same, in hex
    ["::ffff:8.8.8.8", true],
    ["64:ff9b::a9fe:a9fe", false], // NAT64 of 169.254.169.254
    ["::127.0.0.1", false], // IPv4-compatible
    ["::7f00:1", false],
    ["::ffff:0:7f00:1", false], // IPv4-translated
    ["64:ff9b:1::7f00:1", false],
    ["2002:7f00:1::", false], // 6to4 of 127.0.0.1
    ["2001:0:4136:e378::1", false], // Teredo
    ["localhost", false], // not an IP at all
    ["example.com", false],
  ])("%s → %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("publicFetch", () => {
  it("refuses loopback by IP and by name before anything is sent", async () => {
    let requests = 0;
    const server = await startLocalHttpServer((_req, res) => {
      requests++;
      res.end("ok");
    });
    try {
      const port = new URL(server.url).port;
      for (const url of [
        `http://127.0.0.1:${port}/`,
        `http://localhost:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
      ]) {
        const error = await publicFetch(url).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(privateAddressOf(error), url).toBeInstanceOf(PrivateAddressError);
      }
      // A Request object goes through the same check.
      const viaRequest = await publicFetch(new Request(server.url, { method: "POST", body: "{}" })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(privateAddressOf(viaRequest)).toBeInstanceOf(PrivateAddressError);
      expect(requests).toBe(0);
      // The same server through the plain fetch: it is there.
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
