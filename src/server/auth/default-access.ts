import type { RouteOptions } from "fastify";
import type { RouteAccess } from "./request-auth.js";

/**
 * An `onRoute` hook that gives every route registered in its plugin (and the
 * plugin's children) `access` unless the route declares its own: `/v1` is
 * `chat` as a whole, whoever adds a route there.
 */
export function defaultAccess(access: RouteAccess): (route: RouteOptions) => void {
  return (route) => {
    route.config = { ...route.config, access: route.config?.access ?? access };
  };
}
