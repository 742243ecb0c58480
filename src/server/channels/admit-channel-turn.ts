import type { AdmitTurn } from "../../channels/channel-turns.js";
import { AGENT_TURN_RESERVE, estimateTokens } from "../limits/reserve-estimate.js";
import type { ServerLimits } from "../limits/server-limits.js";

/**
 * A channel turn under the widget's limits: the contact counts as a visitor
 * (`visitorRequestsPerMinute`: a flood is dropped, not queued), the tenant's
 * daily tokens are reserved before and charged after, and a model turn takes
 * a slot of its model's queue, shared fairly with the HTTP API's requests. A
 * full budget or queue is retried later (the event stays queued).
 */
export function admitChannelTurn(limits: ServerLimits): AdmitTurn {
  return async ({ tenantId, contactKey, model, chars }) => {
    const rate = await limits.visitorRate?.take(`${tenantId}\u0000${contactKey}`);
    if (rate && !rate.allowed) {
      return {
        admitted: false,
        reason: "the contact sent more messages a minute than a visitor may",
        retryable: false,
      };
    }
    const budget = await limits.budget.reserve(
      tenantId,
      model ? estimateTokens(chars) + AGENT_TURN_RESERVE : 0,
    );
    if (!budget.allowed) {
      return { admitted: false, reason: `the tenant's daily tokens are ${budget.reason}`, retryable: true };
    }
    let release: () => void = () => {};
    if (model) {
      const slot = await limits.queues.acquire(model, undefined, tenantId);
      if (!slot.ok) {
        budget.reservation.release();
        return { admitted: false, reason: `every slot of ${model} is busy`, retryable: true };
      }
      release = slot.release;
    }
    return {
      admitted: true,
      done(usedTokens) {
        budget.reservation.charge(usedTokens);
        release();
      },
    };
  };
}
