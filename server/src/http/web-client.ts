import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Application } from "express";
import type { Logger } from "../observability/logger.js";

/** Where `npm run build -w web` puts the browser client: `web/dist` at the repository (or image) root. */
export const WEB_CLIENT_DIR = fileURLToPath(new URL("../../../web/dist/", import.meta.url));

/**
 * Serves the browser client's static files at `/play` (`/play` redirects to `/play/`). Without a
 * build (no `index.html`) it logs a warning and mounts nothing, so the API works on its own.
 */
export function mountWebClient(app: Application, logger: Logger, dir = WEB_CLIENT_DIR): boolean {
  if (!existsSync(path.join(dir, "index.html"))) {
    logger.warn({ dir }, "browser client not built (npm run build): /play is not served");
    return false;
  }
  app.use("/play", express.static(dir, { index: "index.html", dotfiles: "ignore" }));
  logger.info({ dir }, "browser client served at /play");
  return true;
}
