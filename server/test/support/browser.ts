/** A real Chromium for browser tests (playwright-core drives the Debian `chromium` package, no download). */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { ModeName } from "@arena/client-sdk";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { REPO_ROOT, tempDir } from "./server-process.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// without the background-networking flags Chromium's own connections are refused on closed networks
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors of the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Fails with a clear message when Chromium or the built page is missing. */
export function checkBrowserPrerequisites(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y --no-install-recommends chromium\` (or set CHROMIUM_PATH)`);
  }
  if (!existsSync(path.join(REPO_ROOT, "web", "dist", "index.html"))) {
    throw new Error("the browser client is not built: run `npm run build` (tsc -b and the web bundle) first");
  }
}

/** Starts Chromium with a fresh profile and opens one page. */
export async function openBrowser(viewport = { width: 1280, height: 900 }): Promise<BrowserSession> {
  checkBrowserPrerequisites();
  const userDataDir = await tempDir("arena-chromium-");
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(`${message.text()} (${message.location().url})`);
  });
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A registered mode (its view is `<mode>-view`, its option fields `opt-<mode>-<key>`). */
export type Mode = ModeName;

/**
 * From the lobby (or a finished game, which it leaves first): enters the name, picks the mode, fills
 * the options (by data-testid; selects and inputs alike), presses Play and waits for the mode's view.
 */
export async function playFromLobby(page: Page, mode: Mode, name: string, options: Record<string, string>): Promise<void> {
  if (!(await page.getByTestId("lobby").isVisible())) await page.getByTestId("back-button").or(page.getByTestId("leave-button")).first().click();
  await page.getByTestId("name-input").fill(name);
  await page.getByTestId(`mode-${mode}`).click();
  for (const [testid, value] of Object.entries(options)) {
    const field = page.getByTestId(testid);
    if ((await field.evaluate((el) => el.tagName)) === "SELECT") await field.selectOption(value);
    else await field.fill(value);
  }
  await page.getByTestId("play-button").click();
  await page.getByTestId(`${mode}-view`).waitFor();
}

export const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (not undefined), or fails naming `what`. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await wait(50);
  }
}
