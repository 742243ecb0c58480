import { describe, expect, it } from "vitest";
import type { StoreTestKit } from "./store-test-kit.conformance.js";
import { expectStoreError, isoTimePattern, seedTenant } from "./store-test-kit.conformance.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);

export function describeUploadBlobs(kit: StoreTestKit): void {
  describe("upload blobs", () => {
    it("stores an upload's files, ties them to a job, reads them back in order, and removes them", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const max = 1_000;
      const b = await store.uploads.put({
        tenantId: tenant.id,
        uploadId: "u1",
        name: "b.md",
        data: bytes("# B\n\u0000binary\u00ff"),
        maxTenantBytes: max,
      });
      expect(b).toMatchObject({ tenantId: tenant.id, uploadId: "u1", jobId: null, name: "b.md" });
      expect(b?.createdAt).toMatch(isoTimePattern);
      await store.uploads.put({
        tenantId: tenant.id,
        uploadId: "u1",
        name: "a.txt",
        data: bytes("a"),
        maxTenantBytes: max,
      });
      await expectStoreError(
        store.uploads.put({
          tenantId: tenant.id,
          uploadId: "u1",
          name: "a.txt",
          data: bytes("x"),
          maxTenantBytes: max,
        }),
        "unique",
      );
      const job = await store.jobs.enqueue({ kind: "ingest", tenantId: tenant.id, payload: {} });
      expect(await store.uploads.list(tenant.id, job.id)).toEqual([]);
      expect(await store.uploads.attach(tenant.id, "u1", job.id)).toBe(2);
      const files = await store.uploads.list(tenant.id, job.id);
      expect(files.map((f) => [f.name, f.bytes, f.jobId])).toEqual([
        ["b.md", bytes("# B\n\u0000binary\u00ff").length, job.id],
        ["a.txt", 1, job.id],
      ]);
      expect(text(await store.uploads.read(tenant.id, job.id, "b.md"))).toBe("# B\n\u0000binary\u00ff");
      expect(await store.uploads.read(tenant.id, job.id, "missing.md")).toBeUndefined();
      expect(await store.uploads.tenantBytes(tenant.id)).toBe(files[0]!.bytes + 1);
      expect(await store.uploads.removeUpload(tenant.id, "u1")).toBe(2);
      expect(await store.uploads.list(tenant.id, job.id)).toEqual([]);
      expect(await store.uploads.tenantBytes(tenant.id)).toBe(0);
    });

    it("keeps each tenant's files to itself", async () => {
      const store = await kit.fresh();
      const owner = await seedTenant(store);
      const other = await seedTenant(store);
      await store.uploads.put({
        tenantId: owner.id,
        uploadId: "u",
        name: "f.md",
        data: bytes("mine"),
        maxTenantBytes: 100,
      });
      const job = await store.jobs.enqueue({ kind: "ingest", tenantId: owner.id, payload: {} });
      expect(await store.uploads.attach(other.id, "u", job.id)).toBe(0);
      expect(await store.uploads.attach(owner.id, "u", job.id)).toBe(1);
      expect(await store.uploads.list(other.id, job.id)).toEqual([]);
      expect(await store.uploads.read(other.id, job.id, "f.md")).toBeUndefined();
      expect(await store.uploads.removeUpload(other.id, "u")).toBe(0);
      expect(await store.uploads.sweep(other.id, new Date(Date.now() + 60_000).toISOString())).toBe(0);
      expect(await store.uploads.tenantBytes(other.id)).toBe(0);
      expect(text(await store.uploads.read(owner.id, job.id, "f.md"))).toBe("mine");
    });

    it("bounds the bytes a tenant stores, atomically, and each tenant apart", async () => {
      const url = await kit.url();
      const [one, two] = [await kit.open(url), await kit.open(url)];
      const tenant = await seedTenant(one);
      const other = await seedTenant(one);
      const put = (store: typeof one, i: number) =>
        store.uploads.put({
          tenantId: tenant.id,
          uploadId: `u${i}`,
          name: "f",
          data: new Uint8Array(100),
          maxTenantBytes: 1_000,
        });
      // 20 puts of 100 bytes from two stores at once: exactly 10 fit.
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => put(i % 2 ? one : two, i)));
      expect(results.filter(Boolean)).toHaveLength(10);
      expect(await one.uploads.tenantBytes(tenant.id)).toBe(1_000);
      expect(
        await one.uploads.put({
          tenantId: other.id,
          uploadId: "x",
          name: "f",
          data: new Uint8Array(1_000),
          maxTenantBytes: 1_000,
        }),
      ).toBeDefined();
      expect(
        await one.uploads.put({
          tenantId: other.id,
          uploadId: "y",
          name: "f",
          data: new Uint8Array(1),
          maxTenantBytes: 1_000,
        }),
      ).toBeUndefined();
    });

    it("sweeps the files of ended jobs and old unattached uploads, and keeps the rest", async () => {
      const store = await kit.fresh();
      const tenant = await seedTenant(store);
      const put = (uploadId: string) =>
        store.uploads.put({
          tenantId: tenant.id,
          uploadId,
          name: "f.md",
          data: bytes("x"),
          maxTenantBytes: 100,
        });
      for (const id of ["queued", "cancelled", "failed", "loose"]) await put(id);
      const queued = await store.jobs.enqueue({ kind: "ingest", tenantId: tenant.id, payload: {} });
      const cancelled = await store.jobs.enqueue({ kind: "ingest", tenantId: tenant.id, payload: {} });
      const failed = await store.jobs.enqueue({ kind: "ingest", tenantId: tenant.id, payload: {} });
      await store.uploads.attach(tenant.id, "queued", queued.id);
      await store.uploads.attach(tenant.id, "cancelled", cancelled.id);
      await store.uploads.attach(tenant.id, "failed", failed.id);
      await store.jobs.setStatus(cancelled.id, "cancelled");
      await store.jobs.claim({ kinds: ["ingest"], owner: "w", leaseMs: 10_000, id: failed.id });
      await store.jobs.finish(failed.id, "w", { status: "failed", error: "boom" });
      // A fresh unattached upload may still be being received: kept.
      expect(await store.uploads.sweep(tenant.id, new Date(Date.now() - 60_000).toISOString())).toBe(2);
      expect(await store.uploads.sweep(tenant.id, new Date(Date.now() + 60_000).toISOString())).toBe(1);
      expect(await store.uploads.list(tenant.id, queued.id)).toHaveLength(1);
      expect(await store.uploads.tenantBytes(tenant.id)).toBe(1);
    });
  });
}
