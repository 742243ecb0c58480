// Part of the persistence contract: see ../store.ts for the conventions every method keeps.
import type { JsonValue } from "../json.js";
import type { Ticket } from "../knowledge.js";

export interface TicketsRepository {
  create(input: {
    tenantId: string;
    agentId: string;
    conversationId?: string | null;
    subject: string;
    body: string;
    metadata?: Record<string, JsonValue>;
  }): Promise<Ticket>;
  get(tenantId: string, id: string): Promise<Ticket | undefined>;
  list(tenantId: string, filter?: { agentId?: string; status?: Ticket["status"] }): Promise<Ticket[]>;
  setStatus(tenantId: string, id: string, status: Ticket["status"]): Promise<Ticket>;
}
