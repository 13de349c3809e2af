import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it when missing); playwright-core never downloads a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where screenshots go (gitignored): kept after the run as test artifacts. */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/browser/', import.meta.url));
/** Every browser action gives up after this: a broken page fails the spec, it never hangs it. */
export const ACTION_TIMEOUT = 15000;

/** What the specs read of a page's globals (they compile without the DOM library). */
export interface PageWindow {
  document: { cookie: string };
  localStorage: { getItem(key: string): string | null };
  /** The SPA page's client (test/browser-spa.e2e-spec.ts). */
  api: Record<string, (...args: string[]) => Promise<{ status: number; body: unknown }>>;
}

export interface Browser {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  /** Saves a screenshot (the whole page, or what the window shows) as test-artifacts/browser/<name>.png. */
  screenshot(page: Page, name: string, fullPage?: boolean): Promise<string>;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a fresh profile (no cookies, no storage), with the flags that work as
 * root on a machine without a display or network. `hosts` are resolved to 127.0.0.1 (for a
 * cross-site origin served on loopback).
 */
export async function launchBrowser(hosts: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (what .ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const rules = hosts.map((host) => `MAP ${host} 127.0.0.1`).join(', ');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(rules ? [`--host-resolver-rules=${rules}`] : []),
    ],
  });
  context.setDefaultTimeout(ACTION_TIMEOUT);
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    newPage: () => context.newPage(),
    async screenshot(page, name, fullPage = true) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A static site on 127.0.0.1: `pages` maps a path to its HTML (given the site's own origin). */
export async function serveStatic(pages: Record<string, (origin: string) => string>): Promise<{ port: number; close(): Promise<void> }> {
  let port = 0;
  const server: Server = createServer((request, response) => {
    const page = pages[new URL(request.url ?? '/', 'http://x').pathname];
    if (page === undefined) {
      response.writeHead(404).end();
      return;
    }
    const host = request.headers.host ?? `127.0.0.1:${port}`;
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(`http://${host}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a browser's idle keep-alive sockets would hold the close open
      }),
  };
}
