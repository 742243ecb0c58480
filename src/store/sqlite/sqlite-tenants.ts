import type { Database } from "better-sqlite3";
import { NotFoundError } from "../../spec/errors.js";
import type { Tenant } from "../../spec/store.js";
import { newId } from "../ids.js";
import { nowIso } from "./column-values.js";
import type { SyncRepositories } from "./sync-repositories.js";

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  created_at: string;
}

export function createSqliteTenants(db: Database): SyncRepositories["tenants"] {
  const insert = db.prepare<[string, string, string, string], TenantRow>(
    "INSERT INTO tenants (id, slug, name, created_at) VALUES (?, ?, ?, ?) RETURNING *",
  );
  const byId = db.prepare<[string], TenantRow>("SELECT * FROM tenants WHERE id = ?");
  const bySlug = db.prepare<[string], TenantRow>("SELECT * FROM tenants WHERE slug = ?");
  const all = db.prepare<[], TenantRow>("SELECT * FROM tenants ORDER BY created_at, id");
  const remove = db.prepare<[string]>("DELETE FROM tenants WHERE id = ?");

  return {
    create: ({ slug, name }) => toTenant(insert.get(newId(), slug, name, nowIso())!),
    get: (id) => optional(byId.get(id)),
    getBySlug: (slug) => optional(bySlug.get(slug)),
    list: () => all.all().map(toTenant),
    remove(id) {
      if (remove.run(id).changes === 0) throw new NotFoundError("tenant", id);
    },
  };
}

function optional(row: TenantRow | undefined): Tenant | undefined {
  return row && toTenant(row);
}

function toTenant(row: TenantRow): Tenant {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
}
