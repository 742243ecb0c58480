import { NotFoundError } from "../../spec/errors.js";
import type { StoreRepositories, Tenant } from "../../spec/store.js";
import { newId } from "../ids.js";
import type { Sql } from "./postgres-sql.js";
import { iso, nowIso } from "./postgres-values.js";

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  created_at: Date;
}

export function createPostgresTenants(sql: Sql): StoreRepositories["tenants"] {
  const one = async (text: string, values: unknown[]) =>
    (await sql.query<TenantRow>(text, values)).map(toTenant)[0];
  return {
    create: async ({ slug, name }) =>
      (await one("INSERT INTO tenants (id, slug, name, created_at) VALUES ($1, $2, $3, $4) RETURNING *", [
        newId(),
        slug,
        name,
        nowIso(),
      ]))!,
    get: (id) => one("SELECT * FROM tenants WHERE id = $1", [id]),
    getBySlug: (slug) => one("SELECT * FROM tenants WHERE slug = $1", [slug]),
    list: async () =>
      (await sql.query<TenantRow>("SELECT * FROM tenants ORDER BY created_at, id")).map(toTenant),
    async remove(id) {
      const gone = await sql.query("DELETE FROM tenants WHERE id = $1 RETURNING id", [id]);
      if (gone.length === 0) throw new NotFoundError("tenant", id);
    },
  };
}

function toTenant(row: TenantRow): Tenant {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: iso(row.created_at) };
}
