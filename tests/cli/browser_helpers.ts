/**
 * Opening generated HTML files in headless Chromium (Debian's `chromium`,
 * driven by playwright-core): a fresh profile, no network services, and a
 * record of console errors, page errors and every request made.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** The Chromium that CI installs (see .ci/run). */
export const CHROMIUM = "/usr/bin/chromium";

/** A page opened from a file, with what happened while it loaded. */
export interface OpenedPage {
  /** The page. */
  page: Page;
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  /** Requests that failed. */
  failed: string[];
}

/** A headless Chromium with a fresh profile; close it with `await using`. */
export interface Browser {
  /** Open `file` (a path) and wait until it has loaded. */
  open(file: string, viewport?: { width: number; height: number }): Promise<OpenedPage>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Start headless Chromium.
 *
 * @example
 * ```ts
 * await using browser = await startBrowser();
 * const { page, errors } = await browser.open("/tmp/report.html");
 * ```
 */
export async function startBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "dws-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    async open(file, viewport = { width: 1280, height: 900 }) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      const opened: OpenedPage = { page, errors: [], requests: [], failed: [] };
      page.on("console", (m) => {
        if (m.type() === "error") opened.errors.push(m.text());
      });
      page.on("pageerror", (e) => opened.errors.push(String(e)));
      page.on("request", (r) => opened.requests.push(r.url()));
      page.on("requestfailed", (r) => opened.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
      await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
      return opened;
    },
    async [Symbol.asyncDispose]() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Save a screenshot: into `$DWS_KEEP_SCREENSHOTS/<name>.png` when that
 * variable names a folder (to look at it), else into `dir`. Returns the path.
 */
export async function screenshot(page: Page, dir: string, name: string, fullPage = false): Promise<string> {
  const keep = Deno.env.get("DWS_KEEP_SCREENSHOTS");
  const path = join(keep || dir, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
